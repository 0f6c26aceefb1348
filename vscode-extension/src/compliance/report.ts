// The full compliance report of one package version, as a Markdown document. No `vscode` import.
// Server text is escaped, lightly (the document is read as source too): names, summaries and issues cannot
// add links, HTML, emphasis or code to it, nor start a heading or a list.

import type { PackageCompliance } from '@proget-ci/core';
import { formatDate } from '../format.js';
import { assessmentText, capitalize, severityOf, VERDICT_LABEL } from './summary.js';

export interface ReportContext {
  serverName: string;
  /** The server's base URL (never holds a key: keys live in secret storage). */
  serverUrl: string;
  feed: string;
  packageId: string;
  version: string;
}

/** Inline text: the characters that make links, HTML, emphasis, code or tables. */
export function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** Text on a line of its own: also what would make it a heading, quote or list. */
function escapeBlock(text: string): string {
  return escapeInline(text).replace(/^(\s*)([#>+-]|\d+[.)])/, '$1\\$2');
}

export function complianceReport(data: PackageCompliance, ctx: ReportContext): string {
  const e = escapeInline;
  const out: string[] = [];
  out.push(`# Compliance report: ${e(ctx.packageId)} ${e(ctx.version)}`, '');
  out.push(`Server: ${e(ctx.serverName)} (${e(ctx.serverUrl)}) · Feed: ${e(ctx.feed)}`, '');

  out.push('## Verdict', '');
  const report = data.compliance;
  out.push(`**${VERDICT_LABEL[data.verdict]}**`);
  if (report) {
    out.push('', `- Analysis result: ${e(report.result || 'none')}`);
    if (report.analyzedAt) out.push(`- Analysed: ${formatDate(report.analyzedAt)}`);
  } else {
    out.push('', '- The server sent no compliance report for this version (it was never analysed).');
  }
  out.push(
    `- Download: ${data.allowDownload === false ? 'blocked by ProGet' : data.allowDownload === true ? 'allowed' : 'not stated'}`,
  );
  if (data.listed === false) out.push('- Listed: no');
  if (data.deprecated) out.push('- Deprecated: yes');
  if (data.state) out.push(`- State: ${e(data.state)}`);
  if (data.published)
    out.push(
      `- Published: ${formatDate(data.published)}${data.publishedBy ? ` by ${e(data.publishedBy)}` : ''}`,
    );
  out.push('');

  out.push(`## Vulnerabilities (${data.vulnerabilities.length})`, '');
  if (!data.vulnerabilities.length) out.push('No known vulnerabilities.', '');
  for (const v of data.vulnerabilities) {
    const severity = severityOf(v);
    const facts = [
      severity ? capitalize(severity) : 'severity unknown',
      v.score !== undefined ? `score ${v.score}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    out.push(`### ${e(v.id)} — ${facts}`, '');
    if (v.summary) out.push(escapeBlock(v.summary), '');
    out.push(`- Assessment: ${e(assessmentText(v))}`, '');
  }

  out.push(`## Licenses (${data.licenses.length})`, '');
  if (!data.licenses.length) out.push('No license detected.', '');
  for (const l of data.licenses)
    out.push(`- ${e(l.code || 'unknown')}${l.title && l.title !== l.code ? ` — ${e(l.title)}` : ''}`);
  if (data.licenses.length) out.push('');

  out.push('## Policy', '');
  const issues = report?.issues ?? [];
  if (!issues.length) out.push(report ? 'No policy issues.' : 'No policy detail.', '');
  for (const issue of issues) out.push(`- ${e(issue)}`);
  if (issues.length) out.push('');
  return out.join('\n');
}
