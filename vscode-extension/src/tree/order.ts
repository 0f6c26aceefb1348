// Ordering in the tree: packages in the order ProGet lists them; versions newest first.
// Versions: Universal versions are SemVer 2 (core's rules); other feed types hold
// versions that are not (NuGet's four parts, Maven's `1.0`), which sort after by a numeric-aware compare.

import { compareVersions, parseVersion } from '@proget-ci/core';

export function compareVersionsDesc(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return compareVersions(pb, pa);
  return b.localeCompare(a, undefined, { numeric: true, sensitivity: 'base' });
}

export function isPrereleaseVersion(version: string): boolean {
  const parsed = parseVersion(version);
  if (parsed) return parsed.prerelease.length > 0;
  return /-/.test(version.split('+')[0] ?? version);
}

// A fixed locale: the order must not change with the user's display language (Danish, for one, sorts
// "aa" after "z"). Package names and groups are ASCII ([0-9A-Za-z._-], plus `/` in groups).
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/**
 * The order of `/upack/{feed}/packages`: by group (the whole string, the empty group first), then by name,
 * case-insensitive, not numeric (`pkg-10` before `pkg-9`). The pages do not state it; their example and the
 * simulator list packages this way. The tree must use the server's order, because its first page is what
 * the server returns for `count=pageSize`: in any other order "Load more" (the whole list, sorted) would
 * not continue that page. The provider checks each list against this order (`firstOutOfOrder`).
 */
export function comparePackages(
  a: { group?: string; name: string },
  b: { group?: string; name: string },
): number {
  // Equal strings first: most neighbours in a feed share their group, and the collator is the slow part.
  const ga = a.group ?? '';
  const gb = b.group ?? '';
  return (
    (ga === gb ? 0 : collator.compare(ga, gb)) || (a.name === b.name ? 0 : collator.compare(a.name, b.name))
  );
}

/** Index of the first package that sorts before the one above it, or -1 when the list is in order. */
export function firstOutOfOrder(list: readonly { group?: string; name: string }[]): number {
  for (let i = 1; i < list.length; i++) {
    if (comparePackages(list[i - 1]!, list[i]!) > 0) return i;
  }
  return -1;
}
