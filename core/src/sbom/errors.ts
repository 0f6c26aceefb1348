// One error type for bad SBOM files and lockfiles: it names the file and says what is wrong with it.

export type SbomErrorKind =
  | 'not-found'
  | 'too-large'
  | 'not-parseable'
  | 'not-cyclonedx'
  | 'unsupported-version'
  | 'no-components'
  | 'no-lockfile'
  | 'unknown-lockfile'
  | 'invalid-lockfile'
  | 'invalid-option';

export class SbomError extends Error {
  override readonly name = 'SbomError';
  readonly kind: SbomErrorKind;
  /** The file at fault, as the caller named it (absent for option errors). */
  readonly file?: string;

  constructor(kind: SbomErrorKind, file: string | undefined, problem: string) {
    super(file === undefined ? problem : `${file}: ${problem}`);
    this.kind = kind;
    this.file = file;
  }
}
