// package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`) and 2–3 (flat `packages`
// keyed by install path). Workspace links and non-registry sources (git, tarballs, paths) are skipped.

import { invalid, isObject, isRegistryVersion, listNames, parseJson, plural, splitAt } from './common.js';
import { keyLines, pathKey } from './json-lines.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

const NODE_MODULES = 'node_modules/';

export function readNpmLockfile(text: string, { file }: LockfileContext): LockfileRead {
  const doc = parseJson(file, text, 'an npm lockfile');
  if (!isObject(doc)) throw invalid(file, 'is not an npm lockfile (not a JSON object).');
  const version = doc.lockfileVersion;
  if (version === 2 || version === 3) {
    if (!isObject(doc.packages)) throw invalid(file, `is an npm lockfile v${version} without "packages".`);
    return fromPackages(text, doc.packages);
  }
  if (version === 1) return fromDependencies(text, doc.dependencies);
  throw invalid(
    file,
    `has lockfileVersion ${JSON.stringify(version ?? null)}; npm lockfiles of version 1 to 3 are supported.`,
  );
}

function fromPackages(text: string, packages: Record<string, unknown>): LockfileRead {
  const lines = keyLines(text, (path) => path.length === 1 && path[0] === 'packages');
  const out: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    // "" is the project itself; keys outside node_modules are workspace folders.
    const at = key.lastIndexOf(NODE_MODULES);
    if (at === -1 || !isObject(entry) || entry.link === true) continue;
    const name = typeof entry.name === 'string' ? entry.name : key.slice(at + NODE_MODULES.length);
    const version = typeof entry.version === 'string' ? entry.version : '';
    if (!isRegistryVersion(version)) {
      skipped.push(`${name}@${version || String(entry.resolved ?? '?')}`);
      continue;
    }
    out.push({
      ecosystem: 'npm',
      name,
      version,
      line: lines.get(pathKey('packages', key)) ?? 1,
      dev: entry.dev === true,
      ...(typeof entry.license === 'string' ? { license: entry.license } : {}),
    });
  }
  return { packages: out, warnings: skippedWarning(skipped) };
}

function fromDependencies(text: string, dependencies: unknown): LockfileRead {
  // Keys of every nested `dependencies` object: paths alternate "dependencies", name, "dependencies", …
  const lines = keyLines(
    text,
    (path) => path.length % 2 === 1 && path.every((p, i) => (i % 2 === 0) === (p === 'dependencies')),
  );
  const out: LockedPackage[] = [];
  const skipped: string[] = [];
  const walk = (deps: unknown, path: string[], depth: number) => {
    if (!isObject(deps) || depth > 64) return;
    for (const [key, entry] of Object.entries(deps)) {
      if (!isObject(entry)) continue;
      const here = [...path, 'dependencies', key];
      let name = key;
      let version = typeof entry.version === 'string' ? entry.version : '';
      // Aliases: "string-width-cjs": { "version": "npm:string-width@4.2.3" }
      if (version.startsWith('npm:')) {
        const split = splitAt(version.slice(4));
        if (split) [name, version] = split;
      }
      if (isRegistryVersion(version)) {
        out.push({
          ecosystem: 'npm',
          name,
          version,
          line: lines.get(pathKey(...here)) ?? 1,
          dev: entry.dev === true,
        });
      } else skipped.push(`${key}@${version || '?'}`);
      walk(entry.dependencies, here, depth + 1);
    }
  };
  walk(dependencies, [], 0);
  return { packages: out, warnings: skippedWarning(skipped) };
}

function skippedWarning(skipped: string[]): string[] {
  if (skipped.length === 0) return [];
  return [
    `${plural(skipped.length, 'package')} not from a registry (git, tarball or path) skipped: ${listNames(skipped)}.`,
  ];
}
