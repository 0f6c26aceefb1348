// pnpm-lock.yaml, lockfile versions 6.x and 9.x, read with the `yaml` parser (for the line of each entry).
// pnpm's own reader (@pnpm/lockfile.fs) keeps no positions, needs Node 22 in its current line, and in its
// Node 18+ line returned no packages for a v6 lockfile; the format is documented and small, so we read it here.
//   v6: `packages` keys `/name@version(peers)`, each with `dev: true | false` (absent: both).
//   v9: `packages` keys `name@version` (metadata), `snapshots` keys `name@version(peers)` (the graph),
//       `importers[path].dependencies | optionalDependencies | devDependencies` (the roots); no dev flag,
//       so dev-only packages are found by reachability.

import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { devOnly, invalid, isObject, isRegistryVersion, listNames, plural, splitAt } from './common.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

export function readPnpmLockfile(text: string, { file }: LockfileContext): LockfileRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0]?.line;
    throw invalid(
      file,
      `is not valid YAML${line ? ` (line ${line})` : ''}: ${first?.message.split('\n')[0]}`,
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  if (!isObject(data)) throw invalid(file, 'is not a pnpm lockfile (not a YAML mapping).');
  const version = String(data.lockfileVersion ?? '');
  const major = Number.parseInt(version, 10);
  if (major !== 6 && major !== 9) {
    throw invalid(
      file,
      `has lockfileVersion ${version || '(none)'}; pnpm lockfiles of version 6 and 9 are supported (run pnpm 8 or later to upgrade it).`,
    );
  }

  // Lines of the keys of `packages`.
  const lines = new Map<string, number>();
  const packagesNode = doc.get('packages', true);
  if (isMap(packagesNode)) {
    for (const pair of packagesNode.items) {
      if (isScalar(pair.key) && pair.key.range) {
        lines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
      }
    }
  }

  const packages = isObject(data.packages) ? data.packages : {};
  const dev = major === 9 ? devOnlyV9(data) : undefined;
  const out: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    const id = stripPeers(major === 6 ? key.replace(/^\//, '') : key);
    const split = splitAt(id);
    if (!split || !isRegistryVersion(split[1])) {
      skipped.push(id);
      continue;
    }
    const [name, pkgVersion] = split;
    out.push({
      ecosystem: 'npm',
      name,
      version: pkgVersion,
      line: lines.get(key) ?? 1,
      dev: dev ? dev.has(id) : isObject(entry) && entry.dev === true,
    });
  }
  const warnings =
    skipped.length > 0
      ? [
          `${plural(skipped.length, 'package')} not from a registry (git, tarball or path) skipped: ${listNames(skipped)}.`,
        ]
      : [];
  return { packages: out, warnings };
}

/** `name@1.0.0(react@18.2.0)` → `name@1.0.0` */
function stripPeers(id: string): string {
  const paren = id.indexOf('(');
  return paren === -1 ? id : id.slice(0, paren);
}

/** Package ids (`name@version`) that only importers' devDependencies reach, through `snapshots`. */
function devOnlyV9(data: Record<string, unknown>): Set<string> {
  const snapshots = isObject(data.snapshots) ? data.snapshots : {};
  const importers = isObject(data.importers) ? data.importers : {};
  const refs = (deps: unknown): string[] => {
    if (!isObject(deps)) return [];
    const out: string[] = [];
    for (const [name, value] of Object.entries(deps)) {
      // Importers give { specifier, version }; snapshots give the version string.
      const v = isObject(value) ? value.version : value;
      if (typeof v !== 'string') continue;
      // An alias resolves to "real-name@version".
      out.push(v.includes('@', 1) && !/^\d/.test(v) ? v : `${name}@${v}`);
    }
    return out;
  };
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const importer of Object.values(importers)) {
    if (!isObject(importer)) continue;
    prodRoots.push(...refs(importer.dependencies), ...refs(importer.optionalDependencies));
    devRoots.push(...refs(importer.devDependencies));
  }
  const devSnapshots = devOnly(prodRoots, devRoots, (node) => {
    const snapshot = snapshots[node];
    return isObject(snapshot) ? [...refs(snapshot.dependencies), ...refs(snapshot.optionalDependencies)] : [];
  });
  // A package is dev-only when every snapshot of it (one per peer set) is.
  const prodIds = new Set<string>();
  for (const key of Object.keys(snapshots)) if (!devSnapshots.has(key)) prodIds.add(stripPeers(key));
  const result = new Set<string>();
  for (const key of devSnapshots) if (!prodIds.has(stripPeers(key))) result.add(stripPeers(key));
  return result;
}
