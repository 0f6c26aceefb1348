// JSON shapes the server emits, built from stored records. Quirks kept on purpose: `downloads` is a string
// and `group` is omitted for the empty group, as real servers do.

import type { Connector, Feed } from './context.js';
import { packageTypeOf } from './context.js';
import type { PackageRecord } from './store.js';
import { compareVersions } from './versions.js';

const IDENTITY = new Set(['name', 'version', 'group']);
const NOT_IN_PACKAGE_LIST = new Set(['dependencies', 'repackageHistory', 'contents']);

export function byIdentityThenVersion(a: PackageRecord, b: PackageRecord): number {
  const g = a.group.toLowerCase().localeCompare(b.group.toLowerCase());
  if (g !== 0) return g;
  const n = a.name.toLowerCase().localeCompare(b.name.toLowerCase());
  if (n !== 0) return n;
  return compareVersions(a.version, b.version);
}

/** Records grouped by package (group + name), each group sorted by ascending version. */
export function groupPackages(records: PackageRecord[]): PackageRecord[][] {
  const groups = new Map<string, PackageRecord[]>();
  for (const r of [...records].sort(byIdentityThenVersion)) {
    const k = `${r.group.toLowerCase()}\n${r.name.toLowerCase()}`;
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}

function extras(r: PackageRecord, skip: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r.manifest).filter(([k]) => !IDENTITY.has(k) && !skip.has(k)));
}

/** `/upack/{feed}/packages` entry: metadata from the latest version. */
export function packageView(versions: PackageRecord[]): Record<string, unknown> {
  const latest = versions[versions.length - 1]!;
  return {
    ...(latest.group ? { group: latest.group } : {}),
    name: latest.name,
    latestVersion: latest.version,
    ...extras(latest, NOT_IN_PACKAGE_LIST),
    downloads: String(versions.reduce((n, v) => n + v.downloads, 0)),
    versions: versions.map((v) => v.version),
  };
}

/** `/upack/{feed}/versions` entry. */
export function versionView(r: PackageRecord): Record<string, unknown> {
  return {
    ...(r.group ? { group: r.group } : {}),
    name: r.name,
    version: r.version,
    ...extras(r, new Set(['repackageHistory'])),
    downloads: String(r.downloads),
    published: r.published,
    isLocal: !r.cached,
    isCached: r.cached,
    isVirtual: r.virtual,
  };
}

function purl(r: PackageRecord): string {
  const type = r.packageType === 'upack' ? 'universal' : r.packageType;
  const ns = r.group ? `${r.group.split('/').map(encodeURIComponent).join('/')}/` : '';
  return `pkg:${type}/${ns}${encodeURIComponent(r.name)}@${encodeURIComponent(r.version)}`;
}

/** Packages API PackageVersionInfo. */
export function packageVersionInfo(r: PackageRecord, totalDownloads: number): Record<string, unknown> {
  return {
    purl: purl(r),
    ...(r.group ? { group: r.group } : {}),
    name: r.name,
    version: r.version,
    totalDownloads,
    downloads: r.downloads,
    published: r.published,
    ...(r.publishedBy ? { publishedBy: r.publishedBy } : {}),
    size: r.hashes.size,
    listed: r.listed,
    md5: r.hashes.md5,
    sha1: r.hashes.sha1,
    sha256: r.hashes.sha256,
    sha512: r.hashes.sha512,
    allowDownload: true,
    deprecated: false,
  };
}

export function feedView(f: Feed, baseUrl: string): Record<string, unknown> {
  const universal = packageTypeOf(f) === 'upack';
  return {
    name: f.name,
    alternateNames: [],
    feedType: f.feedType,
    description: f.description,
    active: f.active,
    connectors: f.connectors,
    endpointUrl: `${baseUrl}/${universal ? 'upack' : f.feedType.toLowerCase()}/${f.name}/`,
    canPublish: true,
    deploymentRecordsEnabled: f.deploymentRecordsEnabled,
    vulnerabilitiesEnabled: false,
    packageStatisticsEnabled: true,
    retentionRules: [],
  };
}

export function connectorHealthView(c: Connector, legacy: boolean): Record<string, unknown> {
  if (legacy) {
    return {
      id: c.id,
      name: c.name,
      url: c.url,
      state: c.state === 'error' ? 'unhealthy' : c.state,
      ...(c.state === 'error' ? { erroMessage: c.errorMessage ?? 'Unknown error.' } : {}),
      lastChecked: c.state === 'unknown' ? null : c.lastChecked,
    };
  }
  return {
    id: c.id,
    name: c.name,
    url: c.url,
    state: c.state,
    errorMessage: c.state === 'error' ? (c.errorMessage ?? 'Unknown error.') : null,
    lastChecked: c.state === 'unknown' ? null : c.lastChecked,
  };
}
