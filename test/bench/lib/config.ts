// Bench sizes. `BENCH_SIZE=small` (CI, every submission: proves each case still runs, quickly) or `full`
// (the default of `pnpm bench`, run by hand: the sizes the targets are stated for).

export type BenchSize = 'small' | 'full';

export interface BenchConfig {
  size: BenchSize;
  /** Alternating baseline/ours rounds for publish. */
  runs: number;
  /**
   * Rounds for the download cases: a download is short and its time swings with what the page cache is
   * doing, so more rounds than publish (whose rounds are long) for a steadier median.
   */
  downloadRuns: number;
  /** Publish input sizes; the last one is the headline, all are measured (for "flat RSS"). */
  publishSizes: { label: string; bytes: number }[];
  /** Size of the package downloaded. */
  downloadBytes: number;
  promotePackages: number;
  latencyMs: number;
  treePackages: number;
  treeRuns: number;
  promoteRuns: number;
  coldRuns: number;
  /** Ceiling for any single measured process. */
  processTimeoutMs: number;
}

const MiB = 1024 * 1024;

export function benchConfig(size: string | undefined): BenchConfig {
  const s = (size ?? 'full').toLowerCase();
  if (s === 'small') {
    return {
      size: 'small',
      runs: 2,
      downloadRuns: 2,
      publishSizes: [
        { label: '8 MiB', bytes: 8 * MiB },
        { label: '32 MiB', bytes: 32 * MiB },
      ],
      downloadBytes: 32 * MiB,
      promotePackages: 200,
      latencyMs: 20,
      treePackages: 10_000,
      treeRuns: 2,
      promoteRuns: 2,
      coldRuns: 3,
      processTimeoutMs: 60_000,
    };
  }
  if (s !== 'full') throw new Error(`BENCH_SIZE must be small or full, not ${size}`);
  return {
    size: 'full',
    runs: 3,
    downloadRuns: 9,
    publishSizes: [
      { label: '100 MiB', bytes: 100 * MiB },
      { label: '1 GiB', bytes: 1024 * MiB },
    ],
    downloadBytes: 1024 * MiB,
    promotePackages: 200,
    latencyMs: 20,
    treePackages: 10_000,
    treeRuns: 5,
    promoteRuns: 5,
    coldRuns: 7,
    processTimeoutMs: 15 * 60_000,
  };
}
