// What "Publish to ProGet…" suggests for a folder: its upack.json (used as the manifest, with the name and
// version asked for on top), else its package.json (name, version, description), else the folder's name.
// No `vscode` import.

import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { UpackManifest } from '@proget-ci/core';

export interface Suggestion {
  group: string;
  name: string;
  version: string;
  /** Where the suggestion came from. */
  source: 'upack.json' | 'package.json' | 'folder';
  /** The folder's upack.json, kept whole (title, dependencies, `_` properties…) when there is one. */
  manifest?: Partial<UpackManifest>;
}

/** The largest manifest file read for a suggestion. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > MAX_MANIFEST_BYTES) return undefined;
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** A name ProGet accepts: `[0-9A-Za-z._-]`, up to 50 characters. */
export function cleanName(text: string): string {
  return text
    .replace(/[^0-9A-Za-z._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

export async function suggestFromFolder(dir: string): Promise<Suggestion> {
  const upack = await readJson(join(dir, 'upack.json'));
  if (upack && str(upack.name)) {
    return {
      group: str(upack.group) ?? '',
      name: str(upack.name)!,
      version: str(upack.version) ?? '1.0.0',
      source: 'upack.json',
      manifest: upack as Partial<UpackManifest>,
    };
  }
  const pkg = await readJson(join(dir, 'package.json'));
  const npmName = pkg && str(pkg.name);
  if (npmName) {
    // `@scope/name`: the scope becomes the group.
    const scoped = /^@([^/]+)\/(.+)$/.exec(npmName);
    return {
      group: scoped ? cleanName(scoped[1]!) : '',
      name: cleanName(scoped ? scoped[2]! : npmName),
      version: str(pkg.version) ?? '1.0.0',
      source: 'package.json',
      manifest: str(pkg.description) ? { description: str(pkg.description) } : undefined,
    };
  }
  return { group: '', name: cleanName(basename(dir)) || 'package', version: '1.0.0', source: 'folder' };
}
