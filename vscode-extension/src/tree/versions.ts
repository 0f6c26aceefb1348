// Version ordering for the tree. Universal versions are SemVer 2 (core's rules); other feed types hold
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
