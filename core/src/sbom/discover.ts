// Finds the lockfiles of a workspace: a bounded walk that skips installed dependencies and build output.

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LOCKFILE_NAMES } from './lockfiles/index.js';

/** Folders that hold installed or built things, never a project's own lockfile. */
const SKIP = new Set([
  'node_modules',
  'bin',
  'obj',
  'dist',
  'build',
  'out',
  'target',
  'vendor',
  'venv',
  '__pycache__',
]);
const MAX_DEPTH = 4;
const MAX_FOLDERS = 5000;

/** Lockfiles under `workspace` (relative paths, `/`-separated, sorted), at most four folders deep. */
export async function findLockfiles(workspace: string): Promise<string[]> {
  const found: string[] = [];
  let queue: string[] = [workspace];
  let visited = 0;
  for (let depth = 0; depth <= MAX_DEPTH && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      if (++visited > MAX_FOLDERS) break;
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
      for (const name of names) {
        if (!(name in LOCKFILE_NAMES)) continue;
        // npm ignores package-lock.json when npm-shrinkwrap.json is present.
        if (name === 'package-lock.json' && names.has('npm-shrinkwrap.json')) continue;
        found.push(relative(workspace, join(dir, name)).split('\\').join('/'));
      }
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) next.push(join(dir, e.name));
      }
    }
    queue = next;
  }
  return found.sort();
}
