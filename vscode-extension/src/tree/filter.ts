// The package filter of a feed: case-insensitive, on the package id and title, `*` as a wildcard.
// A feed may hold 100,000 packages and the filter runs at every keystroke, so FilterResults lower-cases
// each package's text once per list (in an array beside it: a WeakMap of 100,000 entries costs the garbage
// collector more than it saves), compiles a wildcard once per filter (not per package), and lets a filter
// that only narrows the last one (`comp` → `compo`) look only through the last one's matches.

import { packageIdText, type TreeNode } from './model.js';

/** Between the id and the title in a package's text: a filter that contains it matches nothing. */
const SEP = '\u0000';

/** `id SEP title`, lower-cased; undefined for rows that are not packages (which every filter keeps). */
function packageText(node: TreeNode): string | undefined {
  if (node.type !== 'package') return undefined;
  return `${packageIdText(node)}${SEP}${node.universal?.title ?? ''}`.toLowerCase();
}

/** A filter compiled once, over package texts: case-insensitive; `*` matches any run; else a substring. */
function textMatcher(filter: string): (text: string | undefined) => boolean {
  const f = filter.toLowerCase();
  // Neither an id nor a title holds SEP (a filter with it would otherwise match across the two).
  if (f.includes(SEP)) return (text) => text === undefined;
  if (f.includes('*')) {
    // A wildcard never spans SEP, so a pattern matches within the id or within the title.
    const re = new RegExp(f.split('*').map(escapeRegExp).join(`[^${SEP}]*`));
    return (text) => text === undefined || re.test(text);
  }
  return (text) => text === undefined || text.includes(f);
}

/** A filter compiled once, for nodes. */
export function filterMatcher(filter: string): (node: TreeNode) => boolean {
  const test = textMatcher(filter);
  return (node) => test(packageText(node));
}

/** Case-insensitive; `*` matches any run of characters; otherwise a substring of the id or title. */
export function matchesFilter(node: TreeNode, filter: string): boolean {
  return filterMatcher(filter)(node);
}

/**
 * Whether every package `next` matches also matches `previous`: when `next` contains `previous` (wildcards
 * and all), a match of `next` contains a match of `previous`.
 */
export function narrows(previous: string, next: string): boolean {
  return next.toLowerCase().includes(previous.toLowerCase());
}

interface Filtered {
  /** The list filtered (compared by identity: a reloaded list starts over). */
  source: readonly TreeNode[];
  /** Each row's text, beside `source`, made once per list. */
  texts: (string | undefined)[];
  filter: string;
  /** Where the matches are in `source`, in order. */
  at: number[];
  matching: TreeNode[];
}

/** The last filter result of each feed, so that the next keystroke filters only what still matched. */
export class FilterResults {
  private readonly last = new Map<string, Filtered>();

  filter(key: string, source: readonly TreeNode[], filter: string): TreeNode[] {
    const previous = this.last.get(key);
    const same = previous?.source === source ? previous : undefined;
    if (same && same.filter === filter) return same.matching;
    const texts = same ? same.texts : source.map(packageText);
    const test = textMatcher(filter);
    const at: number[] = [];
    if (same && narrows(same.filter, filter)) {
      for (const i of same.at) if (test(texts[i])) at.push(i);
    } else {
      for (let i = 0; i < texts.length; i++) if (test(texts[i])) at.push(i);
    }
    const matching = at.map((i) => source[i]!);
    this.last.set(key, { source, texts, filter, at, matching });
    return matching;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
