// "latest" is resolved here, never sent: endpoints disagree on what it means (stable-only or not).

import { ProGetError } from './errors.js';
import { latestVersion } from './upack/versions.js';

/** `latest` and `latest-unstable` include prereleases; `latest-stable` does not. */
export type VersionSelector = 'latest' | 'latest-stable' | 'latest-unstable';

export function isVersionSelector(version: string): version is VersionSelector {
  const v = version.toLowerCase();
  return v === 'latest' || v === 'latest-stable' || v === 'latest-unstable';
}

/** The highest version in the list; prereleases count only when `prerelease` is true. */
export function resolveLatest(
  versions: readonly string[],
  options: { prerelease: boolean },
): string | undefined {
  return latestVersion(versions, options);
}

/** Resolves a selector against a version list, or returns an exact version unchanged. */
export function resolveSelector(
  version: string,
  available: () => Promise<readonly string[]>,
  describe: string,
): Promise<string> | string {
  if (!isVersionSelector(version)) return version;
  const prerelease = version.toLowerCase() !== 'latest-stable';
  return available().then((versions) => {
    const found = resolveLatest(versions, { prerelease });
    if (found === undefined) {
      throw new ProGetError({
        kind: 'not-found',
        message: `No ${prerelease ? '' : 'stable '}version of ${describe} was found to resolve "${version}"`,
        hint: prerelease
          ? 'Check the feed, group and package name.'
          : 'Only prerelease versions exist; use "latest" to include them.',
      });
    }
    return found;
  });
}
