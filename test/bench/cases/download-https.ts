// download over HTTPS: the download case again with TLS on the simulator (issue 17: time ≤ 1.15× curl's).

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSelfSignedCert } from '../../support/certs.js';
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
import { type ProcResult, runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtBytes, fmtMB, fmtRatio, median } from '../lib/stats.js';

/**
 * The same download over HTTPS (issue 17's target: time ≤ 1.15× curl's). The simulator serves TLS with a
 * certificate from test/support/certs.ts; curl and core both trust it as their CA, so both verify it as usual.
 */
export async function downloadHttpsCase(ctx: BenchContext): Promise<CaseOutcome> {
  const { file: pkgFile, bytes: pkgBytes } = await downloadPackage();
  const tlsDir = join(SCRATCH, 'tls');
  await mkdir(tlsDir, { recursive: true });
  const certFile = join(tlsDir, 'cert.pem');
  const tls = generateSelfSignedCert({ keyType: 'rsa' });
  await writeFile(certFile, tls.cert);
  return withSim(ctx, { options: simOptions([universalFeed('bench')], { tls }) }, async (sim) => {
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
        const args = [ctx.bundles.download, sim.url, BENCH_KEY, 'bench', 'bench-data', '1.0.0', dest];
        await settle();
        ours[i] = await runOk(node, args, { ...opts, env: oursEnv });
        await removeDownloaded(dest, pkgBytes, 'ours over HTTPS');
      },
    );
    const ratio = median(ours.map((x, i) => x.wallMs / base[i]!.wallMs));
    const oCpu = median(ours.map((x) => x.cpuS ?? Number.NaN));
    const bCpu = median(base.map((x) => x.cpuS ?? Number.NaN));
    const cpuRatio = median(ours.map((x, i) => (x.cpuS ?? Number.NaN) / (base[i]!.cpuS ?? Number.NaN)));
    return {
      rows: [
        {
          case: `download ${fmtBytes(pkgBytes)} over HTTPS, time (CPU beside it)`,
          ours: withCpu(median(ours.map((x) => x.wallMs)), oCpu),
          baseline: `${withCpu(median(base.map((x) => x.wallMs)), bCpu)} (\`curl --cacert … -o\`)`,
          ratio: fmtRatio(ratio),
          target: '≤ 1.15×',
          status: verdict(ratio <= 1.15),
        },
        {
          case: 'download over HTTPS, client CPU (user + system)',
          ours: cpu(oCpu),
          baseline: cpu(bCpu),
          ratio: fmtRatio(cpuRatio),
          target: '(no target: the time target above is the one for HTTPS)',
          status: 'info',
        },
        {
          case: 'download over HTTPS, peak RSS',
          ours: fmtMB(Math.max(...ours.map((x) => x.maxRssKb ?? 0))),
          baseline: fmtMB(Math.max(...base.map((x) => x.maxRssKb ?? 0))),
          ratio: '',
          target: '≤ 100 MB',
          status: verdict(Math.max(...ours.map((x) => x.maxRssKb ?? 0)) <= 100 * MB),
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
