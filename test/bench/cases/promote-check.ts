// promote-check: the action's promote-check step over many packages against checking them one by one,
// with latency on every simulator response.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../../integration/action/runner.js';
import {
  alternate,
  type BenchContext,
  type CaseOutcome,
  config,
  log,
  node,
  SCRATCH,
  universalFeed,
  verdict,
  withSim,
} from '../lib/harness.js';
import { lastJson, runOk } from '../lib/proc.js';
import { BENCH_KEY, simOptions } from '../lib/sim.js';
import { fmtMs, fmtRatio, median } from '../lib/stats.js';

export async function promoteCase(ctx: BenchContext): Promise<CaseOutcome> {
  const n = config.promotePackages;
  const spec = {
    options: simOptions([universalFeed('dev-bench'), universalFeed('prod-bench')], {
      faults: [{ path: '/', fault: { type: 'latency' as const, ms: config.latencyMs } }],
    }),
    seed: { kind: 'promoted' as const, fromFeed: 'dev-bench', toFeed: 'prod-bench', count: n },
  };
  return withSim(ctx, spec, async (sim) => {
    const lines = Array.from({ length: n }, (_, i) => `bench/lib-${i}@1.0.${i}`);
    const listFile = join(SCRATCH, 'promote-packages.txt');
    await writeFile(listFile, `${lines.join('\n')}\n`);
    log(
      `promote-check of ${n} packages with ${config.latencyMs} ms latency: bundle vs one-by-one, ${config.promoteRuns}×`,
    );
    const ours: number[] = [];
    const base: number[] = [];
    await alternate(
      config.promoteRuns,
      async () => {
        const r = await runOk(
          node,
          [ctx.bundles['promote-seq'], sim.url, BENCH_KEY, 'dev-bench', 'prod-bench', listFile],
          {
            timeoutMs: config.processTimeoutMs,
          },
        );
        lastJson(r);
        base.push(r.wallMs);
      },
      async () => {
        const run = await runAction('promote-check', {
          inputs: {
            server: sim.url,
            'api-key': BENCH_KEY,
            packages: lines.join('\n'),
            'from-feed': 'dev-bench',
            'to-feed': 'prod-bench',
          },
          timeoutMs: config.processTimeoutMs,
        });
        if (run.exitCode !== 0 || run.outputs.promoted !== 'true') {
          throw new Error(
            `promote-check failed (exit ${run.exitCode}): ${run.errors.join('; ')}\n${run.stderr.slice(-2000)}`,
          );
        }
        ours.push(run.durationMs);
      },
    );
    const o = median(ours);
    const b = median(base);
    const ratio = median(ours.map((x, i) => x / base[i]!));
    return {
      rows: [
        {
          case: `promote-check of ${n} packages, ${config.latencyMs} ms latency (whole step)`,
          ours: fmtMs(o),
          baseline: `${fmtMs(b)} (one by one)`,
          ratio: fmtRatio(ratio),
          target: '≤ 1 s total',
          status: verdict(o <= 1000),
        },
      ],
      samples: { ours, baseline: base },
      notes: [],
    };
  });
}
