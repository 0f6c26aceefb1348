// Runs one sub-action and turns whatever it throws into `setFailed`: expected errors (bad input, ProGet
// said no, a malformed package, a failed check) as their message with the hint; anything else as a bug.

import { PackageFormatError, ProGetError, ValidationError } from '@proget-ci/core';
import { type RunnerEnvironment, runnerEnvironment } from './environment.js';
import { StepError } from './errors.js';
import { inInputTerms } from './input-words.js';
import type { ActionIo } from './io.js';
import { cell } from './markdown.js';

export async function runStep(io: ActionIo, step: (io: ActionIo) => Promise<void>): Promise<void> {
  try {
    await step(io);
  } catch (error) {
    reportFailure(io, error);
  }
}

/**
 * runStep for a step that talks to ProGet: its banner line once the server first answers, and on a
 * failure the server or the key explains, the doctor finding that says why, in the log, the error and the
 * job summary.
 */
export async function runServerStep(
  io: ActionIo,
  step: (env: RunnerEnvironment) => Promise<void>,
  makeEnvironment: (io: ActionIo) => RunnerEnvironment = runnerEnvironment,
): Promise<void> {
  let env: RunnerEnvironment | undefined;
  try {
    env = makeEnvironment(io);
    await step(env);
    env.banner.show();
  } catch (error) {
    const finding = await env?.banner.explain(error).catch(() => undefined);
    if (finding !== undefined) await io.appendSummary(`${cell(finding)}\n\n`);
    reportFailure(io, error, finding);
  }
}

export function reportFailure(io: ActionIo, error: unknown, finding?: string): void {
  if (isExpected(error)) {
    if (error.stack) io.debug(error.stack);
    io.setFailed(inInputTerms(finding === undefined ? error.message : `${error.message}\n${finding}`));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.stack) io.debug(error.stack);
  io.setFailed(
    `Unexpected error: ${message}\nThis is a bug in proget-ci; re-run with debug logging (ACTIONS_STEP_DEBUG) for the stack trace and report it.`,
  );
}

function isExpected(error: unknown): error is Error {
  return (
    error instanceof ProGetError ||
    error instanceof ValidationError ||
    error instanceof PackageFormatError ||
    error instanceof StepError
  );
}
