// cold start: time from starting each action bundle to its first request, against `node -e 0`.

import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTION_DIR } from '../../integration/action/runner.js';
import { bareNodeStart, startProbe, timeToFirstRequest } from '../lib/cold.js';
import { type CaseOutcome, config, log, type Row, SCRATCH, verdict } from '../lib/harness.js';
import { BENCH_KEY } from '../lib/sim.js';
import { fmtBytes, fmtMs, median } from '../lib/stats.js';

export async function coldCase(): Promise<CaseOutcome> {
  const probe = await startProbe();
  const content = join(SCRATCH, 'cold-content');
  await mkdir(content, { recursive: true });
  await writeFile(join(content, 'hello.txt'), 'hello\n');
  const common = { server: probe.url, 'api-key': BENCH_KEY, retries: '0' };
  const inputs = {
    'promote-check': { ...common, package: 'app', version: '1.0.0', 'to-feed': 'prod' },
    'deploy-record': {
      ...common,
      feed: 'prod',
      package: 'app',
      version: '1.0.0',
      target: 'web-01',
      application: 'app',
    },
    publish: { ...common, feed: 'dev', path: content, name: 'app', version: '1.0.0' },
  } as const;
  try {
    log(`cold start to first request: 3 bundles vs node -e 0, ${config.coldRuns}×`);
    await bareNodeStart(); // warm the page cache for node itself
    const bare: number[] = [];
    const ours: Record<keyof typeof inputs, number[]> = {
      'promote-check': [],
      'deploy-record': [],
      publish: [],
    };
    for (let i = 0; i < config.coldRuns; i++) {
      for (const name of Object.keys(inputs) as (keyof typeof inputs)[]) {
        bare.push(await bareNodeStart());
        ours[name].push(await timeToFirstRequest(probe, name, inputs[name], SCRATCH));
      }
    }
    const b = median(bare);
    const rows: Row[] = [];
    for (const name of Object.keys(inputs) as (keyof typeof inputs)[]) {
      const o = median(ours[name]);
      const size = (await stat(join(ACTION_DIR, 'dist', `${name}.js`))).size;
      rows.push({
        case: `cold start to first request: ${name} (${fmtBytes(size)} bundle)`,
        ours: fmtMs(o),
        baseline: `${fmtMs(b)} (node -e 0)`,
        ratio: `${o >= b ? '+' : '−'}${fmtMs(Math.abs(o - b))}`,
        target: '≤ +200 ms',
        status: verdict(o - b <= 200),
      });
    }
    const sizes: Record<string, number> = {};
    for (const f of (await readdir(join(ACTION_DIR, 'dist'))).filter((f) => f.endsWith('.js'))) {
      sizes[f] = (await stat(join(ACTION_DIR, 'dist', f))).size;
    }
    return {
      rows,
      samples: { bare, ours, bundleBytes: sizes },
      notes: [
        `bundle sizes: ${Object.entries(sizes)
          .map(([f, s]) => `${f} ${fmtBytes(s)}`)
          .join(', ')}`,
      ],
    };
  } finally {
    await probe.close();
    await rm(content, { recursive: true, force: true });
  }
}
