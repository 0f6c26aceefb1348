// `group/name@version` references, as written one per line in `packages`.

import { type PackageVersionId, validateGroup, validatePackageName, validateVersion } from '@proget-ci/core';

/** Parses `[group/]name@version`; returns the problem instead when it is not one. */
export function parsePackageRef(text: string): PackageVersionId | string {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) {
    const colon = parseColonRef(text);
    if (colon !== undefined) return colon;
    return `expected group/name@version (or group:name:version), got "${text}"`;
  }
  const id = text.slice(0, at).trim();
  const version = text.slice(at + 1).trim();
  const slash = id.lastIndexOf('/');
  const group = slash < 0 ? undefined : id.slice(0, slash);
  const name = slash < 0 ? id : id.slice(slash + 1);
  const problem =
    validatePackageName(name) ??
    (group === undefined ? undefined : validateGroup(group)) ??
    validateVersion(version);
  if (problem !== undefined) return problem;
  return group === undefined ? { name, version } : { group, name, version };
}

/** `group:name:version` (the upack dependency form); undefined when the text is not in that form. */
function parseColonRef(text: string): PackageVersionId | string | undefined {
  if (text.includes('@')) return undefined;
  const parts = text.split(':').map((p) => p.trim());
  if (parts.length !== 3 || parts[1] === '' || parts[2] === '') return undefined;
  const [group, name, version] = parts as [string, string, string];
  const problem =
    validatePackageName(name) ??
    (group === '' ? undefined : validateGroup(group)) ??
    validateVersion(version);
  if (problem !== undefined) return problem;
  return group === '' ? { name, version } : { group, name, version };
}

export function formatPackageRef(id: PackageVersionId): string {
  return `${id.group ? `${id.group}/` : ''}${id.name}@${id.version}`;
}
