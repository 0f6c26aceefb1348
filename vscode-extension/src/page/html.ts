// The package page as HTML: the description rendered from untrusted Markdown, metadata, dependencies
// (linked to their own page when they resolve in the same feed), files and promotions. Script-less; the
// only command a link may run is the page command itself (the panel allows no other).

import { formatBytes, formatDate } from '../format.js';
import { commandHref, escapeHtml, page, safeHref } from '../webview/html.js';
import { renderMarkdown } from '../webview/markdown.js';
import { label, type PageData, type PageTarget } from './data.js';

export const OPEN_PAGE_COMMAND = 'proget.openPackagePage';
/** The most file rows a page lists. */
export const MAX_FILE_ROWS = 1000;

const row = (name: string, value: string | undefined) =>
  value ? `<tr><th>${escapeHtml(name)}</th><td>${value}</td></tr>` : '';

function pageLink(target: PageTarget, text: string): string {
  return `<a href="${escapeHtml(commandHref(OPEN_PAGE_COMMAND, [target]))}">${escapeHtml(text)}</a>`;
}

export function packagePageHtml(data: PageData, links: { proget: string }): string {
  const { target, version: v, info } = data;
  const id = label(target);
  const title = v.title && v.title !== target.name ? v.title : undefined;
  const icon =
    v.icon && /^https:\/\//i.test(v.icon)
      ? `<img class="icon" src="${escapeHtml(v.icon)}" alt="" width="48" height="48">`
      : '';
  const extra = Object.entries(v.extra ?? {})
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([k, value]) =>
      row(k, `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`),
    )
    .join('');
  const metadata = [
    row('Package', `<code>${escapeHtml(id)}</code>`),
    row('Version', `<code>${escapeHtml(target.version)}</code>`),
    row('Feed', escapeHtml(`${target.feed} on ${target.server}`)),
    row('Published', escapeHtml(formatDate(v.published ?? info?.published) ?? '')),
    row('Published by', info?.publishedBy && escapeHtml(info.publishedBy)),
    row('Downloads', escapeHtml(String(v.downloads))),
    row('Size', info?.size !== undefined ? escapeHtml(formatBytes(info.size)) : undefined),
    row('SHA-256', info?.sha256 && `<code>${escapeHtml(info.sha256)}</code>`),
    row('SHA-1', info?.sha1 && `<code>${escapeHtml(info.sha1)}</code>`),
    row(
      'Origin',
      escapeHtml(
        [v.isLocal && 'local', v.isCached && 'cached from a connector', v.isVirtual && 'virtual']
          .filter(Boolean)
          .join(', '),
      ),
    ),
    extra,
  ].join('');

  const deps = data.dependencies.length
    ? `<ul>${data.dependencies
        .map((d) => {
          const text = `${label(d)}${d.range ? ` ${d.range}` : ''}`;
          return `<li>${
            d.resolved
              ? `${pageLink({ server: target.server, feed: target.feed, group: d.group, name: d.name, version: d.resolved }, text)}${
                  d.resolved !== d.range
                    ? ` <span class="muted">(opens ${escapeHtml(d.resolved)})</span>`
                    : ''
                }`
              : `${escapeHtml(text)} <span class="muted">(not in ${escapeHtml(target.feed)})</span>`
          }</li>`;
        })
        .join('')}</ul>`
    : '<p class="muted">None.</p>';

  const files = v.fileList ?? [];
  const fileRows = files
    .slice(0, MAX_FILE_ROWS)
    .map(
      (f) =>
        `<tr><td class="mono">${escapeHtml(f.name)}</td><td>${escapeHtml(formatBytes(f.size))}</td></tr>`,
    )
    .join('');
  const filesHtml = files.length
    ? `<table><tr><th>Path</th><th>Size</th></tr>${fileRows}</table>${
        files.length > MAX_FILE_ROWS
          ? `<p class="muted">The first ${MAX_FILE_ROWS} of ${files.length} files.</p>`
          : ''
      }`
    : '<p class="muted">No content files.</p>';

  const promotions =
    'unavailable' in data.promotions
      ? `<p class="muted">Not available: ${escapeHtml(data.promotions.unavailable)}</p>`
      : data.promotions.length
        ? `<table><tr><th>From</th><th>To</th><th>When</th><th>By</th><th>Comments</th></tr>${data.promotions
            .map(
              (p) =>
                `<tr><td>${escapeHtml(p.fromFeed)}</td><td>${escapeHtml(p.toFeed)}</td><td>${escapeHtml(
                  formatDate(p.date) ?? '',
                )}</td><td>${escapeHtml(p.user ?? '')}</td><td>${escapeHtml(p.comments ?? '')}</td></tr>`,
            )
            .join('')}</table>`
        : '<p class="muted">Not promoted.</p>';

  const proget = safeHref(links.proget);
  const body = `${icon}<h1>${escapeHtml(title ?? target.name)} <span class="muted">${escapeHtml(target.version)}</span></h1>
<p class="sub"><code>${escapeHtml(id)}</code> in ${escapeHtml(target.feed)}${
    proget ? ` · <a href="${escapeHtml(proget)}">Open in ProGet</a>` : ''
  }</p>
<h2>Description</h2>
${v.description ? `<div class="description">${renderMarkdown(v.description)}</div>` : '<p class="muted">No description.</p>'}
<h2>Metadata</h2>
<table>${metadata}</table>
<h2>Dependencies</h2>
${deps}
<h2>Files</h2>
${filesHtml}
<h2>Promotions</h2>
${promotions}`;
  return page(`${id} ${target.version}`, body);
}
