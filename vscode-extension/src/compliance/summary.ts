// What a version's compliance data says, in the words the tree and the report use. No `vscode` import.

import type { ComplianceVerdict, PackageCompliance, PackageVulnerability, Severity } from '@proget-ci/core';

export interface ComplianceSummary {
  verdict: ComplianceVerdict;
  /** `Compliant`, `Warn`, `Noncompliant`, `Inconclusive`, `Download blocked`. */
  label: string;
  /** The worst severity among the vulnerabilities, when any has one. */
  worst?: Severity;
  vulnerabilities: number;
  licenses: string[];
}

export const VERDICT_LABEL: Record<ComplianceVerdict, string> = {
  compliant: 'Compliant',
  warn: 'Warn',
  noncompliant: 'Noncompliant',
  inconclusive: 'Inconclusive',
  blocked: 'Download blocked',
};

const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/**
 * undefined when there is nothing to show: no compliance report (never analysed, or an edition without
 * one), no vulnerability and downloads not blocked. Core reads such data as `inconclusive`; a row would
 * then claim an analysis that never happened.
 */
export function summarize(data: PackageCompliance): ComplianceSummary | undefined {
  if (!data.compliance && data.allowDownload !== false && data.vulnerabilities.length === 0) return undefined;
  let worst: Severity | undefined;
  for (const v of data.vulnerabilities) {
    const s = severityOf(v);
    if (s && (!worst || SEVERITY_RANK[s] > SEVERITY_RANK[worst])) worst = s;
  }
  return {
    verdict: data.verdict,
    label: VERDICT_LABEL[data.verdict],
    worst,
    vulnerabilities: data.vulnerabilities.length,
    licenses: data.licenses.map((l) => l.code).filter(Boolean),
  };
}

/** A vulnerability's severity: its own, else what its assessment says. */
export function severityOf(v: PackageVulnerability): Severity | undefined {
  if (v.severity) return v.severity;
  for (const a of v.assessments) {
    const s = a.severity?.trim().toLowerCase();
    if (s === 'low' || s === 'medium' || s === 'high' || s === 'critical') return s;
  }
  return undefined;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Contain (blocks download) by admin, 2026-01-05` or `not assessed`. */
export function assessmentText(v: PackageVulnerability): string {
  if (!v.assessments.length) return 'not assessed';
  return v.assessments
    .map((a) =>
      [
        a.type || 'assessed',
        a.blocked ? '(blocks download)' : undefined,
        a.by ? `by ${a.by}` : undefined,
        a.date ? `on ${a.date.slice(0, 10)}` : undefined,
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join('; ');
}
