// SBOMs: read CycloneDX files, generate one from lockfiles, and find where a component came from.

export { SBOM_BUNDLE_EXTERNALS } from './bundling.js';
export { type FoundLockfiles, findLockfiles, UNREAD_LOCKFILES } from './discover.js';
export { SbomError, type SbomErrorKind } from './errors.js';
export {
  composeSbom,
  DEFAULT_MAX_LOCKFILE_BYTES,
  DEV_PROPERTY,
  type DevDependencies,
  type GeneratedSbom,
  type GeneratedSpecVersion,
  type GenerateSbomOptions,
  generateSbom,
  type LockfileSummary,
  originOf,
  serializeSbom,
  writeSbom,
} from './generate.js';
export { LOCKFILE_NAMES, type LockfileKind, lockfileKind } from './lockfiles/index.js';
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
