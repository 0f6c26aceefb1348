// SBOMs: read CycloneDX files, generate one from lockfiles, and find where a component came from.

export { SbomError, type SbomErrorKind } from './errors.js';
export {
  DEFAULT_MAX_SBOM_BYTES,
  type ParsedSbom,
  parseSbomText,
  type ReadSbomOptions,
  readSbom,
  type SbomFileSummary,
  type SbomReadResult,
  SUPPORTED_SPEC_VERSIONS,
} from './read.js';
export type * from './types.js';
