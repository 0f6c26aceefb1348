// Domain types for SBOMs: what the rest of proget-ci uses, whatever the file or lockfile looked like.

/** One component of an SBOM, read from a CycloneDX file or generated from a lockfile. */
export interface SbomComponent {
  name: string;
  group?: string;
  version: string;
  /** Canonical package URL (as `packageurl-js` prints it). */
  purl: string;
  /** SPDX ids, or license names/expressions where the SBOM gives no id. */
  licenses: string[];
  bomRef: string;
  /** CycloneDX component type: `library`, `application`, `framework`, … */
  type: string;
}

/** Where a generated component comes from: the lockfile entry that brings it in (1-based line). */
export interface LockfileOrigin {
  /** Path relative to the workspace, with `/` separators. */
  file: string;
  line: number;
}

export interface GeneratedComponent extends SbomComponent {
  origin: LockfileOrigin;
  /** Only a development dependency brings it in. */
  dev: boolean;
}

/** Something the reader or generator skipped or doubts: the run goes on, but a person should see it. */
export interface SbomWarning {
  file: string;
  message: string;
}
