// How compliance shows on a version row: a theme icon in the verdict's colour, a word in the description,
// a `compliance` context token (the report's menu item), and a tooltip section.

import type { PackageCompliance } from '@proget-ci/core';
import * as vscode from 'vscode';
import { escapeMarkdown } from '../format.js';
import { assessmentText, capitalize, severityOf, summarize } from './summary.js';

const ICONS = {
  compliant: ['shield', 'testing.iconPassed'],
  warn: ['warning', 'list.warningForeground'],
  noncompliant: ['error', 'list.errorForeground'],
  inconclusive: ['question', 'charts.blue'],
  blocked: ['circle-slash', 'list.errorForeground'],
} as const;

/** The most vulnerabilities a tooltip lists; the report has them all. */
const TOOLTIP_VULNERABILITIES = 5;

export function complianceIcon(data: PackageCompliance): vscode.ThemeIcon | undefined {
  const summary = summarize(data);
  if (!summary) return undefined;
  const [icon, color] = ICONS[summary.verdict];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/**
 * Decorates a version row drawn by items.ts. A stale row keeps its warning icon (the refresh failure is the
 * more urgent news); the verdict still shows in the description.
 */
export function decorateVersionItem(
  item: vscode.TreeItem,
  data: PackageCompliance | undefined,
  stale: boolean,
): void {
  if (!data) return;
  const summary = summarize(data);
  if (!summary) return;
  if (!stale) item.iconPath = complianceIcon(data);
  item.description = [item.description || undefined, summary.label.toLowerCase()].filter(Boolean).join(' · ');
  item.contextValue = `${item.contextValue ?? 'proget.version'};compliance`;
}

/** The tooltip section under the version facts. */
export function appendComplianceTooltip(
  md: vscode.MarkdownString,
  data: PackageCompliance | undefined,
): void {
  if (!data) return;
  const summary = summarize(data);
  if (!summary) return;
  const [icon] = ICONS[summary.verdict];
  md.appendMarkdown(`\n\n---\n\n$(${icon}) **${escapeMarkdown(summary.label)}**`);
  if (data.compliance?.result && data.compliance.result !== summary.label)
    md.appendMarkdown(` (${escapeMarkdown(data.compliance.result)})`);
  if (summary.licenses.length)
    md.appendMarkdown(` · License: ${summary.licenses.map(escapeMarkdown).join(', ')}`);
  if (data.vulnerabilities.length) {
    md.appendMarkdown('\n\n| Vulnerability | Severity | Assessment |\n|---|---|---|\n');
    const rows = data.vulnerabilities.slice(0, TOOLTIP_VULNERABILITIES).map((v) => {
      const severity = severityOf(v);
      const cells = [
        escapeMarkdown(v.id),
        [severity ? capitalize(severity) : 'unknown', v.score !== undefined ? `(${v.score})` : undefined]
          .filter(Boolean)
          .join(' '),
        escapeMarkdown(assessmentText(v)),
      ];
      return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    });
    md.appendMarkdown(rows.join('\n'));
    const more = data.vulnerabilities.length - TOOLTIP_VULNERABILITIES;
    if (more > 0) md.appendMarkdown(`\n\n…and ${more} more: see the compliance report.`);
  } else {
    md.appendMarkdown('\n\nNo known vulnerabilities.');
  }
  const issues = data.compliance?.issues ?? [];
  if (issues.length) md.appendMarkdown(`\n\nPolicy: ${issues.map(escapeMarkdown).join('; ')}`);
  if (data.allowDownload === false)
    md.appendMarkdown('\n\n$(circle-slash) ProGet blocks downloads of this version.');
}
