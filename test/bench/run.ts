// `pnpm bench` (BENCH_SIZE=full, the default) / `BENCH_SIZE=small pnpm bench` (CI). Runs every case against
// the simulator on loopback, ours and the baseline alternately in the same run, and prints a Markdown table
// of medians and ratios; writes it (and the raw samples) to test/bench/results/. See README.md.
//
// Exit status: 1 when a case fails to run. In the full configuration a missed target exits 2; in the small
// one targets are printed but never fail the run (small inputs make the ratios noise).

import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTION_DIR, ensureBundles, runAction } from '../integration/action/runner.js';
import { bundleDrivers, type Driver } from './lib/bundle.js';
import { bareNodeStart, startProbe, timeToFirstRequest } from './lib/cold.js';
import { benchConfig } from './lib/config.js';
import { type Dataset, ensureDataset } from './lib/dataset.js';
import { ensureTools, lastJson, type ProcResult, runOk } from './lib/proc.js';
import { BENCH_KEY, type SimProcess, simOptions, startSimProcess } from './lib/sim.js';
import { fmtBytes, fmtMB, fmtMs, fmtRatio, median } from './lib/stats.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH_DIR, 'results');
const WORK = join(RESULTS, 'work');
const SCRATCH = join(WORK, 'tmp');
const MB = 1e6 / 1024; // KiB per MB: targets are in MB, GNU time reports KiB

type Status = 'met' | 'MISSED' | 'error' | 'info';

interface Row {
  case: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  status: Status;
}

interface CaseOutcome {
  rows: Row[];
  samples: Record<string, unknown>;
  notes: string[];
}

const config = benchConfig(process.env.BENCH_SIZE);
const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
const node = process.execPath;
let bundles: Record<Driver, string>;

const cpu = (s: number) => (Number.isFinite(s) ? `${s.toFixed(2)} s` : '–');

function verdict(ok: boolean): Status {
  return ok ? 'met' : 'MISSED';
}

function statusText(s: Status): string {
  if (s === 'met') return '✅ met';
  if (s === 'MISSED') return config.size === 'small' ? '⚠️ missed (small: noise)' : '❌ MISSED';
  if (s === 'error') return '💥 error';
  return 'ℹ️';
}

/** Runs `n` rounds, alternating which of the two goes first. */
async function alternate(
  n: number,
  baseline: (i: number) => Promise<void>,
  ours: (i: number) => Promise<void>,
) {
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      await baseline(i);
      await ours(i);
    } else {
      await ours(i);
      await baseline(i);
    }
  }
}

async function withSim<T>(spec: Parameters<typeof startSimProcess>[2], fn: (sim: SimProcess) => Promise<T>) {
  const sim = await startSimProcess(bundles['sim-server'], SCRATCH, spec);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

const universalFeed = (name: string) => ({ name, feedType: 'universal' });

/** curl's arguments for the baseline upload (`curl -T`) of a package to ProGet. */
const curlUpload = (file: string, url: string) => [
  '-sS',
  '-f',
  '-T',
  file,
  '-H',
  `X-ApiKey: ${BENCH_KEY}`,
  '-H',
  'Content-Type: application/zip',
  '-o',
  '/dev/null',
  url,
];

// --- publish --------------------------------------------------------------------------------------------

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

async function publishAt(data: Dataset): Promise<PublishSample[]> {
  return withSim({ options: simOptions([universalFeed('bench')]) }, async (sim) => {
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
        const r = await runOk(node, [bundles.publish, data.packageDir, out, sim.url, BENCH_KEY, 'bench'], {
          timeoutMs: config.processTimeoutMs,
          measureRss: true,
          scratch: SCRATCH,
        });
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

async function publishCase(): Promise<CaseOutcome> {
  const rows: Row[] = [];
  const samples: Record<string, unknown> = {};
  const rss: number[] = [];
  const notes: string[] = [];
  for (const { label, bytes } of config.publishSizes) {
    const data = await ensureDataset(WORK, bytes, log);
    log(
      `publish ${label} (${data.files} files): zip -r -6 + curl -T vs buildPackage + upload, ${config.runs}×`,
    );
    const s = await publishAt(data);
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

// --- download -------------------------------------------------------------------------------------------

/** The package both download cases fetch: the dataset zipped with `zip -0` (cached). */
async function downloadPackage(): Promise<{ file: string; bytes: number }> {
  const data = await ensureDataset(WORK, config.downloadBytes, log);
  const pkgFile = join(WORK, `download-${config.downloadBytes}.upack`);
  if (!existsSync(pkgFile)) {
    log(`building the ${fmtBytes(config.downloadBytes)} package to download (zip -0, cached)`);
    const tmp = `${pkgFile}.tmp.zip`;
    await rm(tmp, { force: true });
    await runOk('zip', ['-r', '-0', '-q', '-X', tmp, 'upack.json', 'package'], {
      cwd: data.root,
      timeoutMs: config.processTimeoutMs,
    });
    await import('node:fs/promises').then((fs) => fs.rename(tmp, pkgFile));
  }
  return { file: pkgFile, bytes: statSync(pkgFile).size };
}

/**
 * Untimed, before each measured download: writes out the dirty pages the last 1 GiB file left, so no
 * measured process pays for (or races) another one's writeback.
 */
async function settle(): Promise<void> {
  await runOk('sync', [], { timeoutMs: 120_000 });
}

/** Checks the size of a file a measured download wrote, then deletes it: both outside the measurement. */
async function removeDownloaded(dest: string, expected: number, who: string): Promise<void> {
  const size = (await stat(dest)).size;
  await rm(dest, { force: true });
  if (size !== expected) throw new Error(`${who} downloaded ${size} of ${expected} bytes`);
}

/** Puts the package into the simulator's `bench` feed (untimed). */
async function uploadForDownload(sim: SimProcess, pkgFile: string, curlTls: string[] = []): Promise<void> {
  await runOk('curl', [...curlTls, ...curlUpload(pkgFile, `${sim.url}/upack/bench/upload`)], {
    timeoutMs: config.processTimeoutMs,
  });
}

async function downloadCase(): Promise<CaseOutcome> {
  const { file: pkgFile, bytes: pkgBytes } = await downloadPackage();
  return withSim({ options: simOptions([universalFeed('bench')]) }, async (sim) => {
    const opts = { timeoutMs: config.processTimeoutMs, measureRss: true, scratch: SCRATCH };
    await uploadForDownload(sim, pkgFile);
    const url = `${sim.url}/upack/bench/download/bench-data/1.0.0`;
    const curlArgs = (dest: string) => ['-sS', '-f', '-H', `X-ApiKey: ${BENCH_KEY}`, '-o', dest, url];
    // The verified baseline: curl, then sha256sum of the file, in one measured process (a shell).
    const curlSha256 = (dest: string) => [
      '-c',
      'curl "$@" && sha256sum "$2"',
      'sh',
      '-o',
      dest,
      '-sS',
      '-f',
      '-H',
      `X-ApiKey: ${BENCH_KEY}`,
      url,
    ];
    log(
      `download ${fmtBytes(pkgBytes)}: curl -o vs universal.download, and curl -o + sha256sum vs universal.download with SHA-256, ${config.downloadRuns}× (after one warm-up)`,
    );
    const warm = join(SCRATCH, 'warm.upack');
    await runOk('curl', curlArgs(warm), opts);
    await rm(warm, { force: true });
    const base: ProcResult[] = [];
    const baseVerified: ProcResult[] = [];
    type OursSample = { ms: number; rss: number; cpuS: number; inProcessMs: number };
    const ours: OursSample[] = [];
    const oursVerified: OursSample[] = [];
    const plain: { ms: number; rss: number; cpuS: number }[] = [];
    const runOurs = async (dest: string, hash?: 'sha256') => {
      const args = [bundles.download, sim.url, BENCH_KEY, 'bench', 'bench-data', '1.0.0', dest];
      await settle();
      const r = await runOk(node, hash ? [...args, hash] : args, opts);
      await removeDownloaded(dest, pkgBytes, 'ours');
      const j = lastJson<{ bytes: number; maxRssKb: number; downloadMs?: number; sha256?: string }>(r);
      if (j.bytes !== pkgBytes) throw new Error(`ours reported ${j.bytes} of ${pkgBytes} bytes`);
      const sample: OursSample = {
        ms: r.wallMs,
        rss: Math.max(r.maxRssKb ?? 0, j.maxRssKb),
        cpuS: r.cpuS ?? Number.NaN,
        inProcessMs: j.downloadMs ?? Number.NaN,
      };
      return { sample, sha256: j.sha256 };
    };
    let expectedSha256: string | undefined;
    await alternate(
      config.downloadRuns,
      async (i) => {
        const dest = join(SCRATCH, `curl-${i}.upack`);
        await settle();
        base[i] = await runOk('curl', curlArgs(dest), opts);
        await removeDownloaded(dest, pkgBytes, 'curl');
        await settle();
        baseVerified[i] = await runOk('sh', curlSha256(dest), opts);
        await rm(dest, { force: true });
        const sum = /^([0-9a-f]{64})\s/.exec(baseVerified[i]!.stdout)?.[1];
        if (!sum) throw new Error(`sha256sum printed no hash: ${baseVerified[i]!.stdout.slice(0, 200)}`);
        if (expectedSha256 !== undefined && sum !== expectedSha256) throw new Error('SHA-256 differs');
        expectedSha256 = sum;
      },
      async (i) => {
        const dest = join(SCRATCH, `ours-${i}.upack`);
        ours[i] = (await runOurs(dest)).sample;
        const verified = await runOurs(dest, 'sha256');
        oursVerified[i] = verified.sample;
        if (expectedSha256 !== undefined && verified.sha256 !== expectedSha256) {
          throw new Error(`core's SHA-256 ${verified.sha256} differs from sha256sum's ${expectedSha256}`);
        }
        expectedSha256 = verified.sha256;
        // Diagnostic, not a participant: Node's bare http.get → file, to tell Node's cost from core's.
        await settle();
        const p = await runOk(node, [bundles['plain-download'], url, BENCH_KEY, dest], opts);
        await rm(dest, { force: true });
        const pj = lastJson<{ bytes: number; maxRssKb: number }>(p);
        plain[i] = { ms: p.wallMs, rss: Math.max(p.maxRssKb ?? 0, pj.maxRssKb), cpuS: p.cpuS ?? Number.NaN };
      },
    );
    const o = median(ours.map((x) => x.ms));
    const b = median(base.map((x) => x.wallMs));
    const ratio = median(ours.map((x, i) => x.ms / base[i]!.wallMs));
    const rss = Math.max(...ours.map((x) => x.rss));
    const ov = median(oursVerified.map((x) => x.ms));
    const bv = median(baseVerified.map((x) => x.wallMs));
    const ratioVerified = median(oursVerified.map((x, i) => x.ms / baseVerified[i]!.wallMs));
    return {
      rows: [
        {
          case: `download ${fmtBytes(pkgBytes)} package to a file, time`,
          ours: fmtMs(o),
          baseline: fmtMs(b),
          ratio: fmtRatio(ratio),
          target: '≤ 1.10×',
          status: verdict(ratio <= 1.1),
        },
        {
          case: 'download, peak RSS',
          ours: fmtMB(rss),
          baseline: fmtMB(Math.max(...base.map((x) => x.maxRssKb ?? 0))),
          ratio: '',
          target: '≤ 100 MB',
          status: verdict(rss <= 100 * MB),
        },
        {
          case: 'download verified with SHA-256 (core `hashes: [sha256]`), time',
          ours: fmtMs(ov),
          baseline: `${fmtMs(bv)} (\`curl -o\` + \`sha256sum\`)`,
          ratio: fmtRatio(ratioVerified),
          target: '(no target: shows the hashing cost)',
          status: 'info',
        },
      ],
      samples: {
        packageBytes: pkgBytes,
        baseline: base.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb })),
        ours,
        baselineVerified: baseVerified.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb, cpuS: x.cpuS })),
        oursVerified,
        plainNode: plain,
      },
      notes: [
        `download: client CPU ${cpu(median(ours.map((x) => x.cpuS)))} (ours) vs ${cpu(median(base.map((x) => x.cpuS ?? Number.NaN)))} (curl); ` +
          `ours spends ${fmtMs(median(ours.map((x) => x.inProcessMs)))} in download() itself, the rest is process start and exit; ` +
          `diagnostic: plain Node http.get → file (no hashes) ${fmtMs(median(plain.map((x) => x.ms)))}, CPU ${cpu(median(plain.map((x) => x.cpuS)))}, peak ${fmtMB(Math.max(...plain.map((x) => x.rss)))}`,
        `download verified (SHA-256): client CPU ${cpu(median(oursVerified.map((x) => x.cpuS)))} (ours) vs ${cpu(median(baseVerified.map((x) => x.cpuS ?? Number.NaN)))} (curl + sha256sum); ` +
          `peak RSS ${fmtMB(Math.max(...oursVerified.map((x) => x.rss)))} (ours) vs ${fmtMB(Math.max(...baseVerified.map((x) => x.maxRssKb ?? 0)))}`,
      ],
    };
  });
}

/**
 * The same download over HTTPS (no target in the issue: informational). The simulator serves TLS with a
 * certificate made here; curl and core both trust it as their CA, so both verify it as usual.
 */
async function downloadHttpsCase(): Promise<CaseOutcome> {
  const { file: pkgFile, bytes: pkgBytes } = await downloadPackage();
  const tlsDir = join(SCRATCH, 'tls');
  await mkdir(tlsDir, { recursive: true });
  const certFile = join(tlsDir, 'cert.pem');
  const keyFile = join(tlsDir, 'key.pem');
  await runOk(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { timeoutMs: 60_000 },
  );
  const tls = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  return withSim({ options: simOptions([universalFeed('bench')], { tls }) }, async (sim) => {
    const opts = { timeoutMs: config.processTimeoutMs, measureRss: true, scratch: SCRATCH };
    const curlTls = ['--cacert', certFile];
    await uploadForDownload(sim, pkgFile, curlTls);
    const url = `${sim.url}/upack/bench/download/bench-data/1.0.0`;
    log(
      `download ${fmtBytes(pkgBytes)} over HTTPS: curl --cacert -o vs universal.download (caCertPath), ${config.downloadRuns}× (after one warm-up)`,
    );
    const curl = (dest: string) => [...curlTls, '-sS', '-f', '-H', `X-ApiKey: ${BENCH_KEY}`, '-o', dest, url];
    const warm = join(SCRATCH, 'warm-https.upack');
    await runOk('curl', curl(warm), opts);
    await removeDownloaded(warm, pkgBytes, 'curl over HTTPS');
    const base: ProcResult[] = [];
    const ours: ProcResult[] = [];
    const oursEnv = { ...process.env, PROGET_BENCH_CA: certFile };
    await alternate(
      config.downloadRuns,
      async (i) => {
        const dest = join(SCRATCH, `curl-https-${i}.upack`);
        await settle();
        base[i] = await runOk('curl', curl(dest), opts);
        await removeDownloaded(dest, pkgBytes, 'curl over HTTPS');
      },
      async (i) => {
        const dest = join(SCRATCH, `ours-https-${i}.upack`);
        const args = [bundles.download, sim.url, BENCH_KEY, 'bench', 'bench-data', '1.0.0', dest];
        await settle();
        ours[i] = await runOk(node, args, { ...opts, env: oursEnv });
        await removeDownloaded(dest, pkgBytes, 'ours over HTTPS');
      },
    );
    const ratio = median(ours.map((x, i) => x.wallMs / base[i]!.wallMs));
    return {
      rows: [
        {
          case: `download ${fmtBytes(pkgBytes)} over HTTPS, time`,
          ours: fmtMs(median(ours.map((x) => x.wallMs))),
          baseline: `${fmtMs(median(base.map((x) => x.wallMs)))} (\`curl --cacert … -o\`)`,
          ratio: fmtRatio(ratio),
          target: '(no target: informational)',
          status: 'info',
        },
        {
          case: 'download over HTTPS, peak RSS',
          ours: fmtMB(Math.max(...ours.map((x) => x.maxRssKb ?? 0))),
          baseline: fmtMB(Math.max(...base.map((x) => x.maxRssKb ?? 0))),
          ratio: '',
          target: '(no target: informational)',
          status: 'info',
        },
      ],
      samples: {
        packageBytes: pkgBytes,
        baseline: base.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb, cpuS: x.cpuS })),
        ours: ours.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb, cpuS: x.cpuS })),
      },
      notes: [
        `download over HTTPS: client CPU ${cpu(median(ours.map((x) => x.cpuS ?? Number.NaN)))} (ours) vs ${cpu(median(base.map((x) => x.cpuS ?? Number.NaN)))} (curl); the simulator encrypts on the other core`,
      ],
    };
  });
}

// --- promote-check --------------------------------------------------------------------------------------

async function promoteCase(): Promise<CaseOutcome> {
  const n = config.promotePackages;
  const spec = {
    options: simOptions([universalFeed('dev-bench'), universalFeed('prod-bench')], {
      faults: [{ path: '/', fault: { type: 'latency' as const, ms: config.latencyMs } }],
    }),
    seed: { kind: 'promoted' as const, fromFeed: 'dev-bench', toFeed: 'prod-bench', count: n },
  };
  return withSim(spec, async (sim) => {
    const lines = Array.from({ length: n }, (_, i) => `bench/lib-${i}@1.0.${i}`);
    const listFile = join(SCRATCH, 'promote-packages.txt');
    await writeFile(listFile, `${lines.join('\n')}\n`);
    log(
      `promote-check of ${n} packages with ${config.latencyMs} ms latency: bundle vs one-by-one, ${config.promoteRuns}×`,
    );
    const ours: number[] = [];
    const base: number[] = [];
    await alternate(
      config.promoteRuns,
      async () => {
        const r = await runOk(
          node,
          [bundles['promote-seq'], sim.url, BENCH_KEY, 'dev-bench', 'prod-bench', listFile],
          {
            timeoutMs: config.processTimeoutMs,
          },
        );
        lastJson(r);
        base.push(r.wallMs);
      },
      async () => {
        const run = await runAction('promote-check', {
          inputs: {
            server: sim.url,
            'api-key': BENCH_KEY,
            packages: lines.join('\n'),
            'from-feed': 'dev-bench',
            'to-feed': 'prod-bench',
          },
          timeoutMs: config.processTimeoutMs,
        });
        if (run.exitCode !== 0 || run.outputs.promoted !== 'true') {
          throw new Error(
            `promote-check failed (exit ${run.exitCode}): ${run.errors.join('; ')}\n${run.stderr.slice(-2000)}`,
          );
        }
        ours.push(run.durationMs);
      },
    );
    const o = median(ours);
    const b = median(base);
    const ratio = median(ours.map((x, i) => x / base[i]!));
    return {
      rows: [
        {
          case: `promote-check of ${n} packages, ${config.latencyMs} ms latency (whole step)`,
          ours: fmtMs(o),
          baseline: `${fmtMs(b)} (one by one)`,
          ratio: fmtRatio(ratio),
          target: '≤ 1 s total',
          status: verdict(o <= 1000),
        },
      ],
      samples: { ours, baseline: base },
      notes: [],
    };
  });
}

// --- tree provider --------------------------------------------------------------------------------------

async function treeCase(): Promise<CaseOutcome> {
  const n = config.treePackages;
  const spec = {
    options: simOptions([universalFeed('big')]),
    seed: { kind: 'many' as const, feed: 'big', count: n },
  };
  return withSim(spec, async (sim) => {
    log(`tree: first page of a ${n}-package feed vs listing all, ${config.treeRuns}×`);
    type TreeResult = { ms: number; shown: number; total?: number; moreMs?: number; moreTotal?: number };
    const ours: TreeResult[] = [];
    const base: TreeResult[] = [];
    const bare: TreeResult[] = [];
    const opts = { timeoutMs: config.processTimeoutMs };
    await alternate(
      config.treeRuns,
      async () => {
        base.push(
          lastJson<TreeResult>(
            await runOk(node, [bundles.tree, 'list', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
      },
      async () => {
        ours.push(
          lastJson<TreeResult>(
            await runOk(node, [bundles.tree, 'provider', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
        // Diagnostic: the provider's first-page requests (page + meta, in parallel), without the provider.
        bare.push(
          lastJson<TreeResult>(
            await runOk(node, [bundles.tree, 'request', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
      },
    );
    const o = median(ours.map((x) => x.ms));
    const b = median(base.map((x) => x.ms));
    const ratio = median(ours.map((x, i) => x.ms / base[i]!.ms));
    const more = median(ours.map((x) => x.moreMs!));
    const moreRatio = median(ours.map((x, i) => x.moreMs! / base[i]!.ms));
    const notes: string[] = [];
    const own = median(bare.map((x) => x.ms));
    notes.push(
      `tree: the provider's own first-page requests (listPackages with count 101 and meta, in parallel, as it sends them) alone take ${fmtMs(own)}, so the provider adds ${fmtMs(o - own)}; the rest is the simulator answering`,
    );
    if (base[0]!.shown !== n) notes.push(`listing all returned ${base[0]!.shown} of ${n} packages`);
    notes.push(
      `tree: first page shows ${ours[0]!.shown} packages and "Load more" (total from /meta: ${ours[0]!.total ?? 'none'} of ${n}); the first "Load more" lists all (total then known: ${ours[0]!.moreTotal} of ${n})`,
    );
    return {
      rows: [
        {
          case: `tree: first page of a ${n.toLocaleString('en')}-package feed`,
          ours: fmtMs(o),
          baseline: `${fmtMs(b)} (list all)`,
          ratio: fmtRatio(ratio),
          target: '≤ 150 ms',
          status: verdict(o <= 150),
        },
        {
          case: `tree: first "Load more" (fetches all ${n.toLocaleString('en')})`,
          ours: fmtMs(more),
          baseline: `${fmtMs(b)} (list all)`,
          ratio: fmtRatio(moreRatio),
          target: '',
          status: 'info',
        },
      ],
      samples: { ours, baseline: base, providerRequestOnly: bare },
      notes,
    };
  });
}

// --- cold start -----------------------------------------------------------------------------------------

async function coldCase(): Promise<CaseOutcome> {
  const probe = await startProbe();
  const content = join(SCRATCH, 'cold-content');
  await mkdir(content, { recursive: true });
  await writeFile(join(content, 'hello.txt'), 'hello\n');
  const common = { server: probe.url, 'api-key': BENCH_KEY, retries: '0' };
  const inputs = {
    'promote-check': { ...common, package: 'app', version: '1.0.0', 'to-feed': 'prod' },
    'deploy-record': {
      ...common,
      feed: 'prod',
      package: 'app',
      version: '1.0.0',
      target: 'web-01',
      application: 'app',
    },
    publish: { ...common, feed: 'dev', path: content, name: 'app', version: '1.0.0' },
  } as const;
  try {
    log(`cold start to first request: 3 bundles vs node -e 0, ${config.coldRuns}×`);
    await bareNodeStart(); // warm the page cache for node itself
    const bare: number[] = [];
    const ours: Record<keyof typeof inputs, number[]> = {
      'promote-check': [],
      'deploy-record': [],
      publish: [],
    };
    for (let i = 0; i < config.coldRuns; i++) {
      for (const name of Object.keys(inputs) as (keyof typeof inputs)[]) {
        bare.push(await bareNodeStart());
        ours[name].push(await timeToFirstRequest(probe, name, inputs[name], SCRATCH));
      }
    }
    const b = median(bare);
    const rows: Row[] = [];
    for (const name of Object.keys(inputs) as (keyof typeof inputs)[]) {
      const o = median(ours[name]);
      const size = (await stat(join(ACTION_DIR, 'dist', `${name}.js`))).size;
      rows.push({
        case: `cold start to first request: ${name} (${fmtBytes(size)} bundle)`,
        ours: fmtMs(o),
        baseline: `${fmtMs(b)} (node -e 0)`,
        ratio: `${o >= b ? '+' : '−'}${fmtMs(Math.abs(o - b))}`,
        target: '≤ +200 ms',
        status: verdict(o - b <= 200),
      });
    }
    const sizes: Record<string, number> = {};
    for (const f of (await readdir(join(ACTION_DIR, 'dist'))).filter((f) => f.endsWith('.js'))) {
      sizes[f] = (await stat(join(ACTION_DIR, 'dist', f))).size;
    }
    return {
      rows,
      samples: { bare, ours, bundleBytes: sizes },
      notes: [
        `bundle sizes: ${Object.entries(sizes)
          .map(([f, s]) => `${f} ${fmtBytes(s)}`)
          .join(', ')}`,
      ],
    };
  } finally {
    await probe.close();
    await rm(content, { recursive: true, force: true });
  }
}

// --- main -----------------------------------------------------------------------------------------------

const CASES: [string, () => Promise<CaseOutcome>][] = [
  ['publish', publishCase],
  ['download', downloadCase],
  ['download-https', downloadHttpsCase],
  ['promote-check', promoteCase],
  ['tree', treeCase],
  ['cold start', coldCase],
];

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
}

function table(rows: Row[]): string {
  const lines = ['| case | ours | baseline | ratio | target | result |', '|---|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.case} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${statusText(r.status)} |`,
    );
  return lines.join('\n');
}

async function main() {
  const started = performance.now();
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  log(`configuration: ${config.size}; results in ${RESULTS}`);
  ensureTools(log);
  await mkdir(SCRATCH, { recursive: true });
  ensureBundles();
  bundles = await bundleDrivers(BENCH_DIR, join(RESULTS, 'build'));

  const rows: Row[] = [];
  const notes: string[] = [];
  const samples: Record<string, unknown> = {};
  for (const [name, fn] of CASES) {
    if (only && !only.includes(name)) continue;
    const t = performance.now();
    try {
      const outcome = await fn();
      rows.push(...outcome.rows);
      notes.push(...outcome.notes);
      samples[name] = outcome.samples;
    } catch (e) {
      log(`${name} failed: ${(e as Error).stack ?? e}`);
      rows.push({ case: name, ours: '', baseline: '', ratio: '', target: '', status: 'error' });
      notes.push(`${name} failed: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
    }
    log(`${name} done in ${fmtMs(performance.now() - t)}`);
  }
  await rm(SCRATCH, { recursive: true, force: true });

  const date = new Date().toISOString();
  const header = `Measured ${date.slice(0, 16).replace('T', ' ')} UTC, \`BENCH_SIZE=${config.size}\`, on ${machine()}; medians of ${config.runs} (publish) / ${config.downloadRuns} (downloads) / ${config.promoteRuns} (promote-check) / ${config.treeRuns} (tree) / ${config.coldRuns} (cold start) alternating runs; total ${fmtMs(performance.now() - started)}.`;
  const md = `${header}\n\n${table(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
  console.log(`\n${md}`);
  const stamp = date.replace(/[:.]/g, '-');
  await writeFile(join(RESULTS, `${stamp}-${config.size}.md`), md);
  await writeFile(join(RESULTS, `latest-${config.size}.md`), md);
  await writeFile(
    join(RESULTS, `${stamp}-${config.size}.json`),
    JSON.stringify({ date, size: config.size, machine: machine(), rows, notes, samples }, null, 2),
  );

  if (rows.some((r) => r.status === 'error')) process.exitCode = 1;
  else if (config.size === 'full' && rows.some((r) => r.status === 'MISSED')) process.exitCode = 2;
}

await main();
