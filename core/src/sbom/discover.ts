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

/** Lockfiles of other package managers: found so that an SBOM never leaves them out without saying so. */
export const UNREAD_LOCKFILES: ReadonlySet<string> = new Set([
  'bun.lock',
  'bun.lockb',
  'Cargo.lock',
  'composer.lock',
  'conan.lock',
  'deno.lock',
  'Gemfile.lock',
  'go.sum',
  'gradle.lockfile',
  'mix.lock',
  'Package.resolved',
  'pdm.lock',
  'Pipfile.lock',
  'pubspec.lock',
  'uv.lock',
]);

export interface FoundLockfiles {
  /** Lockfiles proget-ci reads (relative paths, `/`-separated, sorted). */
  readable: string[];
  /** Lockfiles of package managers it does not read. */
  unread: string[];
}
const MAX_FOLDERS = 5000;

/** Lockfiles under `workspace`, at most four folders deep. */
export async function findLockfiles(workspace: string): Promise<FoundLockfiles> {
  const found: string[] = [];
  const unread: string[] = [];
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
        if (UNREAD_LOCKFILES.has(name))
          unread.push(relative(workspace, join(dir, name)).split('\\').join('/'));
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
  return { readable: found.sort(), unread: unread.sort() };
}
