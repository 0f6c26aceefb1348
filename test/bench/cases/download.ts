// download: universal.download to a file against `curl -o`, plain and verified with SHA-256, with two
// diagnostics beside it: Node's bare http.get and undici, each streaming the same URL to a file.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  downloadPackage,
  removeDownloaded,
  settle,
  uploadForDownload,
  withCpu,
} from '../lib/download-package.js';
import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  cpu,
  log,
  MB,
  node,
  SCRATCH,
  universalFeed,
  verdict,
  withSim,
} from '../lib/harness.js';
import { lastJson, type ProcResult, runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtBytes, fmtMB, fmtMs, fmtRatio, median } from '../lib/stats.js';

export async function downloadCase(ctx: BenchContext): Promise<CaseOutcome> {
  const { file: pkgFile, bytes: pkgBytes } = await downloadPackage();
  return withSim(ctx, { options: simOptions([universalFeed('bench')]) }, async (sim) => {
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
    type BareSample = { ms: number; rss: number; cpuS: number };
    const plain: BareSample[] = [];
    const undici: BareSample[] = [];
    const runBare = async (
      driver: 'plain-download' | 'undici-download',
      dest: string,
    ): Promise<BareSample> => {
      await settle();
      const p = await runOk(node, [ctx.bundles[driver], url, BENCH_KEY, dest], opts);
      await removeDownloaded(dest, pkgBytes, driver);
      const pj = lastJson<{ bytes: number; maxRssKb: number }>(p);
      if (pj.bytes !== pkgBytes) throw new Error(`${driver} reported ${pj.bytes} of ${pkgBytes} bytes`);
      return { ms: p.wallMs, rss: Math.max(p.maxRssKb ?? 0, pj.maxRssKb), cpuS: p.cpuS ?? Number.NaN };
    };
    const runOurs = async (dest: string, hash?: 'sha256') => {
      const args = [ctx.bundles.download, sim.url, BENCH_KEY, 'bench', 'bench-data', '1.0.0', dest];
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
        // Diagnostics, not participants: Node's bare http.get → file, to tell Node's cost from core's, and
        // undici's stream → file, the candidate to replace core's raw reader (see ARCHITECTURE.md).
        plain[i] = await runBare('plain-download', dest);
        undici[i] = await runBare('undici-download', dest);
      },
    );
    const o = median(ours.map((x) => x.ms));
    const b = median(base.map((x) => x.wallMs));
    const ratio = median(ours.map((x, i) => x.ms / base[i]!.wallMs));
    const oCpu = median(ours.map((x) => x.cpuS));
    const bCpu = median(base.map((x) => x.cpuS ?? Number.NaN));
    // Per round, as the time ratio: each pair ran under the same machine load.
    const cpuRatio = median(ours.map((x, i) => x.cpuS / (base[i]!.cpuS ?? Number.NaN)));
    const rss = Math.max(...ours.map((x) => x.rss));
    const ov = median(oursVerified.map((x) => x.ms));
    const bv = median(baseVerified.map((x) => x.wallMs));
    const ratioVerified = median(oursVerified.map((x, i) => x.ms / baseVerified[i]!.wallMs));
    const undiciCpu = median(undici.map((x) => x.cpuS));
    return {
      rows: [
        {
          case: `download ${fmtBytes(pkgBytes)} package to a file, time (CPU beside it)`,
          ours: withCpu(o, oCpu),
          baseline: withCpu(b, bCpu),
          ratio: fmtRatio(ratio),
          target: '≤ 1.10×',
          status: verdict(ratio <= 1.1),
        },
        {
          case: 'download, client CPU (user + system)',
          ours: cpu(oCpu),
          baseline: cpu(bCpu),
          ratio: fmtRatio(cpuRatio),
          target: '≤ 1.15×',
          status: verdict(cpuRatio <= 1.15),
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
          case: 'download verified with SHA-256 (core `hashes: [sha256]`), time (CPU beside it)',
          ours: withCpu(ov, median(oursVerified.map((x) => x.cpuS))),
          baseline: `${withCpu(bv, median(baseVerified.map((x) => x.cpuS ?? Number.NaN)))} (\`curl -o\` + \`sha256sum\`)`,
          ratio: fmtRatio(ratioVerified),
          target: '(no target: shows the hashing cost)',
          status: 'info',
        },
        {
          case: 'download with undici `stream` → file (raw-reader candidate), time (CPU beside it)',
          ours: `${withCpu(median(undici.map((x) => x.ms)), undiciCpu)} (undici)`,
          baseline: withCpu(b, bCpu),
          ratio: fmtRatio(median(undici.map((x, i) => x.ms / base[i]!.wallMs))),
          target: "(replaces core's raw reader only if ≤ 1.10×)",
          status: 'info',
        },
      ],
      samples: {
        packageBytes: pkgBytes,
        baseline: base.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb, cpuS: x.cpuS })),
        ours,
        baselineVerified: baseVerified.map((x) => ({ ms: x.wallMs, rssKb: x.maxRssKb, cpuS: x.cpuS })),
        oursVerified,
        plainNode: plain,
        undici,
      },
      notes: [
        `download: client CPU ${cpu(median(ours.map((x) => x.cpuS)))} (ours) vs ${cpu(median(base.map((x) => x.cpuS ?? Number.NaN)))} (curl); ` +
          `ours spends ${fmtMs(median(ours.map((x) => x.inProcessMs)))} in download() itself, the rest is process start and exit; ` +
          `diagnostic: plain Node http.get → file (no hashes) ${fmtMs(median(plain.map((x) => x.ms)))}, CPU ${cpu(median(plain.map((x) => x.cpuS)))}, peak ${fmtMB(Math.max(...plain.map((x) => x.rss)))}`,
        `download verified (SHA-256): client CPU ${cpu(median(oursVerified.map((x) => x.cpuS)))} (ours) vs ${cpu(median(baseVerified.map((x) => x.cpuS ?? Number.NaN)))} (curl + sha256sum); ` +
          `peak RSS ${fmtMB(Math.max(...oursVerified.map((x) => x.rss)))} (ours) vs ${fmtMB(Math.max(...baseVerified.map((x) => x.maxRssKb ?? 0)))}`,
        `download with undici: client CPU ${cpu(median(undici.map((x) => x.cpuS)))}, peak ${fmtMB(Math.max(...undici.map((x) => x.rss)))}; ` +
          `core's reader against undici, per round: ${fmtRatio(median(ours.map((x, i) => x.ms / undici[i]!.ms)))}`,
      ],
    };
  });
}
