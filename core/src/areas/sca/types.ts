// Domain types of the supply-chain (SCA) area: builds, projects, vulnerabilities, package compliance,
// licenses. The wire shapes (sca-api-notes §3–6) are read in wire.ts and never leak past it.

/** A build's or package's analysis outcome (`C`/`W`/`N`/`I` on the wire). */
export type ScaStatus = 'compliant' | 'warn' | 'noncompliant' | 'inconclusive';

/** A package's verdict: an analysis outcome, or `blocked` when the server refuses its download. */
export type ComplianceVerdict = ScaStatus | 'blocked';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** `BuildAnalysisResults`: what audit-build and promote-build answer. */
export interface BuildAnalysis {
  /** False when the server reports no analysis (`lastAnalyzedDate` null): the result says nothing. */
  analyzed: boolean;
  analyzedAt?: string;
  /** Undefined when the server sent no status it could be read from. */
  status?: ScaStatus;
  /** The server's own words, e.g. `Noncompliant`. */
  statusText: string;
  issueCount?: number;
  unresolvedIssueCount?: number;
  totalPackages?: number;
  /** Noncompliant, but every issue was resolved by a person: pgutil's exit rule lets such a build pass. */
  resolved: boolean;
}

export interface ScaProject {
  id?: number;
  name: string;
  type?: string;
  url?: string;
}

export interface ScaVulnerabilityRef {
  id: string;
  title?: string;
  description?: string;
  /** CVSS score (0.1–10) where the server sends one. */
  score?: number;
  severity?: Severity;
  /** The assessment type as sent (`Contain`, `Blocked`, a custom name…). */
  assessment?: string;
  /** The assessment in 2026 terms (`Ignore`→`monitor`, `Caution`→`remediate`, `Blocked`→`contain`). */
  assessmentKind?: 'monitor' | 'remediate' | 'contain' | 'other';
}

export interface ScaBuildPackage {
  purl: string;
  licenses: string[];
  verdict: ScaStatus;
  /** The server's word, e.g. `Noncompliant`. */
  result: string;
  detail?: string;
  analyzedAt?: string;
  vulnerabilities: ScaVulnerabilityRef[];
}

export interface ScaComment {
  number: number;
  by?: string;
  date?: string;
  comment?: string;
}

export interface ScaBuild {
  project: string;
  version: string;
  active: boolean;
  url?: string;
  /** Absolute URL of the build's page in ProGet (`viewBuildUrl`, or `viewReleaseUrl` on 2022/2023 servers). */
  viewUrl?: string;
  /** Legacy releases only. */
  issuesUrl?: string;
  created?: string;
  release?: string;
  stage?: string;
  comments: ScaComment[];
  packages: ScaBuildPackage[];
}

export interface ScaBuildOptions {
  project: string;
  version: string;
  url?: string;
  active?: boolean;
  stage?: string;
}

export interface ScaIssue {
  number: number;
  created?: string;
  detail?: string;
  purl: string;
  resolved: boolean;
  /** Legacy issues: `L` (license) or `V` (vulnerability). */
  type?: string;
  vulnerability?: string;
}

export interface ScaCommentInput {
  project: string;
  version: string;
  comment: string;
  by?: string;
  /** Updates that comment instead of adding one (UNVERIFIED on the server side). */
  number?: number;
}

/** One package version as the vulnerability audit takes it (`PackageVersionIdentifier`). */
export interface ScaPackageRef {
  /** purl-style type: `npm`, `nuget`, `pypi`, `maven`… */
  type: string;
  name: string;
  version: string;
  group?: string;
}

/** `VulnerabilityInfo`, PVRS-era and older field names alike. */
export interface Vulnerability {
  id: string;
  summary?: string;
  details?: string;
  published?: string;
  withdrawn?: string;
  cve?: string;
  /** CVSS vector. */
  cvss?: string;
  score?: number;
  severity?: Severity;
  /** 1–5 where a server sends a PVRS category (no documented field; read when present). */
  pvrsCategory?: number;
  /** Indexes into the request array, as sent. */
  affectedIndexes: number[];
  /** The request entries those indexes name. */
  affected: ScaPackageRef[];
}

export interface AssessRequest {
  id: string;
  /** Passed through as given: `monitor`/`remediate`/`contain` (2026), `ignore`/`caution`/`blocked`, or custom. */
  type: string;
  comment?: string;
  policy?: string;
}

/** Identifies one package version in a feed: a purl, or name + version (+ group, qualifier). */
export type PackageSelector =
  | { purl: string }
  | { name: string; version: string; group?: string; qualifier?: string };

export interface PackageComplianceReport {
  verdict: ScaStatus;
  /** The server's word (`analysisResult`). */
  result: string;
  analyzedAt?: string;
  issues: string[];
}

export interface PackageVulnerability {
  id: string;
  summary?: string;
  score?: number;
  severity?: Severity;
  assessments: Array<{ type: string; severity?: string; blocked: boolean; date?: string; by?: string }>;
}

export interface PackageCompliance {
  name: string;
  version: string;
  /** `Local`, `Remote`… */
  state: string;
  published?: string;
  publishedBy?: string;
  licenses: Array<{ code: string; title?: string }>;
  vulnerabilities: PackageVulnerability[];
  /** Undefined when the server sent no compliance report (never analysed, or an edition without it). */
  compliance?: PackageComplianceReport;
  listed?: boolean;
  deprecated?: boolean;
  /** `false` only when the server said so: pgutil's reading of null as blocked is not copied. */
  allowDownload?: boolean;
  /**
   * `blocked` when downloads are refused; else the compliance verdict; `inconclusive` when there is no
   * report to go by.
   */
  verdict: ComplianceVerdict;
}

export interface PackageAudit {
  verdict: ScaStatus;
  statusText: string;
  resultCode?: string;
  analyzedAt?: string;
  detail?: string;
}

/** `PackageStatus`: only the given properties change; `allow: null` resets the download override. */
export interface PackageStatusChange {
  listed?: boolean;
  allow?: boolean | null;
  deprecated?: boolean;
  deprecationReason?: string;
}

export interface License {
  id?: number;
  /** SPDX-style code (`code`, or `licenseId` from the legacy endpoint). */
  code: string;
  title?: string;
  spdx: string[];
  urls: string[];
  hashes: string[];
  packageNames: string[];
  purls: string[];
}

export interface SbomImportResult {
  /** Bytes sent. */
  size: number;
  format: 'json' | 'xml';
}
