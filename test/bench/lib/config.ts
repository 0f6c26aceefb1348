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
  /**
   * Packages the one-by-one promote-check baseline checks: at 2,000 packages and 20 ms a request it runs
   * about a minute a round, so it checks this many and its time is extrapolated to all of them.
   */
  promoteBaselinePackages: number;
  latencyMs: number;
  /** Components in the audit case's SBOM, and its alternating rounds. */
  auditComponents: number;
  auditRuns: number;
  /** Packages in the tree case's feed (issue 17: 100,000). */
  treePackages: number;
  treeRuns: number;
  /** Search across feeds: this many universal feeds of `searchPackagesPerFeed` packages each. */
  searchFeeds: number;
  searchPackagesPerFeed: number;
  searchRuns: number;
  promoteRuns: number;
  coldRuns: number;
  /**
   * The big-package case (publish-big): a mostly incompressible directory of `bytes` (4.5 GiB in full: one
   * entry and the offsets past 4 GiB, so ZIP64), its peak RSS compared with the same shape at `refBytes`.
   */
  bigPublish: { label: string; bytes: number; refLabel: string; refBytes: number };
  /** Alternating rounds of its upload-only comparison (ours vs `curl -T` of the built package). */
  bigUploadRuns: number;
  /**
   * Ceiling for its build + upload (and `unzip -tq`): 4.5 GiB of mostly incompressible deflate is minutes of
   * CPU, and on a shared 2-core machine the process may get a quarter of a core.
   */
  bigProcessTimeoutMs: number;
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
      promoteBaselinePackages: 200,
      auditComponents: 1_000,
      auditRuns: 2,
      latencyMs: 20,
      treePackages: 10_000,
      treeRuns: 2,
      searchFeeds: 5,
      searchPackagesPerFeed: 2_000,
      searchRuns: 2,
      promoteRuns: 2,
      coldRuns: 3,
      bigPublish: { label: '64 MiB', bytes: 64 * MiB, refLabel: '8 MiB', refBytes: 8 * MiB },
      bigUploadRuns: 2,
      bigProcessTimeoutMs: 120_000,
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
    promotePackages: 2_000,
    promoteBaselinePackages: 250,
    auditComponents: 5_000,
    auditRuns: 5,
    latencyMs: 20,
    treePackages: 100_000,
    treeRuns: 5,
    searchFeeds: 5,
    searchPackagesPerFeed: 20_000,
    searchRuns: 5,
    promoteRuns: 5,
    coldRuns: 7,
    bigPublish: { label: '4.5 GiB', bytes: 4608 * MiB, refLabel: '100 MiB', refBytes: 100 * MiB },
    bigUploadRuns: 5,
    bigProcessTimeoutMs: 60 * 60_000,
    processTimeoutMs: 15 * 60_000,
  };
}
