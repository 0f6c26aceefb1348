// What the audit step tells people: the job summary (one row per component, problems first, kept under
// GitHub's 1 MiB limit), the `results` JSON, the annotations and the SARIF file for code scanning.

import type { ScaStatus } from '@proget-ci/core';
import type { AnnotationLevel, AnnotationPlace } from '../shared/io.js';
import { cell, code, link, table } from '../shared/markdown.js';
import type { AuditResult, AuditRow, AuditVulnerability } from './audit.js';
import type { FailOn } from './inputs.js';

/** GitHub refuses a step summary over 1 MiB; the table stops well before, leaving room for the rest. */
export const SUMMARY_BUDGET = 900 * 1024;
/** Rows shown open, before the rest goes into a collapsed `<details>`. */
export const OPEN_BUDGET = 64 * 1024;
/** The `results` output stays under GitHub's 1 MB limit for one output. */
export const RESULTS_BUDGET = 800 * 1024;
/** Annotations per kind; GitHub shows only the first few of a step anyway. */
export const MAX_ANNOTATIONS = 20;

const WORD: Record<ScaStatus, string> = {
  compliant: '✅ Compliant',
  warn: '⚠️ Warn',
  inconclusive: '❔ Inconclusive',
  noncompliant: '❌ Noncompliant',
};

/** Whether the status fails the step under `fail-on`; a noncompliant build whose issues were all resolved passes. */
export function fails(result: AuditResult, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (result.status === 'noncompliant') return !result.resolved;
  return failOn === 'warn' && result.status !== 'compliant';
}

export function counts(rows: readonly AuditRow[]): Record<ScaStatus, number> {
  const out: Record<ScaStatus, number> = { noncompliant: 0, inconclusive: 0, warn: 0, compliant: 0 };
  for (const row of rows) out[row.verdict]++;
  return out;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function vulnerabilityText(v: AuditVulnerability): string {
  const rating = [v.severity, v.score?.toFixed(1)].filter(Boolean).join(' ');
  const extra = [rating, v.assessment ? `assessed ${v.assessment}` : ''].filter(Boolean).join(', ');
  return extra ? `${v.id} (${extra})` : v.id;
}

function rowCells(row: AuditRow): string[] {
  return [
    link(row.name, row.url),
    cell(row.version),
    cell(row.licenses.join(', ') || 'none detected'),
    `${WORD[row.verdict]}${row.detail ? `<br>${cell(row.detail)}` : ''}`,
    row.vulnerabilities.map((v) => cell(vulnerabilityText(v))).join('<br>'),
  ];
}

const HEADER = ['Package', 'Version', 'License', 'Verdict', 'Vulnerabilities'];

export function summaryMarkdown(result: AuditResult, failOn: FailOn): string {
  const n = counts(result.rows);
  const verdict = fails(result, failOn) ? 'step failed' : 'step passed';
  const heading = `### ProGet audit: ${WORD[result.status]} — ${cell(result.project)} ${cell(result.version)}\n\n`;
  const build = result.buildUrl ? link('build in ProGet', result.buildUrl) : 'build in ProGet';
  const resolvedNote = result.resolved ? ' (every issue resolved in ProGet)' : '';
  const lines = [
    `${result.rows.length} package(s) in the ${build}${resolvedNote}: ${n.noncompliant} noncompliant, ${n.inconclusive} inconclusive, ${n.warn} warn, ${n.compliant} compliant; ${result.issueCount} issue(s), ${result.unresolvedCount} unresolved. ${verdict[0]?.toUpperCase()}${verdict.slice(1)} (fail-on: ${failOn}).`,
    '',
    `SBOM ${result.generated ? 'generated from' : 'read from'} ${result.sources.map((s) => code(s)).join(', ')}.`,
    '',
  ];
  let out = heading + lines.join('\n');
  if (result.rows.length === 0) return `${out}\nProGet lists no packages in this build.\n\n`;

  const open: string[][] = [];
  const collapsed: string[][] = [];
  let used = bytes(out) + 200;
  let shown = 0;
  for (const row of result.rows) {
    const cells = rowCells(row);
    const size = bytes(cells.join(' | ')) + 6;
    if (used + size > SUMMARY_BUDGET) break;
    used += size;
    // Problems stay open as long as they fit the open part; the rest is one click away.
    if (used <= OPEN_BUDGET) open.push(cells);
    else collapsed.push(cells);
    shown++;
  }
  if (open.length > 0) out += `${table(HEADER, open)}\n\n`;
  if (collapsed.length > 0) {
    const c = counts(result.rows.slice(open.length, shown));
    const what = (Object.entries(c) as [ScaStatus, number][])
      .filter(([, k]) => k > 0)
      .map(([s, k]) => `${k} ${s}`)
      .join(', ');
    out += `<details><summary>${collapsed.length} more package(s) (${what})</summary>\n\n${table(HEADER, collapsed)}\n\n</details>\n\n`;
  }
  if (shown < result.rows.length) {
    out += `${result.rows.length - shown} more package(s) are not listed here, to keep the summary under GitHub's 1 MiB limit: see the ${build} or the step's \`results\` output.\n\n`;
  }
  return out;
}

/** The `results` output: the counts and every package that fits, problems first. */
export function resultsJson(result: AuditResult): string {
  const head = {
    status: result.status,
    project: result.project,
    version: result.version,
    ...(result.buildUrl ? { buildUrl: result.buildUrl } : {}),
    issueCount: result.issueCount,
    unresolvedCount: result.unresolvedCount,
    resolved: result.resolved,
    counts: counts(result.rows),
  };
  const packages: string[] = [];
  let used = bytes(JSON.stringify(head)) + 64;
  for (const row of result.rows) {
    const json = JSON.stringify({
      purl: row.purl,
      name: row.name,
      version: row.version,
      verdict: row.verdict,
      licenses: row.licenses,
      ...(row.detail ? { detail: row.detail } : {}),
      vulnerabilities: row.vulnerabilities,
      ...(row.issue ? { issue: row.issue } : {}),
      ...(row.origin ? { origin: row.origin } : {}),
      url: row.url,
    });
    if (used + bytes(json) + 1 > RESULTS_BUDGET) break;
    used += bytes(json) + 1;
    packages.push(json);
  }
  const omitted = result.rows.length - packages.length;
  const tail = omitted > 0 ? `,"omitted":${omitted}` : '';
  return `${JSON.stringify(head).slice(0, -1)},"packages":[${packages.join(',')}]${tail}}`;
}

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
  place?: AnnotationPlace;
}

/** One per package that is not compliant (capped per level), on its lockfile line when known. */
export function annotations(result: AuditResult, failOn: FailOn): Annotation[] {
  const out: Annotation[] = [];
  const failing = fails(result, failOn);
  const taken: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const left: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const row of result.rows) {
    if (row.verdict === 'compliant') continue;
    const level: AnnotationLevel =
      row.verdict === 'noncompliant'
        ? failing
          ? 'error'
          : 'warning'
        : row.verdict === 'warn'
          ? 'warning'
          : 'notice';
    if (taken[level] >= MAX_ANNOTATIONS) {
      left[level]++;
      continue;
    }
    taken[level]++;
    const vulns = row.vulnerabilities.map(vulnerabilityText).join(', ');
    const why = [
      row.detail,
      vulns ? `vulnerabilities: ${vulns}` : '',
      row.licenses.length > 0 ? `license: ${row.licenses.join(', ')}` : 'no license detected',
    ]
      .filter(Boolean)
      .join('; ');
    out.push({
      level,
      title: `${WORD[row.verdict].replace(/^\S+ /, '')} in ProGet: ${row.name} ${row.version}`,
      message: `${row.purl} is ${row.verdict} in ProGet (project ${result.project}, build ${result.version}): ${why}. ${row.url}`,
      ...(row.origin ? { place: { file: row.origin.file, line: row.origin.line } } : {}),
    });
  }
  for (const level of ['error', 'warning', 'notice'] as const) {
    if (left[level] > 0) {
      out.push({
        level,
        title: `${left[level]} more package(s)`,
        message: `${left[level]} more package(s) like the ones above are not annotated; the job summary lists them.`,
      });
    }
  }
  return out;
}

const RULES: Record<
  Exclude<ScaStatus, 'compliant'>,
  { id: string; name: string; text: string; level: string }
> = {
  noncompliant: {
    id: 'proget/noncompliant',
    name: 'NoncompliantPackage',
    text: 'ProGet finds the package noncompliant with its policies (vulnerability, license or status).',
    level: 'error',
  },
  inconclusive: {
    id: 'proget/inconclusive',
    name: 'InconclusivePackage',
    text: 'ProGet cannot decide on the package (unknown to it, or no license detected).',
    level: 'note',
  },
  warn: {
    id: 'proget/warn',
    name: 'PackageWarning',
    text: 'ProGet warns about the package (a vulnerability or license its policies warn on).',
    level: 'warning',
  },
};

/** SARIF 2.1.0 for code scanning: one result per package that is not compliant. */
export function sarif(result: AuditResult, toolVersion: string): string {
  const fallback = result.sources[0] ?? 'sbom';
  const ruleIds = Object.values(RULES).map((r) => r.id);
  const results = result.rows
    .filter((r) => r.verdict !== 'compliant')
    .map((row) => {
      const rule = RULES[row.verdict as Exclude<ScaStatus, 'compliant'>];
      const vulns = row.vulnerabilities.map(vulnerabilityText).join(', ');
      return {
        ruleId: rule.id,
        ruleIndex: ruleIds.indexOf(rule.id),
        level: rule.level,
        message: {
          text: `${row.name} ${row.version} is ${row.verdict} in ProGet${row.detail ? ` ${row.detail.replace(/^because/, '(because').replace(/\.?$/, ')')}` : ''}${vulns ? `; vulnerabilities: ${vulns}` : ''}; license: ${row.licenses.join(', ') || 'none detected'}. ${row.url}`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: row.origin?.file ?? fallback },
              region: { startLine: row.origin?.line ?? 1 },
            },
          },
        ],
        partialFingerprints: { purl: row.purl },
        properties: {
          purl: row.purl,
          ...(row.vulnerabilities.length > 0
            ? { vulnerabilities: row.vulnerabilities.map((v) => v.id) }
            : {}),
        },
      };
    });
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'proget-ci audit',
              version: toolVersion,
              informationUri: 'https://github.com/proget-ci/proget-ci',
              rules: Object.values(RULES).map((r) => ({
                id: r.id,
                name: r.name,
                shortDescription: { text: r.text },
                defaultConfiguration: { level: r.level },
              })),
            },
          },
          automationDetails: { id: `proget-audit/${result.project}/` },
          results,
        },
      ],
    },
    null,
    2,
  );
}
