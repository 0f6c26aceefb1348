// Links into ProGet for people: the UI page of a package version, its download, how to promote it.

import type { PackageVersionId } from '@proget-ci/core';

function segments(id: PackageVersionId): string {
  const group = id.group ? id.group.split('/').map(encodeURIComponent).join('/') + '/' : '';
  return `${group}${encodeURIComponent(id.name)}/${encodeURIComponent(id.version)}`;
}

/** The package version's page in the ProGet UI. */
export function packageUrl(server: string, feed: string, id: PackageVersionId): string {
  return `${server}/feeds/${encodeURIComponent(feed)}/${segments(id)}`;
}

/** Universal Feed API download of the .upack. */
export function downloadUrl(server: string, feed: string, id: PackageVersionId): string {
  return `${server}/upack/${encodeURIComponent(feed)}/download/${segments(id)}`;
}

/** `group/name 1.2.3` as people read it. */
export function describePackage(id: PackageVersionId): string {
  return `${id.group ? `${id.group}/` : ''}${id.name} ${id.version}`;
}
