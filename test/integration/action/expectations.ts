// Assertions every integration test makes about a finished run.

import { expect } from 'vitest';
import type { Simulator } from '../../sim/index.js';
import type { ActionRun } from './runner.js';

/** The secret was masked, and appears nowhere a person or a log could read it. */
export function expectSecretsKept(run: ActionRun, secrets: string[], sim?: Simulator): void {
  for (const secret of secrets) expect(run.masks).toContain(secret);
  const visible = [
    run.stdout.replace(/^::add-mask::.*$/gm, ''),
    run.stderr,
    JSON.stringify(run.outputs),
    run.summary,
  ].join('\n');
  for (const secret of secrets) expect(visible).not.toContain(secret);
  if (sim) {
    for (const request of sim.requests()) {
      for (const secret of secrets) expect(request.url).not.toContain(secret);
    }
  }
}

/** Expected failures are one clear message: no stack trace anywhere but in ::debug:: lines. */
export function expectNoStackTrace(run: ActionRun): void {
  const nonDebug = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::debug::'))
    .join('\n');
  expect(nonDebug).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(nonDebug).not.toContain('%0A    at ');
  expect(run.stderr).not.toMatch(/\s+at .+:\d+:\d+/);
}
