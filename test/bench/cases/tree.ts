// tree: the extension's tree provider showing the first page of a large feed against listing the whole feed.

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

export async function treeCase(ctx: BenchContext): Promise<CaseOutcome> {
  const n = config.treePackages;
  const spec = {
    options: simOptions([universalFeed('big')]),
    seed: { kind: 'many' as const, feed: 'big', count: n },
  };
  return withSim(ctx, spec, async (sim) => {
    log(`tree: first page of a ${n}-package feed vs listing all, ${config.treeRuns}×`);
    type TreeResult = { ms: number; shown: number; total?: number; moreMs?: number; moreTotal?: number };
    const ours: TreeResult[] = [];
    const base: TreeResult[] = [];
    const bare: TreeResult[] = [];
    const opts = { timeoutMs: config.processTimeoutMs };
    await alternate(
      config.treeRuns,
      async () => {
        base.push(
          lastJson<TreeResult>(
            await runOk(node, [ctx.bundles.tree, 'list', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
      },
      async () => {
        ours.push(
          lastJson<TreeResult>(
            await runOk(node, [ctx.bundles.tree, 'provider', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
        // Diagnostic: the provider's first-page requests (page + meta, in parallel), without the provider.
        bare.push(
          lastJson<TreeResult>(
            await runOk(node, [ctx.bundles.tree, 'request', sim.url, BENCH_KEY, 'big', String(n)], opts),
          ),
        );
      },
    );
    const o = median(ours.map((x) => x.ms));
    const b = median(base.map((x) => x.ms));
    const ratio = median(ours.map((x, i) => x.ms / base[i]!.ms));
    const more = median(ours.map((x) => x.moreMs!));
    const moreRatio = median(ours.map((x, i) => x.moreMs! / base[i]!.ms));
    const notes: string[] = [];
    const own = median(bare.map((x) => x.ms));
    notes.push(
      `tree: the provider's own first-page requests (listPackages with count 101 and meta, in parallel, as it sends them) alone take ${fmtMs(own)}, so the provider adds ${fmtMs(o - own)}; the rest is the simulator answering`,
    );
    if (base[0]!.shown !== n) notes.push(`listing all returned ${base[0]!.shown} of ${n} packages`);
    notes.push(
      `tree: first page shows ${ours[0]!.shown} packages and "Load more" (total from /meta: ${ours[0]!.total ?? 'none'} of ${n}); the first "Load more" lists all (total then known: ${ours[0]!.moreTotal} of ${n})`,
    );
    return {
      rows: [
        {
          case: `tree: first page of a ${n.toLocaleString('en')}-package feed`,
          ours: fmtMs(o),
          baseline: `${fmtMs(b)} (list all)`,
          ratio: fmtRatio(ratio),
          target: '≤ 150 ms',
          status: verdict(o <= 150),
        },
        {
          case: `tree: first "Load more" (fetches all ${n.toLocaleString('en')})`,
          ours: fmtMs(more),
          baseline: `${fmtMs(b)} (list all)`,
          ratio: fmtRatio(moreRatio),
          target: '',
          status: 'info',
        },
      ],
      samples: { ours, baseline: base, providerRequestOnly: bare },
      notes,
    };
  });
}
