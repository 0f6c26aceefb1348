// NuGet packages.lock.json (version 1 and 2): packages per target framework; project references skipped.

import { invalid, isObject, parseJson } from './common.js';
import { keyLines, pathKey } from './json-lines.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

export function readNuGetLockfile(text: string, { file }: LockfileContext): LockfileRead {
  const doc = parseJson(file, text, 'a NuGet lockfile');
  if (!isObject(doc) || !isObject(doc.dependencies)) {
    throw invalid(file, 'is not a NuGet lockfile (no "dependencies" by target framework).');
  }
  if (doc.version !== 1 && doc.version !== 2) {
    throw invalid(
      file,
      `has version ${JSON.stringify(doc.version ?? null)}; NuGet lockfiles of version 1 and 2 are supported.`,
    );
  }
  const lines = keyLines(text, (path) => path.length === 2 && path[0] === 'dependencies');
  const out: LockedPackage[] = [];
  const seen = new Set<string>();
  for (const [framework, packages] of Object.entries(doc.dependencies)) {
    if (!isObject(packages)) continue;
    for (const [name, entry] of Object.entries(packages)) {
      if (!isObject(entry) || entry.type === 'Project' || typeof entry.resolved !== 'string') continue;
      // The same package under several frameworks: its first entry is the one to point at.
      const id = `${name.toLowerCase()}@${entry.resolved}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({
        ecosystem: 'nuget',
        name,
        version: entry.resolved,
        line: lines.get(pathKey('dependencies', framework, name)) ?? 1,
        dev: false,
      });
    }
  }
  return { packages: out, warnings: [] };
}
