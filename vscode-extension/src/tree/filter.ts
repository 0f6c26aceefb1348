// The package filter of a feed: case-insensitive, on the package id and title, `*` as a wildcard.

import { packageIdText, type TreeNode } from './model.js';

/** Case-insensitive; `*` matches any run of characters; otherwise a substring of the id or title. */
export function matchesFilter(node: TreeNode, filter: string): boolean {
  if (node.type !== 'package') return true;
  const haystacks = [packageIdText(node), node.universal?.title ?? ''].map((s) => s.toLowerCase());
  const f = filter.toLowerCase();
  if (f.includes('*')) {
    const re = new RegExp(f.split('*').map(escapeRegExp).join('.*'));
    return haystacks.some((h) => re.test(h));
  }
  return haystacks.some((h) => h.includes(f));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
