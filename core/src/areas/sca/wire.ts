// Tolerant readers for the SCA wire shapes (sca-api-notes §3–6): camelCase or PascalCase, letters or
// words for statuses, PVRS-era (2026) and older vulnerability fields, legacy "releases" and issues.

import {
  arrayOf,
  bool,
  isObject,
  objectOf,
  optNum,
  str,
  strings,
  utcDate,
  type WireObject,
} from '../wire.js';
import type {
  BuildAnalysis,
  ComplianceVerdict,
  License,
  PackageAudit,
  PackageCompliance,
  PackageVulnerability,
  ScaBuild,
  ScaBuildPackage,
  ScaComment,
  ScaIssue,
  ScaPackageRef,
  ScaProject,
  ScaStatus,
  ScaVulnerabilityRef,
  Severity,
  Vulnerability,
} from './types.js';

/** A property by its camelCase name, or its PascalCase twin (.NET servers with default naming). */
function get(o: WireObject, name: string): unknown {
  if (name in o) return o[name];
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  return o[pascal];
}

const STATUS_WORDS: Record<string, ScaStatus> = {
  c: 'compliant',
  compliant: 'compliant',
  w: 'warn',
  warn: 'warn',
  warning: 'warn',
  n: 'noncompliant',
  noncompliant: 'noncompliant',
  'non-compliant': 'noncompliant',
  'not compliant': 'noncompliant',
  i: 'inconclusive',
  inconclusive: 'inconclusive',
};

/** `C`/`Compliant`… to a status; undefined for anything unreadable (the caller decides what that means). */
export function statusOf(value: unknown): ScaStatus | undefined {
  const text = str(value)?.trim().toLowerCase();
  if (!text) return undefined;
  const exact = STATUS_WORDS[text];
  if (exact) return exact;
  // "Noncompliant (Resolved)", "Warn - license"…
  const word = text.split(/[\s(:-]/)[0] ?? '';
  return STATUS_WORDS[word] ?? (text.startsWith('non') ? 'noncompliant' : undefined);
}

const STATUS_TEXT: Record<ScaStatus, string> = {
  compliant: 'Compliant',
  warn: 'Warn',
  noncompliant: 'Noncompliant',
  inconclusive: 'Inconclusive',
};

export function parseBuildAnalysis(value: unknown): BuildAnalysis {
  const o = objectOf(value, 'the build analysis');
  const analyzedAt = utcDate(get(o, 'lastAnalyzedDate'));
  const status = statusOf(get(o, 'statusCode')) ?? statusOf(get(o, 'statusText'));
  const unresolved = optNum(get(o, 'unresolvedIssueCount'));
  return {
    analyzed: analyzedAt !== undefined,
    analyzedAt,
    status,
    statusText: str(get(o, 'statusText')) ?? (status ? STATUS_TEXT[status] : ''),
    issueCount: optNum(get(o, 'issueCount')),
    unresolvedIssueCount: unresolved,
    totalPackages: optNum(get(o, 'totalPackages')),
    resolved: status === 'noncompliant' && unresolved === 0,
  };
}

export function parseProject(value: unknown): ScaProject {
  const o = objectOf(value, 'a project');
  return {
    id: optNum(get(o, 'id')),
    name: str(get(o, 'name')) ?? str(get(o, 'projectName')) ?? '',
    type: str(get(o, 'type')),
    url: str(get(o, 'url')),
  };
}

export function severityOf(value: unknown, score?: number): Severity | undefined {
  const text = str(value)?.trim().toLowerCase();
  if (text === 'low' || text === 'medium' || text === 'high' || text === 'critical') return text;
  if (text === 'moderate') return 'medium';
  if (score === undefined || score <= 0) return undefined;
  // CVSS v3 qualitative ratings.
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

export function assessmentKind(value: string | undefined): ScaVulnerabilityRef['assessmentKind'] {
  if (value === undefined || value.trim() === '') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'monitor':
    case 'ignore':
    case 'ignored':
      return 'monitor';
    case 'remediate':
    case 'caution':
    case 'critical':
      return 'remediate';
    case 'contain':
    case 'block':
    case 'blocked':
      return 'contain';
    default:
      return 'other';
  }
}

function scoreOf(o: WireObject): number | undefined {
  return optNum(get(o, 'numericCvss')) ?? optNum(get(o, 'score')) ?? optNum(get(o, 'cvssScore'));
}

function parseVulnerabilityRef(o: WireObject): ScaVulnerabilityRef {
  const score = scoreOf(o);
  const assessment = str(get(o, 'assessment')) ?? str(get(o, 'assessmentType'));
  return {
    id: str(get(o, 'id')) ?? '',
    title: str(get(o, 'title')) ?? str(get(o, 'summary')),
    description: str(get(o, 'description')) ?? str(get(o, 'details')),
    score,
    severity: severityOf(get(o, 'severity'), score),
    assessment,
    assessmentKind: assessmentKind(assessment),
  };
}

function objects(value: unknown): WireObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function parseBuildPackage(value: unknown): ScaBuildPackage {
  const o = objectOf(value, 'a build package');
  const compliance = isObject(get(o, 'compliance')) ? (get(o, 'compliance') as WireObject) : {};
  const result = str(get(compliance, 'result')) ?? '';
  return {
    purl: str(get(o, 'purl')) ?? '',
    licenses: strings(get(o, 'licenses')),
    // A result nobody can read is not taken as a pass.
    verdict: statusOf(result) ?? 'inconclusive',
    result,
    detail: str(get(compliance, 'detail'))?.trim() || undefined,
    analyzedAt: utcDate(get(compliance, 'date')),
    vulnerabilities: objects(get(o, 'vulnerabilities')).map(parseVulnerabilityRef),
  };
}

export function parseComment(value: unknown): ScaComment {
  const o = objectOf(value, 'a comment');
  return {
    number: optNum(get(o, 'number')) ?? 0,
    by: str(get(o, 'by')),
    date: utcDate(get(o, 'date')),
    comment: str(get(o, 'comment')),
  };
}

export function parseBuild(value: unknown, project: string): ScaBuild {
  const o = objectOf(value, 'a build');
  return {
    project: str(get(o, 'project')) ?? project,
    version: str(get(o, 'version')) ?? str(get(o, 'build')) ?? '',
    active: bool(get(o, 'active')) ?? true,
    url: str(get(o, 'url')),
    viewUrl: str(get(o, 'viewBuildUrl')) ?? str(get(o, 'viewReleaseUrl')),
    issuesUrl: str(get(o, 'viewIssuesUrl')),
    created: utcDate(get(o, 'created')),
    release: str(get(o, 'release')),
    stage: str(get(o, 'stage')),
    comments: objects(get(o, 'comments')).map(parseComment),
    packages: objects(get(o, 'packages')).map(parseBuildPackage),
  };
}

export function parseIssue(value: unknown): ScaIssue {
  const o = objectOf(value, 'an issue');
  return {
    number: optNum(get(o, 'number')) ?? 0,
    created: utcDate(get(o, 'created')),
    detail: str(get(o, 'detail'))?.trim() || undefined,
    purl: str(get(o, 'purl')) ?? '',
    resolved: bool(get(o, 'resolved')) ?? false,
    type: str(get(o, 'type')),
    vulnerability: str(get(o, 'vulnerability')),
  };
}

export function parseVulnerabilities(value: unknown, request: readonly ScaPackageRef[]): Vulnerability[] {
  return arrayOf(value, 'the vulnerability list')
    .filter(isObject)
    .map((o) => {
      const score = scoreOf(o);
      const indexes = (
        Array.isArray(get(o, 'affectedPackages')) ? (get(o, 'affectedPackages') as unknown[]) : []
      )
        .map(optNum)
        .filter((n): n is number => n !== undefined && Number.isInteger(n));
      const pvrs = optNum(get(o, 'pvrsCategory')) ?? optNum(get(o, 'pvrs'));
      return {
        id: str(get(o, 'id')) ?? '',
        summary: str(get(o, 'summary')) ?? str(get(o, 'title')),
        details: str(get(o, 'details')) ?? str(get(o, 'description')),
        published: utcDate(get(o, 'published')),
        withdrawn: utcDate(get(o, 'withdrawn')),
        cve: str(get(o, 'cve')),
        cvss: str(get(o, 'cvss')),
        score,
        severity: severityOf(get(o, 'severity'), score),
        pvrsCategory: pvrs !== undefined && pvrs >= 1 && pvrs <= 5 ? pvrs : undefined,
        affectedIndexes: indexes,
        affected: indexes.map((i) => request[i]).filter((p): p is ScaPackageRef => p !== undefined),
      };
    });
}

function parsePackageVulnerability(o: WireObject): PackageVulnerability {
  const score = scoreOf(o);
  return {
    id: str(get(o, 'id')) ?? '',
    summary: str(get(o, 'summary')) ?? str(get(o, 'title')),
    score,
    severity: severityOf(get(o, 'severity'), score),
    assessments: objects(get(o, 'assessments')).map((a) => ({
      type: str(get(a, 'type')) ?? '',
      severity: str(get(a, 'severity')),
      blocked: bool(get(a, 'blocked')) ?? false,
      date: utcDate(get(a, 'date')),
      by: str(get(a, 'by')),
    })),
  };
}

export function parsePackageMetadata(value: unknown): PackageCompliance {
  const o = objectOf(value, 'the package metadata');
  const reportWire = get(o, 'complianceReport');
  const status = isObject(get(o, 'status')) ? (get(o, 'status') as WireObject) : {};
  let compliance: PackageCompliance['compliance'];
  if (isObject(reportWire)) {
    const result = str(get(reportWire, 'analysisResult')) ?? '';
    compliance = {
      // pgutil paints anything but Compliant/Warn/Inconclusive red: so does this.
      verdict: statusOf(result) ?? (result ? 'noncompliant' : 'inconclusive'),
      result,
      analyzedAt: utcDate(get(reportWire, 'analysisDate')),
      issues: strings(get(reportWire, 'issues')),
    };
  }
  const allowDownload = bool(get(status, 'allowDownload'));
  const verdict: ComplianceVerdict =
    allowDownload === false ? 'blocked' : (compliance?.verdict ?? 'inconclusive');
  return {
    name: str(get(o, 'name')) ?? '',
    version: str(get(o, 'version')) ?? '',
    state: str(get(o, 'state')) ?? '',
    published: utcDate(get(o, 'published')),
    publishedBy: str(get(o, 'publishedBy')),
    licenses: objects(get(o, 'licenses')).map((l) => ({
      code: str(get(l, 'code')) ?? str(get(l, 'licenseId')) ?? '',
      title: str(get(l, 'title')),
    })),
    vulnerabilities: objects(get(o, 'vulnerabilities')).map(parsePackageVulnerability),
    compliance,
    listed: bool(get(status, 'listed')),
    deprecated: bool(get(status, 'deprecated')),
    allowDownload,
    verdict,
  };
}

export function parsePackageAudit(value: unknown): PackageAudit {
  const o = objectOf(value, 'the package audit');
  const statusText = str(get(o, 'statusText')) ?? '';
  const resultCode = str(get(o, 'resultCode'));
  // statusText first (notes §9): pgutil's reading of any resultCode as failure is not copied.
  const verdict = statusOf(statusText) ?? statusOf(resultCode) ?? 'inconclusive';
  return {
    verdict,
    statusText: statusText || STATUS_TEXT[verdict],
    resultCode,
    analyzedAt: utcDate(get(o, 'analysisDate')),
    detail: str(get(o, 'detail'))?.trim() || undefined,
  };
}

export function parseLicense(value: unknown): License {
  const o = objectOf(value, 'a license');
  return {
    id: optNum(get(o, 'id')),
    code: str(get(o, 'code')) ?? str(get(o, 'licenseId')) ?? '',
    title: str(get(o, 'title')),
    spdx: strings(get(o, 'spdx')),
    urls: strings(get(o, 'urls')),
    hashes: strings(get(o, 'hashes')),
    packageNames: strings(get(o, 'packageNames')),
    purls: strings(get(o, 'purls')),
  };
}
