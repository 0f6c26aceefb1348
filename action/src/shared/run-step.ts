// Runs one sub-action and turns whatever it throws into `setFailed`: expected errors (bad input, ProGet
// said no, a malformed package, a failed check) as their message with the hint; anything else as a bug.

import { PackageFormatError, ProGetError, ValidationError } from '@proget-ci/core';
import { StepError } from './errors.js';
import { inInputTerms } from './input-words.js';
import type { ActionIo } from './io.js';

export async function runStep(io: ActionIo, step: (io: ActionIo) => Promise<void>): Promise<void> {
  try {
    await step(io);
  } catch (error) {
    reportFailure(io, error);
  }
}

export function reportFailure(io: ActionIo, error: unknown): void {
  if (isExpected(error)) {
    if (error.stack) io.debug(error.stack);
    io.setFailed(inInputTerms(error.message));
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
