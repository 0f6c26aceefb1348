// publish: buildPackage + upload (the bundled publish driver) against `zip -r -6` + `curl -T` and against 7-Zip's
// multi-threaded zip (`7zz a -tzip -mx=5 -mmt=2`) + `curl -T`, at each of the configured directory sizes, with
// peak RSS (which must stay flat as the input grows) and the package sizes side by side.

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
  /** 7-Zip (`SEVEN_ZIP_ARGS`) + curl -T of its zip. */
  sevenMs: number;
  sevenZipMs: number;
  sevenCurlMs: number;
  sevenRssKb: number;
  sevenCpuS: number;
  sevenBytes: number;
  oursCpuS: number;
}

/** 7-Zip's zip at its default level, on both cores: the fastest common zip tool, as the issue names it. */
export const SEVEN_ZIP_ARGS = ['a', '-tzip', '-mx=5', '-mmt=2', '-bd', '-bso0', '-bsp0'];

/** Headline targets (issue 17, stated at the largest size): time vs zip + curl, and vs 7-Zip + curl at its size. */
const TARGET = { zip: 0.6, zipSmaller: 1.2, seven: 0.8, sevenSize: 1.02 };

async function publishAt(ctx: BenchContext, data: Dataset): Promise<PublishSample[]> {
  return withSim(ctx, { options: simOptions([universalFeed('bench')]) }, async (sim) => {
    const samples: PublishSample[] = [];
    const base: Partial<PublishSample>[] = [];
    const ours: Partial<PublishSample>[] = [];
    const uploadUrl = `${sim.url}/upack/bench/upload`;
    await alternate(
      config.runs,
      async (i) => {
        const opts = {
          cwd: data.root,
          timeoutMs: config.processTimeoutMs,
          measureRss: true,
          scratch: SCRATCH,
        };
        // Both baselines in each round, in turn first: neither always runs on a warmer page cache.
        /** One baseline of the round: pack with `tool`, then `curl -T` the result to the same endpoint. */
        const packThenCurl = async (tool: 'zip' | '7zz') => {
          const zipFile = join(SCRATCH, `baseline-${tool}-${i}.zip`);
          await rm(zipFile, { force: true });
          const args =
            tool === 'zip'
              ? ['-r', '-6', '-q', '-X', zipFile, 'upack.json', 'package']
              : [...SEVEN_ZIP_ARGS, zipFile, 'upack.json', 'package'];
          const pack = await runOk(tool, args, opts);
          const bytes = (await stat(zipFile)).size;
          const curl = await runOk('curl', curlUpload(zipFile, uploadUrl), opts);
          await rm(zipFile, { force: true });
          return {
            ms: pack.wallMs + curl.wallMs,
            packMs: pack.wallMs,
            curlMs: curl.wallMs,
            rssKb: Math.max(pack.maxRssKb ?? 0, curl.maxRssKb ?? 0),
            cpuS: (pack.cpuS ?? Number.NaN) + (curl.cpuS ?? Number.NaN),
            bytes,
          };
        };
        const zipThenCurl = async () => {
          const r = await packThenCurl('zip');
          base[i] = {
            ...base[i],
            baselineMs: r.ms,
            zipMs: r.packMs,
            curlMs: r.curlMs,
            baselineRssKb: r.rssKb,
            baselineCpuS: r.cpuS,
            zipBytes: r.bytes,
          };
        };
        const sevenThenCurl = async () => {
          const r = await packThenCurl('7zz');
          base[i] = {
            ...base[i],
            sevenMs: r.ms,
            sevenZipMs: r.packMs,
            sevenCurlMs: r.curlMs,
            sevenRssKb: r.rssKb,
            sevenCpuS: r.cpuS,
            sevenBytes: r.bytes,
          };
        };
        if (i % 2 === 0) {
          await zipThenCurl();
          await sevenThenCurl();
        } else {
          await sevenThenCurl();
          await zipThenCurl();
        }
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
  for (const [n, { label, bytes }] of config.publishSizes.entries()) {
    const headline = n === config.publishSizes.length - 1;
    const data = await ensureDataset(WORK, bytes, log);
    log(
      `publish ${label} (${data.files} files): zip -r -6 + curl -T, 7zz + curl -T vs buildPackage + upload, ${config.runs}×`,
    );
    const s = await publishAt(ctx, data);
    samples[label] = s;
    const med = (f: (x: PublishSample) => number) => median(s.map(f));
    const ratio = med((x) => x.oursMs / x.baselineMs);
    const zipTarget = headline ? TARGET.zip : TARGET.zipSmaller;
    const oursText = `${fmtMs(med((x) => x.oursMs))} (build ${fmtMs(med((x) => x.buildMs))} + upload ${fmtMs(med((x) => x.uploadMs))})`;
    const oursRss = Math.max(...s.map((x) => x.oursRssKb));
    rss.push(oursRss);
    rows.push({
      case: `publish ${label} dir (${data.files} files), time vs zip`,
      ours: oursText,
      baseline: `${fmtMs(med((x) => x.baselineMs))} (zip ${fmtMs(med((x) => x.zipMs))} + curl ${fmtMs(med((x) => x.curlMs))})`,
      ratio: fmtRatio(ratio),
      target: `≤ ${zipTarget.toFixed(2)}×`,
      status: verdict(ratio <= zipTarget),
    });
    const sevenRatio = med((x) => x.oursMs / x.sevenMs);
    const sizeRatio = med((x) => x.packageBytes / x.sevenBytes);
    rows.push({
      case: `publish ${label}, time vs 7-Zip`,
      ours: oursText,
      baseline: `${fmtMs(med((x) => x.sevenMs))} (7zz ${fmtMs(med((x) => x.sevenZipMs))} + curl ${fmtMs(med((x) => x.sevenCurlMs))})`,
      ratio: fmtRatio(sevenRatio),
      target: `≤ ${TARGET.seven.toFixed(2)}×`,
      status: verdict(sevenRatio <= TARGET.seven),
    });
    rows.push({
      case: `publish ${label}, package size vs 7-Zip`,
      ours: fmtBytes(med((x) => x.packageBytes)),
      baseline: fmtBytes(med((x) => x.sevenBytes)),
      ratio: fmtRatio(sizeRatio),
      target: `≤ ${TARGET.sevenSize.toFixed(2)}×`,
      status: verdict(sizeRatio <= TARGET.sevenSize),
    });
    rows.push({
      case: `publish ${label}, peak RSS`,
      ours: fmtMB(oursRss),
      baseline: `${fmtMB(Math.max(...s.map((x) => x.baselineRssKb)))} (zip, curl); ${fmtMB(Math.max(...s.map((x) => x.sevenRssKb)))} (7zz, curl)`,
      ratio: '',
      target: '≤ 150 MB',
      status: verdict(oursRss <= 150 * MB),
    });
    notes.push(
      `publish ${label}: package ${fmtBytes(med((x) => x.packageBytes))} (ours) vs ${fmtBytes(med((x) => x.zipBytes))} (zip -6) vs ${fmtBytes(med((x) => x.sevenBytes))} (7zz -mx=5); ` +
        `client CPU ${cpu(med((x) => x.oursCpuS))} (ours) vs ${cpu(med((x) => x.baselineCpuS))} (zip + curl) vs ${cpu(med((x) => x.sevenCpuS))} (7zz + curl)`,
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
