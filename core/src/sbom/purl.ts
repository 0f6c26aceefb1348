// Package URLs through packageurl-js: parse and print one canonical form, so deduplication compares like with like.

import { PackageURL } from 'packageurl-js';

/** The canonical form of a purl string, or an error message saying why it is not one. */
export function canonicalPurl(text: string): { purl: string } | { problem: string } {
  try {
    return { purl: PackageURL.fromString(text.trim()).toString() };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

export type Ecosystem = 'npm' | 'nuget' | 'pypi';

/** PEP 503 normalization, which the purl spec asks for pypi names. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A purl for a registry package; npm scopes (`@scope/name`) become the namespace. */
export function purlFor(ecosystem: Ecosystem, name: string, version: string): PackageURL {
  if (ecosystem === 'npm' && name.startsWith('@') && name.includes('/')) {
    const slash = name.indexOf('/');
    return new PackageURL('npm', name.slice(0, slash), name.slice(slash + 1), version, undefined, undefined);
  }
  const bare = ecosystem === 'pypi' ? normalizePypiName(name) : name;
  return new PackageURL(ecosystem, undefined, bare, version, undefined, undefined);
}
