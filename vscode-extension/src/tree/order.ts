// Ordering in the tree: packages by group segments then name; versions newest first.
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

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Group by group, segment by segment (so `a/b` sorts with `a/b/c`, not among `a/b-c`), then by name. */
export function comparePackages(
  a: { group: string; name: string },
  b: { group: string; name: string },
): number {
  const sa = a.group ? [...a.group.split('/'), a.name] : [a.name];
  const sb = b.group ? [...b.group.split('/'), b.name] : [b.name];
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = collator.compare(sa[i]!, sb[i]!);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}
