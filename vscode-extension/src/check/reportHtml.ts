// The doctor report as a read-only page and as one line ("the verdict"). The report holds no secret
// (core scrubs the key from every finding); this page adds none.

import type { DoctorReport, Finding, FindingStatus } from '@proget-ci/core';
import { escapeHtml, page } from '../webview/html.js';

const STATUS: Record<FindingStatus, string> = { ok: 'ok', warn: 'warning', fail: 'problem', info: 'info' };

/** "ProGet 2024.3 (basic)" or the URL when the server did not say. */
export function serverLabel(report: DoctorReport): string {
  const who = [
    report.version ? `ProGet ${report.version.display}` : undefined,
    report.edition && `(${report.edition})`,
  ]
    .filter(Boolean)
    .join(' ');
  return who || (report.isProGet ? 'ProGet' : report.server);
}

export function failures(report: DoctorReport): Finding[] {
  return report.findings.filter((f) => f.status === 'fail');
}

/** One sentence a notification can carry: what answered, how many feeds the key sees, and the first problem. */
export function verdict(report: DoctorReport): string {
  const fails = failures(report);
  const warns = report.findings.filter((f) => f.status === 'warn');
  if (!report.reachable) {
    const first = fails[0];
    return `unreachable${first ? `: ${first.title}${first.detail ? ` (${first.detail})` : ''}` : ''}`;
  }
  const feeds = `${report.feeds.length} feed${report.feeds.length === 1 ? '' : 's'} visible`;
  if (fails.length === 0) {
    return `${serverLabel(report)} answered, ${feeds}, no problems${warns.length ? ` (${warns.length} warning${warns.length === 1 ? '' : 's'})` : ''}`;
  }
  const first = fails[0]!;
  return `${serverLabel(report)}: ${fails.length} problem${fails.length === 1 ? '' : 's'}, first: ${first.title}${
    first.detail ? ` (${first.detail})` : ''
  }`;
}

function findingHtml(f: Finding): string {
  return `<div class="finding ${f.status}">
<div><span class="status">${STATUS[f.status]}</span><strong>${escapeHtml(f.title)}</strong></div>
${f.detail ? `<div>${escapeHtml(f.detail)}</div>` : ''}
${f.hint && f.status !== 'ok' ? `<div class="hint">Hint: ${escapeHtml(f.hint)}</div>` : ''}
</div>`;
}

export function reportHtml(report: DoctorReport, name: string, checkedAt: Date): string {
  const order: FindingStatus[] = ['fail', 'warn', 'info', 'ok'];
  const sorted = [...report.findings].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  const fails = failures(report).length;
  const summary = report.ok ? `No problems found.` : `${fails} problem${fails === 1 ? '' : 's'} found.`;
  const feeds = report.feeds.length
    ? `<table><tr><th>Feed</th><th>Type</th><th>Active</th><th>View</th><th>Download</th></tr>${report.feeds
        .map(
          (f) =>
            `<tr><td class="mono">${escapeHtml(f.name)}</td><td>${escapeHtml(f.feedType)}</td><td>${
              f.active ? 'yes' : 'no'
            }</td><td>${f.view ? 'yes' : 'no'}</td><td>${f.download === undefined ? 'unknown' : f.download ? 'yes' : 'no'}</td></tr>`,
        )
        .join('')}</table>`
    : '<p class="muted">No feeds are visible to this key.</p>';
  const features = Object.entries(report.features)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  const body = `<h1>Check Server: ${escapeHtml(name)}</h1>
<p class="sub">${escapeHtml(report.server)} · ${escapeHtml(serverLabel(report))} · checked ${escapeHtml(
    checkedAt.toISOString().replace('T', ' ').slice(0, 19),
  )} UTC</p>
<p><strong>${escapeHtml(summary)}</strong> Nothing was written to the server.</p>
<h2>Findings</h2>
${sorted.map(findingHtml).join('\n')}
<h2>Features</h2>
${features ? `<table>${features}</table>` : '<p class="muted">Not learned (the server did not answer as ProGet).</p>'}
<h2>Feeds</h2>
${feeds}`;
  return page(`Check Server: ${name}`, body);
}
