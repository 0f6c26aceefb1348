// Runs a bundled action the way the GitHub runner does (`test/integration/action/runner.ts`), under GNU
// `time`, so the step's CPU seconds and peak RSS are reported beside its wall time.

import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ActionRun,
  type RunActionOptions,
  runAction,
  type SubAction,
} from '../../integration/action/runner.js';
import { SCRATCH } from './harness.js';

export interface TimedActionRun extends ActionRun {
  /** User + system CPU seconds of the action's process. */
  cpuS: number;
  /** Peak RSS of the action's process, KiB. */
  maxRssKb: number;
}

let counter = 0;

/**
 * `runAction` with `node` replaced by a wrapper that execs GNU time around the same node binary. The wrapper
 * is bash, not sh: dash drops variables whose names are not shell names, such as `INPUT_TO-FEED`.
 */
export async function runTimedAction(name: SubAction, options: RunActionOptions): Promise<TimedActionRun> {
  const wrapper = join(SCRATCH, 'timed-node.sh');
  await writeFile(
    wrapper,
    '#!/bin/bash\nexec /usr/bin/time -f "%U %S %M" -o "$BENCH_TIME_OUT" "$BENCH_NODE" "$@"\n',
  );
  await chmod(wrapper, 0o755);
  const report = join(SCRATCH, `action-time-${process.pid}-${++counter}.txt`);
  const run = await runAction(name, {
    ...options,
    node: wrapper,
    env: {
      ...options.env,
      BENCH_TIME_OUT: report,
      BENCH_NODE: options.node ?? (process.env.PROGET_CI_NODE || process.execPath),
    },
  });
  const text = await readFile(report, 'utf8').catch(() => '');
  await rm(report, { force: true });
  // GNU time writes "Command exited with non-zero status N" first when the step failed.
  const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(text.trim());
  if (!m) throw new Error(`no GNU time report for the ${name} step:\n${text}\n${run.stderr.slice(-2000)}`);
  return { ...run, cpuS: Number(m[1]) + Number(m[2]), maxRssKb: Number(m[3]) };
}
