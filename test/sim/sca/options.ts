// What a test can configure about the simulated SCA server (sca-api-notes §1): edition limits and every
// behaviour the notes mark UNVERIFIED, plus extra data on top of the seeded data set.

import type { SimLicense, SimPackageFacts, SimVulnerability } from './data.js';

export interface ScaSimOptions {
  /** Basic edition: SCA/compliance API actions allowed per rolling hour before 429. Default 10. */
  basicHourlyLimit?: number;
  /** Status a Free server answers on SCA and compliance endpoints (UNVERIFIED). Default 403. */
  freeStatus?: 402 | 403 | 404;
  /** Honour `?project=&version=` on import over the SBOM's metadata (UNVERIFIED). Default false: ignored. */
  importQueryOverrides?: boolean;
  /** A re-import of the same build replaces its package list or adds to it (UNVERIFIED). Default 'replace'. */
  reimport?: 'replace' | 'merge';
  /** promote-build answers a BuildAnalysisResults body or an empty 200 (UNVERIFIED). Default 'analysis'. */
  promoteResponse?: 'analysis' | 'empty';
  /** Status for promote-build to an unknown stage (UNVERIFIED). Default 400. */
  unknownStageStatus?: 400 | 404;
  /** Status for metadata/audit of a package the feed does not have (UNVERIFIED). Default 404. */
  packageNotFoundStatus?: 400 | 404;
  /** Package audit `resultCode`: a letter (`C`/`W`/`N`/`I`) or null (UNVERIFIED). Default 'letter'. */
  auditResultCode?: 'letter' | 'null';
  /** Accept the pre-2026 assessment names ignore/caution/blocked as aliases (UNVERIFIED). Default true. */
  assessAliases?: boolean;
  /**
   * How an unassessed vulnerability counts: by its severity (None/Low compliant, Medium warn,
   * High/Critical noncompliant) or always noncompliant (the "Unassessed Vulnerability Rule"). Default 'severity'.
   */
  unassessedVulnerability?: 'severity' | 'noncompliant';
  /** Stages whose analyses open issues for noncompliant and inconclusive packages. Default Test, Production. */
  issueStages?: string[];
  /** Whether the legacy `/api/sca/releases` path is served besides `/api/sca/builds`. Default true. */
  legacyReleasesPath?: boolean;
  /** More vulnerabilities, licenses and package facts on top of the seeded data set. */
  vulnerabilities?: SimVulnerability[];
  licenses?: SimLicense[];
  packages?: Record<string, SimPackageFacts>;
}
