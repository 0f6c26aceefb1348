// poetry.lock (TOML, read with smol-toml): one [[package]] table per locked package. Dev-only: poetry 1.1
// writes `category = "dev"`, poetry 2 writes `groups`; poetry 1.2–1.8 records neither, so all count as prod.

import { parse, TomlError } from 'smol-toml';
import { invalid, isObject, isRegistryVersion, listNames, plural } from './common.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

export function readPoetryLock(text: string, { file }: LockfileContext): LockfileRead {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line})` : '';
    throw invalid(
      file,
      `is not valid TOML${where}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  if (!Array.isArray(doc.package)) throw invalid(file, 'is not a poetry lockfile (no [[package]] tables).');
  const lines = nameLines(text);
  const out: LockedPackage[] = [];
  const skipped: string[] = [];
  const seen = new Map<string, number>();
  for (const entry of doc.package) {
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.version !== 'string') continue;
    const source = isObject(entry.source) ? entry.source : undefined;
    const sourceType = typeof source?.type === 'string' ? source.type : undefined;
    // "legacy" is a private index (a registry); git, url, file and directory are not.
    if ((sourceType && sourceType !== 'legacy') || !isRegistryVersion(entry.version)) {
      skipped.push(`${entry.name}@${entry.version}`);
      continue;
    }
    const n = seen.get(entry.name) ?? 0;
    seen.set(entry.name, n + 1);
    const groups = Array.isArray(entry.groups) ? entry.groups : undefined;
    out.push({
      ecosystem: 'pypi',
      name: entry.name,
      version: entry.version,
      line: lines.get(entry.name)?.[n] ?? 1,
      dev: entry.category === 'dev' || (groups !== undefined && !groups.includes('main')),
    });
  }
  const warnings =
    skipped.length > 0
      ? [
          `${plural(skipped.length, 'package')} not from a package index (git, url or path) skipped: ${listNames(skipped)}.`,
        ]
      : [];
  return { packages: out, warnings };
}

/** Lines of each `name = "…"` that follows a `[[package]]` header, in order (a name may repeat with markers). */
function nameLines(text: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  const all = text.split('\n');
  let inPackage = false;
  for (let i = 0; i < all.length; i++) {
    const line = (all[i] as string).trim();
    if (line.startsWith('[')) {
      inPackage = line === '[[package]]';
      continue;
    }
    const match = inPackage ? /^name\s*=\s*"([^"]+)"/.exec(line) : null;
    if (match) {
      const list = lines.get(match[1] as string) ?? [];
      list.push(i + 1);
      lines.set(match[1] as string, list);
      inPackage = false;
    }
  }
  return lines;
}
