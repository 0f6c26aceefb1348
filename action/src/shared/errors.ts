// An expected failure of a step that is not ProGet's doing (a version that already exists, a hash that
// does not match, packages not promoted): reported as its message, never with a stack trace.

export class StepError extends Error {
  override readonly name = 'StepError';
}
