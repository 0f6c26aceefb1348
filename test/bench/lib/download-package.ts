// What both download cases share: the package they fetch, putting it into the simulator, and the untimed
// steps around each measured download.

import { existsSync, statSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDataset } from './dataset.js';
import { config, cpu, curlUpload, log, WORK } from './harness.js';
import { runOk } from './proc.js';
import type { SimProcess } from './sim.js';
import { fmtBytes, fmtMs } from './stats.js';

/** The package both download cases fetch: the dataset zipped with `zip -0` (cached). */
export async function downloadPackage(): Promise<{ file: string; bytes: number }> {
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
    await rename(tmp, pkgFile);
  }
  return { file: pkgFile, bytes: statSync(pkgFile).size };
}

/**
 * Untimed, before each measured download: writes out the dirty pages the last 1 GiB file left, so no
 * measured process pays for (or races) another one's writeback.
 */
export async function settle(): Promise<void> {
  await runOk('sync', [], { timeoutMs: 120_000 });
}

/** Checks the size of a file a measured download wrote, then deletes it: both outside the measurement. */
export async function removeDownloaded(dest: string, expected: number, who: string): Promise<void> {
  const size = (await stat(dest)).size;
  await rm(dest, { force: true });
  if (size !== expected) throw new Error(`${who} downloaded ${size} of ${expected} bytes`);
}

/** Puts the package into the simulator's `bench` feed (untimed). */
export async function uploadForDownload(
  sim: SimProcess,
  pkgFile: string,
  curlTls: string[] = [],
): Promise<void> {
  await runOk('curl', [...curlTls, ...curlUpload(pkgFile, `${sim.url}/upack/bench/upload`)], {
    timeoutMs: config.processTimeoutMs,
  });
}

/** A transfer's cell: wall time with the client's CPU seconds (user + system) beside it. */
export function withCpu(ms: number, cpuS: number): string {
  return `${fmtMs(ms)} (CPU ${cpu(cpuS)})`;
}
