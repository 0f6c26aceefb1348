// Package and build analysis against the one shared policy (sca/policies.md): licenses, vulnerabilities
// and their assessments, malicious packages; a build takes the worst status of its packages, leaving out
// packages whose issue a person resolved.

import type { SimLicense, SimVulnerability } from './data.js';
import { purlKey } from './purl.js';
import type { Assessment, PackageResult, ScaBuild, ScaState, StatusLetter } from './state.js';

const RANK: Record<StatusLetter, number> = { C: 0, W: 1, I: 2, N: 3 };

export const STATUS_TEXT: Record<StatusLetter, string> = {
  C: 'Compliant',
  W: 'Warn',
  I: 'Inconclusive',
  N: 'Noncompliant',
};

export function worst(a: StatusLetter, b: StatusLetter): StatusLetter {
  return RANK[b] > RANK[a] ? b : a;
}

export function findLicense(state: ScaState, code: string): SimLicense | undefined {
  const c = code.toLowerCase();
  return state.licenses.find(
    (l) => l.code.toLowerCase() === c || (l.spdx ?? []).some((s) => s.toLowerCase() === c),
  );
}

function assessedStatus(a: Assessment): StatusLetter {
  return a.type === 'Monitor' ? 'C' : a.type === 'Remediate' ? 'W' : 'N';
}

/** Vulnerabilities by the purl key they affect, in data-set order; the list is fixed once configured. */
const byAffected = new WeakMap<readonly SimVulnerability[], Map<string, SimVulnerability[]>>();

function vulnerabilitiesOf(state: ScaState, key: string): readonly SimVulnerability[] {
  let index = byAffected.get(state.vulnerabilities);
  if (!index) {
    index = new Map();
    for (const v of state.vulnerabilities) {
      for (const a of v.affects) {
        const k = purlKey(a);
        const list = index.get(k);
        if (!list) index.set(k, [v]);
        else if (list[list.length - 1] !== v) list.push(v);
      }
    }
    byAffected.set(state.vulnerabilities, index);
  }
  return index.get(key) ?? [];
}

/** `overrideCached`: a package in a feed is there, whatever the data set says. */
export function evaluate(state: ScaState, purl: string, overrideCached?: boolean): PackageResult {
  const key = purlKey(purl);
  const facts = state.packages.get(key);
  const cached = overrideCached ?? facts?.cached ?? facts !== undefined;
  const licenses = facts?.licenses ?? [];
  const reasons: string[] = [];
  let status = 'C' as StatusLetter;
  const add = (s: StatusLetter, reason: string) => {
    status = worst(status, s);
    reasons.push(reason);
  };
  if (facts?.malicious) add('N', 'Malicious package');
  const vulnerabilities: PackageResult['vulnerabilities'] = [];
  for (const v of vulnerabilitiesOf(state, key)) {
    const assessment = state.assessments.get(v.id.toLowerCase());
    vulnerabilities.push({ vulnerability: v, assessment });
    let s: StatusLetter;
    if (assessment) s = assessedStatus(assessment);
    else if (state.options.unassessedVulnerability === 'noncompliant') s = 'N';
    else s = v.severity === 'Critical' || v.severity === 'High' ? 'N' : v.severity === 'Medium' ? 'W' : 'C';
    if (s !== 'C') add(s, `Vulnerability (${v.id})`);
  }
  if (licenses.length === 0) {
    // Without the package ProGet cannot read its license: the rule that would fail it cannot be checked.
    add(cached ? 'W' : 'I', 'No license detected');
  }
  for (const code of licenses) {
    const license = findLicense(state, code);
    if (!license) add('W', `License ${code} is not covered by the policy`);
    else if (license.policy === 'blocked') add('N', `License ${license.code} is blocked by policy`);
    else if (license.policy === 'warn') add('W', `License ${license.code} needs review by policy`);
  }
  // "Inconclusive Analysis": noncompliant by a rule, but the package was never cached.
  if (status === 'N' && !cached && !facts?.malicious) status = 'I';
  return { purl, status, reasons, licenses, vulnerabilities, blocked: facts?.malicious === true, cached };
}

export function detailOf(result: PackageResult): string | undefined {
  return result.reasons.length ? ` because of ${result.reasons.join(', ')}.` : undefined;
}

/** Analyse now: package results, stage issues (opened and auto-resolved), the build's status. */
export function analyzeBuild(state: ScaState, build: ScaBuild): void {
  const date = new Date().toISOString();
  const results = build.packages.map((p) => evaluate(state, p));
  const stage = state.stages.find((s) => s.name.toLowerCase() === build.stage.toLowerCase());
  // The first issue of each package, as a search of the list in order would find it.
  const issues = new Map<string, ScaBuild['issues'][number]>();
  for (const i of build.issues) if (!issues.has(purlKey(i.purl))) issues.set(purlKey(i.purl), i);
  for (const r of results) {
    const failing = r.status === 'N' || r.status === 'I';
    const key = purlKey(r.purl);
    const open = issues.get(key);
    if (failing && !open && stage?.createsIssues) {
      const issue = {
        number: build.nextIssue++,
        created: date,
        detail: detailOf(r) ?? '',
        purl: r.purl,
        resolved: false,
      };
      build.issues.push(issue);
      issues.set(key, issue);
    } else if (!failing && open && !open.resolved) open.resolved = true;
  }
  const resolved = new Set(build.issues.filter((i) => i.resolved).map((i) => purlKey(i.purl)));
  let status: StatusLetter = 'C';
  for (const r of results) {
    if (!resolved.has(purlKey(r.purl))) status = worst(status, r.status);
  }
  build.analysis = { date, status, results };
}

export function analysisResults(build: ScaBuild): Record<string, unknown> {
  const a = build.analysis;
  return {
    lastAnalyzedDate: a?.date ?? null,
    statusCode: a?.status ?? null,
    statusText: a ? STATUS_TEXT[a.status] : 'Not analyzed',
    issueCount: build.issues.length,
    unresolvedIssueCount: build.issues.filter((i) => !i.resolved).length,
    totalPackages: build.packages.length,
  };
}
