// publish: buildPackage + upload (the bundled publish driver) against `zip -r -6` + `curl -T`, at each of the
// configured directory sizes, with peak RSS (which must stay flat as the input grows).

import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset, ensureDataset } from '../lib/dataset.js';
import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  cpu,
  curlUpload,
  log,
  MB,
  node,
  type Row,
  SCRATCH,
  universalFeed,
  verdict,
  WORK,
  withSim,
} from '../lib/harness.js';
import { lastJson, runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtBytes, fmtMB, fmtMs, fmtRatio, median } from '../lib/stats.js';

interface PublishSample {
  baselineMs: number;
  zipMs: number;
  curlMs: number;
  baselineRssKb: number;
  oursMs: number;
  buildMs: number;
  uploadMs: number;
  oursRssKb: number;
  packageBytes: number;
  zipBytes: number;
  baselineCpuS: number;
  oursCpuS: number;
}

async function publishAt(ctx: BenchContext, data: Dataset): Promise<PublishSample[]> {
  return withSim(ctx, { options: simOptions([universalFeed('bench')]) }, async (sim) => {
    const samples: PublishSample[] = [];
    const base: Partial<PublishSample>[] = [];
    const ours: Partial<PublishSample>[] = [];
    const uploadUrl = `${sim.url}/upack/bench/upload`;
    await alternate(
      config.runs,
      async (i) => {
        const zipFile = join(SCRATCH, `baseline-${i}.zip`);
        await rm(zipFile, { force: true });
        const opts = {
          cwd: data.root,
          timeoutMs: config.processTimeoutMs,
          measureRss: true,
          scratch: SCRATCH,
        };
        const zip = await runOk('zip', ['-r', '-6', '-q', '-X', zipFile, 'upack.json', 'package'], opts);
        const zipBytes = (await stat(zipFile)).size;
        const curl = await runOk('curl', curlUpload(zipFile, uploadUrl), opts);
        await rm(zipFile, { force: true });
        base[i] = {
          baselineMs: zip.wallMs + curl.wallMs,
          zipMs: zip.wallMs,
          curlMs: curl.wallMs,
          baselineRssKb: Math.max(zip.maxRssKb ?? 0, curl.maxRssKb ?? 0),
          baselineCpuS: (zip.cpuS ?? Number.NaN) + (curl.cpuS ?? Number.NaN),
          zipBytes,
        };
      },
      async (i) => {
        const out = join(SCRATCH, `ours-${i}.upack`);
        const r = await runOk(
          node,
          [ctx.bundles.publish, data.packageDir, out, sim.url, BENCH_KEY, 'bench'],
          {
            timeoutMs: config.processTimeoutMs,
            measureRss: true,
            scratch: SCRATCH,
          },
        );
        await rm(out, { force: true });
        const j = lastJson<{ buildMs: number; uploadMs: number; packageBytes: number; maxRssKb: number }>(r);
        ours[i] = {
          oursMs: r.wallMs,
          buildMs: j.buildMs,
          uploadMs: j.uploadMs,
          oursRssKb: Math.max(r.maxRssKb ?? 0, j.maxRssKb),
          oursCpuS: r.cpuS ?? Number.NaN,
          packageBytes: j.packageBytes,
        };
      },
    );
    for (let i = 0; i < config.runs; i++) samples.push({ ...base[i], ...ours[i] } as PublishSample);
    return samples;
  });
}

export async function publishCase(ctx: BenchContext): Promise<CaseOutcome> {
  const rows: Row[] = [];
  const samples: Record<string, unknown> = {};
  const rss: number[] = [];
  const notes: string[] = [];
  for (const { label, bytes } of config.publishSizes) {
    const data = await ensureDataset(WORK, bytes, log);
    log(
      `publish ${label} (${data.files} files): zip -r -6 + curl -T vs buildPackage + upload, ${config.runs}×`,
    );
    const s = await publishAt(ctx, data);
    samples[label] = s;
    const ours = median(s.map((x) => x.oursMs));
    const base = median(s.map((x) => x.baselineMs));
    const ratio = median(s.map((x) => x.oursMs / x.baselineMs));
    const oursRss = Math.max(...s.map((x) => x.oursRssKb));
    rss.push(oursRss);
    rows.push({
      case: `publish ${label} dir (${data.files} files), time`,
      ours: `${fmtMs(ours)} (build ${fmtMs(median(s.map((x) => x.buildMs)))} + upload ${fmtMs(median(s.map((x) => x.uploadMs)))})`,
      baseline: `${fmtMs(base)} (zip ${fmtMs(median(s.map((x) => x.zipMs)))} + curl ${fmtMs(median(s.map((x) => x.curlMs)))})`,
      ratio: fmtRatio(ratio),
      target: '≤ 1.20×',
      status: verdict(ratio <= 1.2),
    });
    rows.push({
      case: `publish ${label}, peak RSS`,
      ours: fmtMB(oursRss),
      baseline: fmtMB(Math.max(...s.map((x) => x.baselineRssKb))),
      ratio: '',
      target: '≤ 150 MB',
      status: verdict(oursRss <= 150 * MB),
    });
    notes.push(
      `publish ${label}: package ${fmtBytes(median(s.map((x) => x.packageBytes)))} (ours) vs ${fmtBytes(median(s.map((x) => x.zipBytes)))} (zip -6); ` +
        `client CPU ${cpu(median(s.map((x) => x.oursCpuS)))} (ours) vs ${cpu(median(s.map((x) => x.baselineCpuS)))} (zip + curl)`,
    );
  }
  if (rss.length >= 2) {
    const growth = rss.at(-1)! - rss[0]!;
    rows.push({
      case: `publish peak RSS, ${config.publishSizes[0]!.label} → ${config.publishSizes.at(-1)!.label}`,
      ours: `${fmtMB(rss[0]!)} → ${fmtMB(rss.at(-1)!)}`,
      baseline: '',
      ratio: '',
      target: 'flat (grows ≤ 20 MB)',
      status: verdict(growth <= 20 * MB),
    });
  }
  return { rows, samples, notes };
}
