// `pnpm bench` (BENCH_SIZE=full, the default) / `BENCH_SIZE=small pnpm bench` (CI). Runs every case in
// cases/ against the simulator on loopback, ours and the baseline alternately in the same run, and prints a
// Markdown table of medians and ratios; writes it (and the raw samples) to test/bench/results/. See README.md.
// `BENCH_ONLY=download,tree` runs only the named cases.
//
// Exit status: 1 when a case fails to run. In the full configuration a missed target exits 2; in the small
// one targets are printed but never fail the run (small inputs make the ratios noise).

import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { ensureBundles } from '../integration/action/runner.js';
import { auditCase } from './cases/audit.js';
import { coldCase } from './cases/cold-start.js';
import { downloadCase } from './cases/download.js';
import { downloadHttpsCase } from './cases/download-https.js';
import { multipartCase } from './cases/multipart-upload.js';
import { promoteCase } from './cases/promote-check.js';
import { publishCase } from './cases/publish.js';
import { publishBigCase } from './cases/publish-big.js';
import { searchCase } from './cases/search.js';
import { treeCase } from './cases/tree.js';
import { bundleDrivers } from './lib/bundle.js';
import {
  BENCH_DIR,
  type BenchCase,
  type BenchContext,
  config,
  log,
  RESULTS,
  type Row,
  SCRATCH,
  type Status,
} from './lib/harness.js';
import { ensureTools } from './lib/proc.js';
import { fmtMs } from './lib/stats.js';

const CASES: [string, BenchCase][] = [
  ['publish', publishCase],
  ['multipart-upload', multipartCase],
  ['download', downloadCase],
  ['download-https', downloadHttpsCase],
  ['promote-check', promoteCase],
  ['tree', treeCase],
  ['search', searchCase],
  ['cold start', coldCase],
  ['audit', auditCase],
  ['publish-big', publishBigCase],
];

function statusText(s: Status): string {
  if (s === 'met') return '✅ met';
  if (s === 'MISSED') return config.size === 'small' ? '⚠️ missed (small: noise)' : '❌ MISSED';
  if (s === 'error') return '💥 error';
  return 'ℹ️';
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
}

function table(rows: Row[]): string {
  const lines = ['| case | ours | baseline | ratio | target | result |', '|---|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.case} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${statusText(r.status)} |`,
    );
  return lines.join('\n');
}

async function main() {
  const started = performance.now();
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  log(`configuration: ${config.size}; results in ${RESULTS}`);
  ensureTools(log);
  await mkdir(SCRATCH, { recursive: true });
  ensureBundles();
  const ctx: BenchContext = { bundles: await bundleDrivers(BENCH_DIR, join(RESULTS, 'build')) };

  const rows: Row[] = [];
  const notes: string[] = [];
  const samples: Record<string, unknown> = {};
  for (const [name, fn] of CASES) {
    if (only && !only.includes(name)) continue;
    const t = performance.now();
    try {
      const outcome = await fn(ctx);
      rows.push(...outcome.rows);
      notes.push(...outcome.notes);
      samples[name] = outcome.samples;
    } catch (e) {
      log(`${name} failed: ${(e as Error).stack ?? e}`);
      rows.push({ case: name, ours: '', baseline: '', ratio: '', target: '', status: 'error' });
      notes.push(`${name} failed: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
    }
    log(`${name} done in ${fmtMs(performance.now() - t)}`);
  }
  await rm(SCRATCH, { recursive: true, force: true });

  const date = new Date().toISOString();
  const header = `Measured ${date.slice(0, 16).replace('T', ' ')} UTC, \`BENCH_SIZE=${config.size}\`, on ${machine()}; medians of ${config.runs} (publish) / ${config.downloadRuns} (downloads) / ${config.promoteRuns} (promote-check) / ${config.treeRuns} (tree) / ${config.searchRuns} (search) / ${config.coldRuns} (cold start) alternating runs; total ${fmtMs(performance.now() - started)}.`;
  const md = `${header}\n\n${table(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
  console.log(`\n${md}`);
  const stamp = date.replace(/[:.]/g, '-');
  await writeFile(join(RESULTS, `${stamp}-${config.size}.md`), md);
  await writeFile(join(RESULTS, `latest-${config.size}.md`), md);
  await writeFile(
    join(RESULTS, `${stamp}-${config.size}.json`),
    JSON.stringify({ date, size: config.size, machine: machine(), rows, notes, samples }, null, 2),
  );

  if (rows.some((r) => r.status === 'error')) process.exitCode = 1;
  else if (config.size === 'full' && rows.some((r) => r.status === 'MISSED')) process.exitCode = 2;
}

await main();
