// A failed step still leaves a job summary: the reader of the run page sees what failed without opening
// the log. The text is the error's first line (secrets are never in it: inputs are masked, URLs redacted).

import { errorSummary } from '@proget-ci/core';
import { inInputTerms } from './input-words.js';
import type { ActionIo } from './io.js';
import { cell } from './markdown.js';

export async function withFailureSummary(
  io: ActionIo,
  /** A function when the heading depends on how far the step got. */
  heading: string | (() => string),
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (e) {
    await io.appendSummary(
      `### ${typeof heading === 'string' ? heading : heading()}\n\n❌ ${cell(inInputTerms(errorSummary(e)))}\n\n`,
    );
    throw e;
  }
}
