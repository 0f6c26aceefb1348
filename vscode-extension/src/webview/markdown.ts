// Package descriptions are Markdown from a server: untrusted. This renders the common subset (headings,
// paragraphs, lists, quotes, code, emphasis, links, images) to HTML that is safe by construction: every
// piece of text is escaped, raw HTML is shown as text, links leave only to http(s)/mailto and images load
// only over https. No HTML from the input ever reaches the page as markup.

import { escapeHtml, safeHref } from './html.js';

/** The most of a description a page renders. */
export const MAX_RENDERED_CHARS = 100_000;

const INLINE =
  /(`+)([\s\S]*?)\1|!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|<(https?:\/\/[^>\s]+)>/g;

function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([^*]*?\S)\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>');
}

export function renderInline(raw: string): string {
  let out = '';
  let last = 0;
  for (const m of raw.matchAll(INLINE)) {
    out += emphasis(escapeHtml(raw.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      out += `<code>${escapeHtml(m[2]!.trim())}</code>`;
    } else if (m[4] !== undefined) {
      const src = m[4].trim();
      out += /^https:\/\//i.test(src)
        ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(m[3] ?? '')}">`
        : escapeHtml(m[3] ? `[image: ${m[3]}]` : '[image]');
    } else if (m[6] !== undefined) {
      const href = safeHref(m[6]);
      const text = emphasis(escapeHtml(m[5] ?? ''));
      out += href ? `<a href="${escapeHtml(href)}" title="${escapeHtml(href)}">${text}</a>` : text;
    } else if (m[7] !== undefined) {
      out += `<a href="${escapeHtml(m[7])}">${escapeHtml(m[7])}</a>`;
    }
  }
  out += emphasis(escapeHtml(raw.slice(last)));
  return out;
}

export function renderMarkdown(text: string): string {
  const source = text.length > MAX_RENDERED_CHARS ? `${text.slice(0, MAX_RENDERED_CHARS)}…` : text;
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flushPara = () => {
    if (para.length) out.push(`<p>${renderInline(para.join('\n')).replace(/\n/g, ' ')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) {
      const tag = list.ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${list.items.map((i) => `<li>${renderInline(i)}</li>`).join('')}</${tag}>`);
    }
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const code: string[] = [];
      // Bounded by the input: stops at the closing fence or the last line.
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flushPara();
      flushList();
      // Headings inside a page sit below its own h1/h2.
      const level = Math.min(6, heading[1]!.length + 2);
      out.push(`<h${level}>${renderInline(heading[2]!)}</h${level}>`);
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushPara();
      flushList();
      out.push('<hr>');
      continue;
    }
    const item = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushPara();
      const ordered = /\d/.test(item[1]!);
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[2]!);
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (quote) {
      flushPara();
      flushList();
      out.push(`<blockquote>${renderInline(quote[1]!)}</blockquote>`);
      continue;
    }
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    flushList();
    para.push(line.trim());
  }
  flushPara();
  flushList();
  return out.join('\n');
}
