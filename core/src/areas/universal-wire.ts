// Wire shapes of the Universal Feed API (api-notes §7): tolerant of ProGet's quirks (`group` omitted for
// the empty group, numbers as strings, custom properties beside the known ones).

import type { FileEntry, UniversalFeedMeta, UniversalPackage, UniversalVersion } from '../types.js';
import {
  bool,
  extra,
  isObject,
  num,
  objectOf,
  optNum,
  str,
  strings,
  utcDate,
  type WireObject,
} from './wire.js';

const PACKAGE_KEYS = new Set([
  'group',
  'name',
  'latestVersion',
  'title',
  'description',
  'icon',
  'downloads',
  'versions',
]);
const VERSION_KEYS = new Set([
  'group',
  'name',
  'version',
  'title',
  'description',
  'icon',
  'dependencies',
  'downloads',
  'published',
  'isLocal',
  'isCached',
  'isVirtual',
  'fileList',
]);

export function parseUniversalPackage(value: unknown): UniversalPackage {
  const o = objectOf(value, 'a universal package');
  const versions = strings(o.versions);
  return {
    group: str(o.group) ?? '',
    name: str(o.name) ?? '',
    latestVersion: str(o.latestVersion),
    title: str(o.title),
    description: str(o.description),
    icon: str(o.icon),
    downloads: num(o.downloads),
    versions,
    extra: extra(o, PACKAGE_KEYS),
  };
}

export function parseUniversalVersion(value: unknown): UniversalVersion {
  const o = objectOf(value, 'a universal package version');
  const fileList = Array.isArray(o.fileList) ? o.fileList.filter(isObject).map(parseFileEntry) : undefined;
  return {
    group: str(o.group) ?? '',
    name: str(o.name) ?? '',
    version: str(o.version) ?? '',
    title: str(o.title),
    description: str(o.description),
    icon: str(o.icon),
    dependencies: strings(o.dependencies),
    downloads: num(o.downloads),
    published: utcDate(o.published),
    isLocal: bool(o.isLocal),
    isCached: bool(o.isCached),
    isVirtual: bool(o.isVirtual),
    fileList,
    extra: extra(o, VERSION_KEYS),
  };
}

function parseFileEntry(o: WireObject): FileEntry {
  return { name: (str(o.name) ?? '').replace(/\\/g, '/'), size: num(o.size), date: utcDate(o.date) };
}

export function parseFeedMeta(value: unknown): UniversalFeedMeta {
  const o = objectOf(value, 'universal feed metadata');
  return {
    apiVersion: str(o.apiVersion),
    name: str(o.name),
    description: str(o.description),
    version: str(o.version),
    packageCount: optNum(o.packageCount),
    packageVersionCount: optNum(o.packageVersionCount),
    services: strings(o.services),
  };
}
