// The doctor report as plain text lines, for a terminal, a log or an output channel.

import type { DoctorReport, FindingStatus } from './types.js';

const MARK: Record<FindingStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info' };

export function renderDoctorReport(report: DoctorReport): string[] {
  const who = [report.version ? `ProGet ${report.version.display}` : undefined, report.edition]
    .filter(Boolean)
    .join(' ');
  const lines = [`proget-ci doctor: ${report.server}${who ? ` (${who})` : ''}`];
  for (const f of report.findings) {
    lines.push(`${MARK[f.status]} ${f.title}${f.detail ? `: ${f.detail}` : ''}`);
    if (f.hint && f.status !== 'ok') lines.push(`     hint: ${f.hint}`);
  }
  const count = (s: FindingStatus) => report.findings.filter((f) => f.status === s).length;
  lines.push(
    report.ok
      ? `No problems found (${count('warn')} warning${count('warn') === 1 ? '' : 's'}).`
      : `${count('fail')} problem${count('fail') === 1 ? '' : 's'} found.`,
  );
  return lines;
}
