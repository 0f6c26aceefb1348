// multipart-upload: publishResumable (multipart into an asset directory + import + check) against the plain
// PUT of the same package (issue 17: 2 GiB, time ≤ 1.1×), without and with a connection reset at 50%.
//
// The reset comes from a TCP relay in front of the simulator that cuts the connection once the client has
// sent half the package's bytes (counted over all connections of the round), so both methods meet the same
// fault: the PUT starts again (its only way on), multipart resends the part that was cut. Every run,
// faulted or not, goes through the relay, so its cost is the same on both sides.

import { randomFillSync } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { buildPackage } from '@proget-ci/core';
import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  cpu,
  log,
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
import { fmtBytes, fmtMs, fmtRatio, median } from '../lib/stats.js';

const MiB = 1024 * 1024;
const SIZES = {
  full: { bytes: 2048 * MiB, part: 32 * MiB, label: '2 GiB' },
  small: { bytes: 16 * MiB, part: 1 * MiB, label: '16 MiB' },
} as const;

interface Built {
  path: string;
  size: number;
  sha1: string;
  sha256: string;
}

/** A stored (uncompressed) package around one file of random bytes, built once and kept in WORK. */
async function ensurePackage(bytes: number): Promise<Built> {
  const root = join(WORK, `multipart-${bytes}`);
  const content = join(root, 'content');
  const data = join(content, 'data.bin');
  if (!existsSync(data)) {
    await rm(root, { recursive: true, force: true });
    await mkdir(content, { recursive: true });
    const out = createWriteStream(data);
    const chunk = Buffer.alloc(MiB);
    for (let left = bytes; left > 0; left -= MiB) {
      randomFillSync(chunk);
      const piece = left >= MiB ? chunk : chunk.subarray(0, left);
      if (!out.write(Buffer.from(piece))) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  const built = await buildPackage({
    sourceDir: content,
    outFile: join(root, 'bench-big-1.0.0.upack'),
    manifest: { name: 'bench-big', version: '1.0.0' },
    compressionLevel: 0,
  });
  return { path: built.path, size: built.size, sha1: built.sha1, sha256: built.sha256 };
}

/** A TCP relay to `port`; `arm(n)` cuts the connection carrying the client's n-th byte (once). */
async function startRelay(port: number) {
  const sockets = new Set<Socket>();
  let resetAt: number | undefined;
  let seen = 0;
  let resets = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (resetAt !== undefined && seen + chunk.length >= resetAt) {
        upstream.write(chunk.subarray(0, resetAt - seen));
        resetAt = undefined;
        resets++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      seen += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    arm(n: number | undefined) {
      seen = 0;
      resetAt = n;
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Sample {
  ms: number;
  cpuS: number;
  rssKb: number;
  attempts: number;
  partRequests?: number;
}

/** `BENCH_MULTIPART_MIB=256` measures another size (with the full configuration's 32 MiB parts). */
function sizeOf() {
  const mib = Number(process.env.BENCH_MULTIPART_MIB ?? '');
  if (Number.isInteger(mib) && mib > 0)
    return { bytes: mib * MiB, part: SIZES.full.part, label: `${mib} MiB` };
  return SIZES[config.size];
}

export async function multipartCase(ctx: BenchContext): Promise<CaseOutcome> {
  const size = sizeOf();
  const pkg = await ensurePackage(size.bytes);
  log(
    `multipart-upload ${fmtBytes(pkg.size)}: publishResumable (${fmtBytes(size.part)} parts) vs plain PUT, without and with a reset at 50%, ${config.runs}×`,
  );
  const feeds = [universalFeed('bench'), { name: 'bench-assets', feedType: 'asset' }];
  return withSim(ctx, { options: simOptions(feeds) }, async (sim) => {
    const port = Number(new URL(sim.url).port);
    const relay = await startRelay(port);
    try {
      const run = async (mode: 'put' | 'multipart', reset: boolean): Promise<Sample> => {
        relay.arm(reset ? Math.floor(pkg.size / 2) : undefined);
        const before = relay.resets;
        const r = await runOk(
          node,
          [
            ctx.bundles.multipart,
            pkg.path,
            relay.url,
            BENCH_KEY,
            'bench',
            mode,
            'bench-assets',
            String(size.part),
            String(pkg.size),
            pkg.sha1,
            pkg.sha256,
          ],
          { timeoutMs: config.processTimeoutMs, measureRss: true, scratch: SCRATCH },
        );
        if (reset && relay.resets !== before + 1) throw new Error(`the ${mode} run was not reset`);
        relay.arm(undefined);
        const j = lastJson<{ ms: number; attempts: number; partRequests?: number; maxRssKb: number }>(r);
        return {
          ms: r.wallMs,
          cpuS: r.cpuS ?? Number.NaN,
          rssKb: Math.max(r.maxRssKb ?? 0, j.maxRssKb),
          attempts: j.attempts,
          partRequests: j.partRequests,
        };
      };
      const put: Sample[] = [];
      const multi: Sample[] = [];
      const putReset: Sample[] = [];
      const multiReset: Sample[] = [];
      await alternate(
        config.runs,
        async (i) => {
          put[i] = await run('put', false);
        },
        async (i) => {
          multi[i] = await run('multipart', false);
        },
      );
      await alternate(
        config.runs,
        async (i) => {
          putReset[i] = await run('put', true);
        },
        async (i) => {
          multiReset[i] = await run('multipart', true);
        },
      );
      const ratio = (a: Sample[], b: Sample[]) => median(a.map((x, i) => x.ms / b[i]!.ms));
      const cpuNote = (s: Sample[]) => cpu(median(s.map((x) => x.cpuS)));
      const plain = ratio(multi, put);
      const faulted = ratio(multiReset, putReset);
      const rows: Row[] = [
        {
          case: `multipart upload ${size.label} vs single PUT, time`,
          ours: `${fmtMs(median(multi.map((x) => x.ms)))} (CPU ${cpuNote(multi)})`,
          baseline: `${fmtMs(median(put.map((x) => x.ms)))} (CPU ${cpuNote(put)})`,
          ratio: fmtRatio(plain),
          target: '≤ 1.10×',
          status: verdict(plain <= 1.1),
        },
        {
          case: `multipart upload ${size.label} vs single PUT, reset at 50%`,
          ours: `${fmtMs(median(multiReset.map((x) => x.ms)))} (CPU ${cpuNote(multiReset)})`,
          baseline: `${fmtMs(median(putReset.map((x) => x.ms)))} (CPU ${cpuNote(putReset)})`,
          ratio: fmtRatio(faulted),
          target: '≤ 1.10×',
          status: verdict(faulted <= 1.1),
        },
      ];
      const notes = [
        `multipart upload ${size.label}: ${fmtBytes(size.part)} parts, ${multi[0]?.partRequests} part requests without a fault and ` +
          `${median(multiReset.map((x) => x.partRequests ?? Number.NaN))} with the reset (one part resent); the PUT sent ` +
          `${median(putReset.map((x) => x.attempts))} times with the reset (it starts over). Peak RSS ` +
          `${Math.round(Math.max(...multi.map((x) => x.rssKb), ...multiReset.map((x) => x.rssKb)) / 1024)} MiB (multipart), ` +
          `${Math.round(Math.max(...put.map((x) => x.rssKb)) / 1024)} MiB (PUT). Both through the same TCP relay; ` +
          'multipart time includes the import and the SHA-1 check.',
      ];
      return { rows, samples: { put, multi, putReset, multiReset }, notes };
    } finally {
      await relay.close();
    }
  });
}
