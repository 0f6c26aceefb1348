// What every bench case shares: the configuration, the result row shape, the scratch paths, the
// alternating-rounds loop and a simulator process per case.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver } from './bundle.js';
import { benchConfig } from './config.js';
import { BENCH_KEY, type SimProcess, startSimProcess } from './sim.js';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = join(BENCH_DIR, 'results');
export const WORK = join(RESULTS, 'work');
export const SCRATCH = join(WORK, 'tmp');
/** KiB per MB: targets are in MB, GNU time reports KiB. */
export const MB = 1e6 / 1024;

export const config = benchConfig(process.env.BENCH_SIZE);
export const node = process.execPath;
export const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

export type Status = 'met' | 'MISSED' | 'error' | 'info';

export interface Row {
  case: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  status: Status;
}

export interface CaseOutcome {
  rows: Row[];
  samples: Record<string, unknown>;
  notes: string[];
}

/** What the runner hands each case: the bundled drivers. */
export interface BenchContext {
  bundles: Record<Driver, string>;
}

export type BenchCase = (ctx: BenchContext) => Promise<CaseOutcome>;

export const cpu = (s: number) => (Number.isFinite(s) ? `${s.toFixed(2)} s` : '–');

export function verdict(ok: boolean): Status {
  return ok ? 'met' : 'MISSED';
}

/** Runs `n` rounds, alternating which of the two goes first. */
export async function alternate(
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

export async function withSim<T>(
  ctx: BenchContext,
  spec: Parameters<typeof startSimProcess>[2],
  fn: (sim: SimProcess) => Promise<T>,
) {
  const sim = await startSimProcess(ctx.bundles['sim-server'], SCRATCH, spec);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

export const universalFeed = (name: string) => ({ name, feedType: 'universal' });

/** curl's arguments for the baseline upload (`curl -T`) of a package to ProGet. */
export const curlUpload = (file: string, url: string) => [
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
