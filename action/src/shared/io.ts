// What a step needs from the runner. `actions-io.ts` implements it with `@actions/core`; tests use a fake.

import type { InputSource } from './input-reader.js';

/** What the logic modules log through: the runner's log in the action, anything in tests. */
export interface StepLogger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** Where an annotation points: a file of the repository (relative to the workspace) and, if known, a line. */
export interface AnnotationPlace {
  file: string;
  line?: number;
}

export interface ActionIo extends InputSource, StepLogger {
  setOutput(name: string, value: string): void;
  /** Appends Markdown to the job summary; a missing summary file is logged, not fatal. */
  appendSummary(markdown: string): Promise<void>;
  annotate(level: AnnotationLevel, message: string, title?: string, place?: AnnotationPlace): void;
  setFailed(message: string): void;
}
