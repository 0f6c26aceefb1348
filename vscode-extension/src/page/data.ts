// What a package page shows, gathered through core with no `vscode` import: the version (with its file
// list), size and hashes, each dependency resolved in the same feed, and its promotions where the server
// has the promotions API. Parts that fail are said on the page, not thrown.

import {
  errorSummary,
  type PackageVersionInfo,
  type ProGetClientApi,
  type Promotion,
  type UniversalVersion,
} from '@proget-ci/core';

/** A package version as a command link carries it (plain JSON). */
export interface PageTarget {
  server: string;
  feed: string;
  group: string;
  name: string;
  /** Omitted: the latest version. */
  version?: string;
}

export interface Dependency {
  text: string;
  group: string;
  name: string;
  range?: string;
  /** The version its link opens, when the package exists in the same feed. */
  resolved?: string;
}

export interface PageData {
  target: PageTarget & { version: string };
  version: UniversalVersion;
  info?: PackageVersionInfo;
  dependencies: Dependency[];
  promotions: Promotion[] | { unavailable: string };
}

/** The most dependencies resolved for one page. */
export const MAX_RESOLVED_DEPENDENCIES = 50;

/** `name`, `group/name`, `group:name`, `group:name:range` or `group:name:range:sha1` (the upack rules). */
export function parseDependency(text: string): Dependency {
  const parts = text.trim().split(':');
  if (parts.length === 1) {
    const at = parts[0]!.lastIndexOf('/');
    return at < 0
      ? { text, group: '', name: parts[0]! }
      : { text, group: parts[0]!.slice(0, at), name: parts[0]!.slice(at + 1) };
  }
  return { text, group: parts[0]!, name: parts[1]!, range: parts[2] || undefined };
}

export class PageNotFoundError extends Error {}

export async function loadPage(
  client: ProGetClientApi,
  target: PageTarget,
  signal?: AbortSignal,
): Promise<PageData> {
  const id = { group: target.group || undefined, name: target.name };
  let version = target.version;
  if (!version) {
    const pkg = await client.universal.getPackage(target.feed, id, { signal });
    if (!pkg?.latestVersion) {
      throw new PageNotFoundError(`${label(target)} is not in ${target.feed} (any more).`);
    }
    version = pkg.latestVersion;
  }
  const full = { ...target, version };
  const [v, info, promotions] = await Promise.all([
    client.universal.getVersion(target.feed, { ...id, version }, { includeFileList: true, signal }),
    client.packages
      .versions(target.feed, { ...id, version }, { signal })
      .then((infos) => infos.find((i) => i.version === version) ?? infos[0])
      .catch(() => undefined),
    client.promotions.list({ group: target.group, name: target.name, version }, { signal }).then(
      (list) => list.flatMap((p) => (p.version === version ? p.promotions : [])),
      (error: unknown) => ({ unavailable: errorSummary(error) }),
    ),
  ]);
  if (!v) throw new PageNotFoundError(`${label(target)} ${version} is not in ${target.feed} (any more).`);
  const dependencies = v.dependencies.map(parseDependency);
  await Promise.all(
    dependencies.slice(0, MAX_RESOLVED_DEPENDENCIES).map(async (d) => {
      const pkg = await client.universal
        .getPackage(target.feed, { group: d.group || undefined, name: d.name }, { signal })
        .catch(() => undefined);
      if (!pkg) return;
      d.resolved = d.range && pkg.versions.includes(d.range) ? d.range : pkg.latestVersion;
    }),
  );
  return { target: full, version: v, info, dependencies, promotions };
}

export function label(t: { group: string; name: string }): string {
  return t.group ? `${t.group}/${t.name}` : t.name;
}
