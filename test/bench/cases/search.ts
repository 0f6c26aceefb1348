// search: the extension's Search Packages across many universal feeds (time to its first results) against
// listing every feed in full.

import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  log,
  node,
  universalFeed,
  verdict,
  withSim,
} from '../lib/harness.js';
import { lastJson, runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtMs, fmtRatio, median } from '../lib/stats.js';

export async function searchCase(ctx: BenchContext): Promise<CaseOutcome> {
  const feeds = Array.from({ length: config.searchFeeds }, (_, i) => `feed-${i}`);
  const n = config.searchPackagesPerFeed;
  const spec = {
    options: simOptions(feeds.map(universalFeed)),
    seed: { kind: 'manyFeeds' as const, feeds, count: n },
  };
  return withSim(ctx, spec, async (sim) => {
    const what = `${feeds.length} feeds × ${n.toLocaleString('en')} packages`;
    log(`search: first results across ${what} vs listing all, ${config.searchRuns}×`);
    type Result = {
      ms: number;
      firstMs?: number;
      allMs?: number;
      firstCount?: number;
      found: number;
      cap?: number;
    };
    const ours: Result[] = [];
    const base: Result[] = [];
    const simOnly: Result[] = [];
    const args = (mode: string) => [
      ctx.bundles.search,
      mode,
      sim.url,
      BENCH_KEY,
      String(feeds.length),
      String(n),
    ];
    const opts = { timeoutMs: config.processTimeoutMs };
    await alternate(
      config.searchRuns,
      async () => {
        base.push(lastJson<Result>(await runOk(node, args('list'), opts)));
      },
      async () => {
        ours.push(lastJson<Result>(await runOk(node, args('search'), opts)));
        simOnly.push(lastJson<Result>(await runOk(node, args('sim'), opts)));
      },
    );
    const first = median(ours.map((x) => x.ms));
    const all = median(ours.map((x) => x.allMs!));
    const b = median(base.map((x) => x.ms));
    const bFirst = median(base.map((x) => x.firstMs!));
    const ratio = median(ours.map((x, i) => x.ms / base[i]!.ms));
    const allRatio = median(ours.map((x, i) => x.allMs! / base[i]!.ms));
    const notes = [
      `search: the first results were ${ours.map((x) => x.firstCount).join(', ')} packages (per round: a feed's first page, as the tree expands it, until its whole list replaces it; at most ${ours[0]!.cap?.toLocaleString('en')} results are held); listing all feeds at once, the first feed is in after ${fmtMs(bFirst)} and the last after ${fmtMs(b)}: each feed's ${n.toLocaleString('en')} packages`,
      `search: the simulator alone answers one feed's first page (count=101, nothing parsed) in ${fmtMs(median(simOnly.map((x) => x.ms)))}: the floor for a first result against it`,
    ];
    return {
      rows: [
        {
          case: `search across ${what}: first results`,
          ours: fmtMs(first),
          baseline: `${fmtMs(b)} (list all feeds)`,
          ratio: fmtRatio(ratio),
          target: '≤ 300 ms',
          status: verdict(first <= 300),
        },
        {
          case: `search across ${what}: all results`,
          ours: fmtMs(all),
          baseline: `${fmtMs(b)} (list all feeds)`,
          ratio: fmtRatio(allRatio),
          target: '',
          status: 'info',
        },
      ],
      samples: { ours, baseline: base, simulatorFirstPage: simOnly },
      notes,
    };
  });
}
