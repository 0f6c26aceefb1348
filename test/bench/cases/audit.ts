// audit: the action's audit step on a big CycloneDX SBOM (npm, NuGet and PyPI packages, some with licenses
// and vulnerabilities the simulator knows, the rest unknown to it) against the same import and audit as
// bare HTTP requests with curl, so the row shows what the step adds to ProGet's own work.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  cpu,
  log,
  SCRATCH,
  verdict,
  withSim,
} from '../lib/harness.js';
import { runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtBytes, fmtMB, fmtMs, fmtRatio, median } from '../lib/stats.js';
import { runTimedAction } from '../lib/timed-action.js';

const PROJECT = 'bench-app';
const BUILD = '1.0.0';
const MiB = 1024 * 1024;

/** What the simulator is seeded with for some of the SBOM's packages; the rest it has never seen. */
export interface AuditDataset {
  sbom: unknown;
  packages: Record<string, { licenses: string[] }>;
  vulnerabilities: {
    id: string;
    summary: string;
    details: string;
    severity: 'Low' | 'Medium' | 'High' | 'Critical';
    numericCvss: number;
    published: string;
    affects: string[];
  }[];
}

/**
 * A deterministic SBOM of `n` components, a third each npm, NuGet and PyPI. Of every 100: 70 have an
 * allowed license (compliant), 8 an LGPL one (warn by policy), 4 a GPL one (noncompliant), 3 a vulnerability
 * as well as an allowed license (one medium for every two high or critical), and 15 nothing the server
 * knows (inconclusive).
 */
export function auditDataset(n: number): AuditDataset {
  const components: unknown[] = [];
  const packages: AuditDataset['packages'] = {};
  const vulnerabilities: AuditDataset['vulnerabilities'] = [];
  const allowed = ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'ISC'];
  for (let i = 0; i < n; i++) {
    const version = `${1 + (i % 5)}.${i % 13}.${i % 7}`;
    let purl: string;
    let component: Record<string, unknown>;
    if (i % 3 === 0) {
      const name = `bench-npm-${i}`;
      purl = `pkg:npm/${name}@${version}`;
      component = { type: 'library', name, version, purl };
    } else if (i % 3 === 1) {
      const name = `Bench.NuGet${i}`;
      purl = `pkg:nuget/${name}@${version}`;
      component = { type: 'library', name, version, purl };
    } else {
      const name = `bench-pypi-${i}`;
      purl = `pkg:pypi/${name}@${version}`;
      component = { type: 'library', name, version, purl };
    }
    const r = i % 100;
    if (r < 70) packages[purl] = { licenses: [allowed[i % allowed.length]!] };
    else if (r < 78) packages[purl] = { licenses: ['LGPL-2.1-only'] };
    else if (r < 82) packages[purl] = { licenses: ['GPL-3.0-only'] };
    else if (r < 85) {
      packages[purl] = { licenses: ['MIT'] };
      const severity = r === 82 ? 'Medium' : r === 83 ? 'High' : 'Critical';
      vulnerabilities.push({
        id: `PGV-BENCH-${i}`,
        summary: `A ${severity.toLowerCase()} flaw in component ${i}`,
        details: `Seeded for the benchmarks: component ${i} mishandles its input.`,
        severity,
        numericCvss: severity === 'Medium' ? 5.3 : severity === 'High' ? 7.5 : 9.8,
        published: '2026-01-01T00:00:00Z',
        affects: [purl],
      });
    }
    components.push(component);
  }
  const sbom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:6f1a7c1e-0b5d-4c55-9d0e-7b3a2f1e9c00',
    version: 1,
    metadata: {
      timestamp: '2026-01-01T00:00:00Z',
      component: { type: 'application', name: PROJECT, version: BUILD },
    },
    components,
  };
  return { sbom, packages, vulnerabilities };
}

export async function auditCase(_ctx: BenchContext): Promise<CaseOutcome> {
  const n = config.auditComponents;
  const data = auditDataset(n);
  const workspace = join(SCRATCH, 'audit-workspace');
  await rm(workspace, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  const bomFile = join(workspace, 'bom.cdx.json');
  await writeFile(bomFile, JSON.stringify(data.sbom));
  const spec = {
    options: simOptions([], {
      sca: { packages: data.packages, vulnerabilities: data.vulnerabilities },
    }),
  };
  return withSim(_ctx, spec, async (sim) => {
    log(`audit of a ${n}-component SBOM: bundled audit step vs curl, ${config.auditRuns}×`);
    const headers = ['-H', `X-ApiKey: ${BENCH_KEY}`];
    const q = `project=${PROJECT}`;
    // The step's requests, one curl each: import, audit, the build with its packages, its issues.
    const curls = [
      [
        '-X',
        'POST',
        '-H',
        'Content-Type: application/json',
        '--data-binary',
        `@${bomFile}`,
        `${sim.url}/api/sca/import`,
      ],
      ['-X', 'POST', `${sim.url}/api/sca/audit-build?${q}&build=${BUILD}`],
      [`${sim.url}/api/sca/builds?${q}&version=${BUILD}`],
      [`${sim.url}/api/sca/issues?${q}&version=${BUILD}`],
    ];
    const script = curls
      .map((args) => `curl -sS --fail -o /dev/null ${[...headers, ...args].map(shellQuote).join(' ')}`)
      .join(' && ');
    const ours: number[] = [];
    const oursCpu: number[] = [];
    const oursRss: number[] = [];
    const summaries: number[] = [];
    const base: number[] = [];
    const baseCpu: number[] = [];
    let status = '';
    await alternate(
      config.auditRuns,
      async () => {
        const r = await runOk('bash', ['-c', script], {
          timeoutMs: config.processTimeoutMs,
          measureRss: true,
          scratch: SCRATCH,
        });
        base.push(r.wallMs);
        baseCpu.push(r.cpuS ?? Number.NaN);
      },
      async () => {
        const run = await runTimedAction('audit', {
          inputs: {
            server: sim.url,
            'api-key': BENCH_KEY,
            sbom: 'bom.cdx.json',
            project: PROJECT,
            version: BUILD,
            'fail-on': 'never',
          },
          workspace,
          timeoutMs: config.processTimeoutMs,
        });
        if (run.exitCode !== 0 || !run.outputs.status || run.summary.length === 0) {
          throw new Error(
            `audit failed (exit ${run.exitCode}): ${run.errors.join('; ')}\n${run.stderr.slice(-2000)}`,
          );
        }
        if (!run.summary.includes(String(n)) && !run.summary.includes(n.toLocaleString('en'))) {
          throw new Error(`the audit summary does not mention the ${n} packages`);
        }
        status = run.outputs.status;
        ours.push(run.durationMs);
        oursCpu.push(run.cpuS);
        oursRss.push(run.maxRssKb);
        summaries.push(Buffer.byteLength(run.summary));
      },
    );
    const o = median(ours);
    const b = median(base);
    const ratio = median(ours.map((x, i) => x / base[i]!));
    const summary = Math.max(...summaries);
    return {
      rows: [
        {
          case: `audit of a ${n}-component SBOM: import, audit, summary (whole step)`,
          ours: fmtMs(o),
          baseline: `${fmtMs(b)} (curl: import, audit, build, issues)`,
          ratio: fmtRatio(ratio),
          target: '≤ 10 s total',
          status: verdict(o <= 10_000),
        },
        {
          case: `audit of a ${n}-component SBOM: the step summary's size`,
          ours: fmtBytes(summary),
          baseline: '',
          ratio: '',
          target: '≤ 1 MiB',
          status: verdict(summary <= MiB),
        },
      ],
      samples: { ours, oursCpu, oursRss, summaryBytes: summaries, baseline: base, baselineCpu: baseCpu },
      notes: [
        `audit (${n} components, verdict ${status}): CPU ${cpu(median(oursCpu))} for the step (peak RSS ${fmtMB(Math.max(...oursRss))}) vs ${cpu(median(baseCpu))} for curl; the simulator's import and analysis are in both.`,
      ],
    };
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
