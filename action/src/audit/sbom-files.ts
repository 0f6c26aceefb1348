// Turns the "sbom" input (paths and globs, relative to the workspace) into the files to read. Globs know
// `*`, `?` and `**`; the walk skips installed dependencies and dot-folders and is bounded.

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { StepError } from '../shared/errors.js';

const SKIP = new Set(['node_modules', '.git']);
const MAX_ENTRIES = 100_000;

export interface SbomFile {
  /** As people see it: relative to the workspace, `/`-separated (absolute when outside it). */
  display: string;
  absolute: string;
}

export async function expandSbomInputs(workspace: string, patterns: readonly string[]): Promise<SbomFile[]> {
  const files = new Map<string, SbomFile>();
  let tree: string[] | undefined;
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern)) {
      const absolute = isAbsolute(pattern) ? pattern : resolve(workspace, pattern);
      files.set(absolute, { display: displayOf(workspace, absolute), absolute });
      continue;
    }
    tree ??= await listFiles(workspace);
    const matches = globRegExp(pattern.replace(/\\/g, '/').replace(/^\.\//, ''));
    const found = tree.filter((path) => matches.test(path));
    if (found.length === 0) {
      throw new StepError(`"sbom": ${pattern} matches no file in the workspace`);
    }
    for (const path of found.sort()) {
      const absolute = join(workspace, path);
      files.set(absolute, { display: path, absolute });
    }
  }
  return [...files.values()];
}

function displayOf(workspace: string, absolute: string): string {
  const rel = relative(workspace, absolute);
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel.split('\\').join('/');
}

/** `**` any folders (or none), `*` any characters but `/`, `?` one of them. */
export function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

async function listFiles(workspace: string): Promise<string[]> {
  const out: string[] = [];
  let queue = [''];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_ENTRIES) {
    const next: string[] = [];
    for (const dir of queue) {
      let entries: Dirent[];
      try {
        entries = await readdir(join(workspace, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (++seen > MAX_ENTRIES) break;
        const path = dir === '' ? e.name : `${dir}/${e.name}`;
        if (e.isFile()) out.push(path);
        else if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.')) next.push(path);
      }
    }
    queue = next;
  }
  return out;
}
