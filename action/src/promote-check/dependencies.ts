// Which of a manifest's dependencies can be checked for promotion: only those pinned to one version.

import { type PackageVersionId, type UpackManifest, validateVersion } from '@proget-ci/core';

export interface UncheckableDependency {
  dependency: string;
  reason: string;
}

export interface DependencySelection {
  pinned: PackageVersionId[];
  unpinned: UncheckableDependency[];
}

/** `group:name:version[:sha1]` (or `[version]`) is pinned; no version, `*` or an interval is not. */
export function pinnedDependencies(manifest: Pick<UpackManifest, 'dependencies'>): DependencySelection {
  const pinned: PackageVersionId[] = [];
  const unpinned: UncheckableDependency[] = [];
  for (const dependency of manifest.dependencies ?? []) {
    const parts = dependency.split(':');
    if (parts.length < 3) {
      unpinned.push({ dependency, reason: 'names no version' });
      continue;
    }
    const [group, name, range] = parts as [string, string, string];
    const exact = /^\[([^,\]]+)\]$/.exec(range)?.[1] ?? range;
    if (range === '*' || validateVersion(exact) !== undefined) {
      unpinned.push({
        dependency,
        reason: range === '*' ? 'accepts any version (*)' : `names a range (${range}), not one version`,
      });
      continue;
    }
    pinned.push(group ? { group, name, version: exact } : { name, version: exact });
  }
  return { pinned, unpinned };
}
