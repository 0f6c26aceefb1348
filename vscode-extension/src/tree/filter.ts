// The package filter of a feed: case-insensitive, on the package id and title, `*` as a wildcard.
// A feed may hold 100,000 packages and the filter runs at every keystroke, so: each package's text is
// lower-cased once (not per keystroke), a wildcard pattern is compiled once per filter (not per package),
// and a filter that only narrows the last one (`comp` → `compo`) looks only through the last one's matches.

import { type PackageNode, packageIdText, type TreeNode } from './model.js';

/** Between the id and the title in a package's text: a filter that contains it matches nothing. */
const SEP = '\u0000';
/** `id SEP title`, lower-cased, per package node. */
const haystacks = new WeakMap<PackageNode, string>();

function haystack(node: PackageNode): string {
  let text = haystacks.get(node);
  if (text === undefined) {
    text = `${packageIdText(node)}${SEP}${node.universal?.title ?? ''}`.toLowerCase();
    haystacks.set(node, text);
  }
  return text;
}

/** A filter compiled once: case-insensitive; `*` matches any run of characters; otherwise a substring. */
export function filterMatcher(filter: string): (node: TreeNode) => boolean {
  const f = filter.toLowerCase();
  // Neither an id nor a title holds SEP (a filter with it would otherwise match across the two).
  if (f.includes(SEP)) return (node) => node.type !== 'package';
  if (f.includes('*')) {
    // A wildcard never spans SEP, so a pattern matches within the id or within the title.
    const re = new RegExp(f.split('*').map(escapeRegExp).join(`[^${SEP}]*`));
    return (node) => node.type !== 'package' || re.test(haystack(node));
  }
  return (node) => node.type !== 'package' || haystack(node).includes(f);
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

/**
 * The last filter result of each feed, so that the next keystroke filters only what still matched.
 * Keyed by the list it filtered (by identity): a reloaded list starts over.
 */
export class FilterResults {
  private readonly last = new Map<
    string,
    { source: readonly TreeNode[]; filter: string; matching: TreeNode[] }
  >();

  filter(key: string, source: readonly TreeNode[], filter: string): TreeNode[] {
    const previous = this.last.get(key);
    const same = previous?.source === source;
    if (same && previous.filter === filter) return previous.matching;
    const from = same && narrows(previous.filter, filter) ? previous.matching : source;
    const matching = from.filter(filterMatcher(filter));
    this.last.set(key, { source, filter, matching });
    return matching;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
