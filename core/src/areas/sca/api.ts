// The public surface of `client.sca`: projects and builds, vulnerabilities, package compliance, licenses.

import type { CallOptions } from '../../client-api.js';
import type {
  AssessRequest,
  BuildAnalysis,
  License,
  PackageAudit,
  PackageCompliance,
  PackageSelector,
  PackageStatusChange,
  SbomImportResult,
  ScaBuild,
  ScaBuildOptions,
  ScaComment,
  ScaCommentInput,
  ScaIssue,
  ScaPackageRef,
  ScaProject,
  Vulnerability,
} from './types.js';

export interface SbomImportOptions extends CallOptions {
  /** Default: read from the file's first non-blank character (`{` JSON, `<` XML). */
  format?: 'json' | 'xml';
}

export interface ScaProjectsApi {
  list(options?: CallOptions): Promise<ScaProject[]>;
  /** undefined when there is no such project. */
  get(name: string, options?: CallOptions): Promise<ScaProject | undefined>;
  /** Creates or updates by name. */
  save(project: { name: string; type?: string; url?: string }, options?: CallOptions): Promise<ScaProject>;
  delete(name: string, options?: CallOptions): Promise<void>;
}

export interface ScaBuildsApi {
  /**
   * `POST /api/sca/import`: a CycloneDX SBOM (JSON or XML) streamed from disk, never held in memory. The
   * project and build come from the document's `metadata.component` name and version. Sent once (a 429 is
   * reported with the wait, not retried).
   */
  importSbom(filePath: string, options?: SbomImportOptions): Promise<SbomImportResult>;
  /** `GET /api/sca/export`, streamed to `destPath` (replaced only on success). */
  exportSbom(
    project: string,
    version: string,
    destPath: string,
    options?: CallOptions & { format?: 'json' | 'xml' },
  ): Promise<{ size: number }>;
  /** `POST /api/sca/audit-build`: analyse now and return the outcome. */
  audit(project: string, version: string, options?: CallOptions): Promise<BuildAnalysis>;
  /** `POST /api/sca/analyze-build` (undocumented, pgutil-only): analyse without a result. */
  analyze(project: string, version: string, options?: CallOptions): Promise<void>;
  /** `POST /api/sca/promote-build`; undefined when the server answers 200 without a body. */
  promote(
    project: string,
    version: string,
    stage: string,
    options?: CallOptions,
  ): Promise<BuildAnalysis | undefined>;
  /** undefined when the project or build does not exist. */
  get(project: string, version: string, options?: CallOptions): Promise<ScaBuild | undefined>;
  list(project: string, options?: CallOptions): Promise<ScaBuild[]>;
  /** Creates or updates; `active: false` archives. */
  save(build: ScaBuildOptions, options?: CallOptions): Promise<ScaBuild>;
  delete(project: string, version: string, options?: CallOptions): Promise<void>;
  issues(project: string, version: string, options?: CallOptions): Promise<ScaIssue[]>;
  resolveIssue(project: string, version: string, issue: number, options?: CallOptions): Promise<void>;
  deleteIssue(project: string, version: string, issue: number, options?: CallOptions): Promise<void>;
  comments(project: string, version: string, options?: CallOptions): Promise<ScaComment[]>;
  addComment(comment: ScaCommentInput, options?: CallOptions): Promise<void>;
  deleteComment(project: string, version: string, comment: number, options?: CallOptions): Promise<void>;
}

export interface ScaVulnerabilitiesApi {
  /** `POST /api/sca/audit-package-vulns`: one entry per vulnerability, with the affected packages resolved. */
  audit(packages: readonly ScaPackageRef[], options?: CallOptions): Promise<Vulnerability[]>;
  /** `POST /api/sca/assess`: the type is passed through as given. */
  assess(request: AssessRequest, options?: CallOptions): Promise<void>;
}

export interface ScaPackagesApi {
  /** `GET /api/packages/{feed}/metadata`; undefined when the server knows no such package (404). */
  metadata(feed: string, pkg: PackageSelector, options?: CallOptions): Promise<PackageCompliance | undefined>;
  /** `POST /api/packages/{feed}/audit`: re-analyse against the feed's policies. */
  audit(feed: string, pkg: PackageSelector, options?: CallOptions): Promise<PackageAudit>;
  /** `POST /api/packages/{feed}/status`: only the given properties change. */
  setStatus(
    feed: string,
    pkg: PackageSelector,
    change: PackageStatusChange,
    options?: CallOptions,
  ): Promise<void>;
}

export interface ScaLicensesApi {
  /** `/api/licenses/list`, or the legacy `/api/management/licenses/list` where the first is missing. */
  list(options?: CallOptions): Promise<License[]>;
}

export interface ScaApi {
  readonly projects: ScaProjectsApi;
  readonly builds: ScaBuildsApi;
  readonly vulnerabilities: ScaVulnerabilitiesApi;
  readonly packages: ScaPackagesApi;
  readonly licenses: ScaLicensesApi;
}
