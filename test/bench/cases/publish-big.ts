// publish-big (issue 17, "Big packages"): publish of a 4.5 GiB, mostly incompressible directory (one entry
// above 4 GiB, the package above 4 GiB zipped: ZIP64 sizes, offsets and end records) with the publish driver
// (buildPackage + upload, streamed, one process), its peak RSS against the same shape at 100 MiB, a check that
// the server holds exactly the package that was built and that the package is a valid zip to another reader,
// and an upload-only comparison: ours uploading the built file against `curl -T` of the same file.
// The big publish runs again under Node 24, the runtime GitHub gives the action (`runs.using: node24`), whose
// V8 sizes its heap differently: its peak RSS against the same bound, and the same package bytes.
//
// Small configuration: a 64 MiB stand-in (no ZIP64), to prove the case runs.

import { existsSync } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import { BIG_SHAPE, type Dataset, ensureDataset } from '../lib/dataset.js';
import {
  alternate,
  BENCH_DIR,
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

const FEED = 'bench';
const PACKAGE = { name: 'bench-data', version: '1.0.0' };
const U32_MAX = 0xffffffff;
const GiB = 1024 ** 3;
/** Issue 17's targets for big packages. */
const TARGET = { rssMb: 150, growthMb: 20, upload: 1.1 };

interface PublishRun {
  ms: number;
  buildMs: number;
  uploadMs: number;
  rssKb: number;
  /** Peak RSS when the build had finished, before the upload (from inside the driver). */
  buildRssKb: number;
  cpuS: number;
  packageBytes: number;
  sha1: string;
  sha256: string;
}

interface UploadRound {
  oursMs: number;
  oursCpuS: number;
  oursRssKb: number;
  curlMs: number;
  curlCpuS: number;
}

/**
 * Room for the input (unless cached), the kept package, the simulator's copy, and the Node 24 build with its
 * upload in flight.
 */
async function checkDisk(bytes: number, cached: boolean): Promise<void> {
  const need = (cached ? 0 : bytes) + 4 * bytes + GiB;
  const fs = await statfs(WORK);
  const free = fs.bavail * fs.bsize;
  if (free < need) {
    throw new Error(
      `publish-big needs about ${fmtBytes(need)} free under ${WORK} (input, package, the simulator's copy), ` +
        `but only ${fmtBytes(free)} is free: free some space or run another case`,
    );
  }
}

/** A Node 24 binary (fetched once by `scripts/node24.sh`, as the bundle tests do) and its version. */
async function node24(): Promise<{ path: string; version: string }> {
  const script = join(BENCH_DIR, '..', '..', 'scripts', 'node24.sh');
  const path = (await runOk('bash', [script], { timeoutMs: 300_000 })).stdout.trim().split('\n').pop()!;
  const version = (await runOk(path, ['--version'], { timeoutMs: 30_000 })).stdout.trim().replace(/^v/, '');
  return { path, version };
}

async function publishOnce(
  ctx: BenchContext,
  simUrl: string,
  data: Dataset,
  out: string,
  keep: boolean,
  runtime = node,
): Promise<PublishRun> {
  const r = await runOk(
    runtime,
    [ctx.bundles.publish, data.packageDir, out, simUrl, BENCH_KEY, FEED, keep ? 'keep' : '-'],
    { timeoutMs: config.bigProcessTimeoutMs, measureRss: true, scratch: SCRATCH },
  );
  const j = lastJson<{
    buildMs: number;
    uploadMs: number;
    packageBytes: number;
    sha1: string;
    sha256: string;
    buildMaxRssKb: number;
    maxRssKb: number;
  }>(r);
  return {
    ms: r.wallMs,
    buildMs: j.buildMs,
    uploadMs: j.uploadMs,
    rssKb: Math.max(r.maxRssKb ?? 0, j.maxRssKb),
    buildRssKb: j.buildMaxRssKb,
    cpuS: r.cpuS ?? Number.NaN,
    packageBytes: j.packageBytes,
    sha1: j.sha1,
    sha256: j.sha256,
  };
}

/** What the server lists for the package differs from what was built: the problems, or [] when it matches. */
async function serverMismatch(simUrl: string, built: { size: number; sha1: string }): Promise<string[]> {
  const client = new ProGetClient({ url: simUrl, apiKey: BENCH_KEY, retries: 0 });
  const versions = await client.packages.versions(FEED, PACKAGE);
  const v = versions.find((x) => x.version === PACKAGE.version);
  if (!v) return [`the server does not list ${PACKAGE.name} ${PACKAGE.version}`];
  const wrong: string[] = [];
  if (v.sha1?.toLowerCase() !== built.sha1) wrong.push(`server SHA-1 ${v.sha1}, built ${built.sha1}`);
  if (v.size !== built.size) wrong.push(`server size ${v.size}, built ${built.size}`);
  return wrong;
}

/** True when the archive ends with a ZIP64 end record and locator (read from its last bytes). */
async function hasZip64End(file: string, size: number): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    // Locator (20 bytes) right before the classic end record (22 bytes, no comment: ours writes none).
    const tail = Buffer.alloc(42);
    await fh.read(tail, 0, 42, size - 42);
    return tail.readUInt32LE(0) === 0x07064b50 && tail.readUInt32LE(20) === 0x06054b50;
  } finally {
    await fh.close();
  }
}

/**
 * Checks the built package with Info-ZIP's `unzip` (another reader than ours): the listing has every input
 * file with its size (the big entry's ZIP64 size read back), and `unzip -tq` finds every CRC right.
 * Returns the problems, or [] when it is valid.
 */
async function zipProblems(file: string, data: Dataset): Promise<string[]> {
  const opts = { timeoutMs: config.bigProcessTimeoutMs };
  const listing = await runOk('unzip', ['-l', file], opts);
  let files = 0;
  let total = 0;
  let largest = 0;
  for (const line of listing.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+\d{2,4}-\d{2}-\d{2,4}\s+\d{2}:\d{2}\s+(.+)$/.exec(line);
    if (!m || m[2]!.endsWith('/') || m[2] === 'upack.json') continue;
    const size = Number(m[1]);
    files++;
    total += size;
    largest = Math.max(largest, size);
  }
  const problems: string[] = [];
  if (files !== data.files) problems.push(`unzip lists ${files} files, the input has ${data.files}`);
  if (total !== data.bytes) problems.push(`unzip lists ${total} bytes of files, the input has ${data.bytes}`);
  if (largest !== data.largestFile)
    problems.push(`unzip lists the largest file as ${largest} bytes, it has ${data.largestFile}`);
  const test = await runOk('unzip', ['-tq', file], opts).catch((e: Error) => e);
  if (test instanceof Error)
    problems.push(`unzip -tq failed: ${test.message.split('\n').slice(0, 3).join(' ')}`);
  return problems;
}

export async function publishBigCase(ctx: BenchContext): Promise<CaseOutcome> {
  const { label, bytes, refLabel, refBytes } = config.bigPublish;
  const cached = existsSync(join(WORK, `data-${BIG_SHAPE.name}-${bytes}.json`));
  await checkDisk(bytes, cached);
  const ref = await ensureDataset(WORK, refBytes, log, BIG_SHAPE);
  const data = await ensureDataset(WORK, bytes, log, BIG_SHAPE);
  const pkgFile = join(SCRATCH, 'big.upack');
  // The Node 24 driver deletes its package itself; this is for a run that failed before it could.
  const pkgFile24 = join(SCRATCH, 'big-24.upack');
  const notes: string[] = [];
  const rows: Row[] = [];
  try {
    return await withSim(ctx, { options: simOptions([universalFeed(FEED)]) }, async (sim) => {
      log(`publish-big: ${refLabel} reference, then ${label} (${data.files} files), buildPackage + upload`);
      const refRun = await publishOnce(ctx, sim.url, ref, join(SCRATCH, 'big-ref.upack'), false);
      const refWrong = await serverMismatch(sim.url, { size: refRun.packageBytes, sha1: refRun.sha1 });
      const run = await publishOnce(ctx, sim.url, data, pkgFile, true);
      const built = { size: run.packageBytes, sha1: run.sha1, sha256: run.sha256 };
      const n24 = await node24();
      log(`publish-big: ${label} again under Node ${n24.version} (the action's runtime)`);
      const run24 = await publishOnce(ctx, sim.url, data, pkgFile24, false, n24.path);
      const same24 = run24.sha1 === built.sha1 && run24.packageBytes === built.size;

      log(`publish-big: checking the ${fmtBytes(built.size)} package (server SHA-1, unzip -l, unzip -tq)`);
      const problems = [
        ...refWrong,
        ...(await serverMismatch(sim.url, built)),
        ...(await zipProblems(pkgFile, data)),
      ];
      const zip64 = await hasZip64End(pkgFile, built.size);
      const needsZip64 = built.size > U32_MAX || data.largestFile >= U32_MAX;
      if (needsZip64 && !zip64) problems.push('the package is over 4 GiB but has no ZIP64 end records');
      const zip64Text = needsZip64
        ? `ZIP64 (entry of ${fmtBytes(data.largestFile)}, package ${fmtBytes(built.size)})`
        : 'no ZIP64 (small stand-in)';

      log(
        `publish-big: upload only, ours vs curl -T of the same ${fmtBytes(built.size)}, ${config.bigUploadRuns}×`,
      );
      const uploadUrl = `${sim.url}/upack/${FEED}/upload`;
      const rounds: Partial<UploadRound>[] = [];
      const uploadWrong: string[] = [];
      // `sync` (untimed) first: neither pays for the writeback of the upload before it.
      const sync = () => runOk('sync', [], { timeoutMs: config.bigProcessTimeoutMs });
      await alternate(
        config.bigUploadRuns,
        async (i) => {
          await sync();
          const r = await runOk('curl', curlUpload(pkgFile, uploadUrl), {
            timeoutMs: config.bigProcessTimeoutMs,
            measureRss: true,
            scratch: SCRATCH,
          });
          rounds[i] = { ...rounds[i], curlMs: r.wallMs, curlCpuS: r.cpuS ?? Number.NaN };
          uploadWrong.push(...(await serverMismatch(sim.url, built)).map((w) => `after curl: ${w}`));
        },
        async (i) => {
          await sync();
          const r = await runOk(
            node,
            [
              ctx.bundles.publish,
              '--upload',
              pkgFile,
              sim.url,
              BENCH_KEY,
              FEED,
              String(built.size),
              built.sha1,
              built.sha256,
            ],
            { timeoutMs: config.bigProcessTimeoutMs, measureRss: true, scratch: SCRATCH },
          );
          const j = lastJson<{ uploadMs: number; maxRssKb: number }>(r);
          rounds[i] = {
            ...rounds[i],
            oursMs: r.wallMs,
            oursCpuS: r.cpuS ?? Number.NaN,
            oursRssKb: Math.max(r.maxRssKb ?? 0, j.maxRssKb),
          };
          uploadWrong.push(...(await serverMismatch(sim.url, built)).map((w) => `after ours: ${w}`));
        },
      );
      problems.push(...uploadWrong);
      const up = rounds as UploadRound[];
      const med = (f: (x: UploadRound) => number) => median(up.map(f));
      const uploadRatio = med((x) => x.oursMs / x.curlMs);

      rows.push({
        case: `publish ${label} dir (${data.files} files, mostly incompressible), build + upload`,
        ours: `${fmtMs(run.ms)} (build ${fmtMs(run.buildMs)} + upload ${fmtMs(run.uploadMs)})`,
        baseline: '',
        ratio: '',
        target: 'none (the upload row below has one)',
        status: 'info',
      });
      rows.push({
        case: `publish ${label}: the package on the server`,
        ours: problems.length ? problems[0]! : `${zip64Text}; unzip -l and -tq pass; server SHA-1 = built`,
        baseline: '',
        ratio: '',
        target: 'valid zip, server has the built bytes',
        status: verdict(problems.length === 0),
      });
      rows.push({
        case: `publish ${label}, peak RSS`,
        ours: fmtMB(run.rssKb),
        baseline: '',
        ratio: '',
        target: `≤ ${TARGET.rssMb} MB`,
        status: verdict(run.rssKb <= TARGET.rssMb * MB),
      });
      rows.push({
        case: `publish ${label} under Node ${n24.version} (the action's runtime), peak RSS`,
        ours: `${fmtMB(run24.rssKb)}; ${same24 ? 'the same package bytes' : `a different package (SHA-1 ${run24.sha1})`}`,
        baseline: '',
        ratio: '',
        target: `≤ ${TARGET.rssMb} MB, same package`,
        status: verdict(run24.rssKb <= TARGET.rssMb * MB && same24),
      });
      const growth = run.rssKb - refRun.rssKb;
      rows.push({
        case: `publish peak RSS, ${refLabel} → ${label} (same shape)`,
        ours: `${fmtMB(refRun.rssKb)} → ${fmtMB(run.rssKb)}`,
        baseline: '',
        ratio: '',
        target: `flat (grows ≤ ${TARGET.growthMb} MB)`,
        status: verdict(growth <= TARGET.growthMb * MB),
      });
      rows.push({
        case: `upload the built ${fmtBytes(built.size)} package`,
        ours: `${fmtMs(med((x) => x.oursMs))} (universal.upload, build's hashes)`,
        baseline: `${fmtMs(med((x) => x.curlMs))} (curl -T)`,
        ratio: fmtRatio(uploadRatio),
        target: `≤ ${TARGET.upload.toFixed(2)}×`,
        status: verdict(uploadRatio <= TARGET.upload),
      });
      const [l1, l5] = os.loadavg();
      notes.push(
        `publish-big ${label}: package ${fmtBytes(built.size)} (${zip64Text}); client CPU ${cpu(run.cpuS)} for build + upload; ` +
          `peak RSS after the build ${fmtMB(run.buildRssKb)}, after the upload ${fmtMB(run.rssKb)}; ` +
          `${refLabel} reference ${fmtMs(refRun.ms)}, ${fmtMB(refRun.buildRssKb)} / ${fmtMB(refRun.rssKb)}; ` +
          `under Node ${n24.version}: ${fmtMs(run24.ms)} (build ${fmtMs(run24.buildMs)}), client CPU ${cpu(run24.cpuS)}, peak RSS after the build ${fmtMB(run24.buildRssKb)}; load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} (1 / 5 min) at the end`,
        `publish-big upload only, ${config.bigUploadRuns} alternating rounds: client CPU ${cpu(med((x) => x.oursCpuS))} (ours) vs ${cpu(med((x) => x.curlCpuS))} (curl); ` +
          `ours peak RSS ${fmtMB(Math.max(...up.map((x) => x.oursRssKb)))}; per-round ratios ${up.map((x) => fmtRatio(x.oursMs / x.curlMs)).join(', ')}`,
      );
      for (const p of problems.slice(1)) notes.push(`publish-big: ${p}`);
      return { rows, notes, samples: { reference: refRun, publish: run, node24: run24, upload: up } };
    });
  } finally {
    await rm(pkgFile, { force: true });
    await rm(pkgFile24, { force: true });
  }
}
