// Lockfile kinds by file name, and the reader for each.

import { basename } from 'node:path';
import { readNpmLockfile } from './npm.js';
import { readNuGetLockfile } from './nuget.js';
import { readRequirements } from './pip.js';
import { readPnpmLockfile } from './pnpm.js';
import { readPoetryLock } from './poetry.js';
import type { LockfileKind, LockfileReader } from './types.js';
import { readYarnLockfile } from './yarn.js';

export type * from './types.js';

export const LOCKFILE_NAMES: Readonly<Record<string, LockfileKind>> = {
  'package-lock.json': 'npm',
  'npm-shrinkwrap.json': 'npm',
  'pnpm-lock.yaml': 'pnpm',
  'yarn.lock': 'yarn',
  'packages.lock.json': 'nuget',
  'requirements.txt': 'pip',
  'poetry.lock': 'poetry',
};

export const READERS: Readonly<Record<LockfileKind, LockfileReader>> = {
  npm: readNpmLockfile,
  pnpm: readPnpmLockfile,
  yarn: readYarnLockfile,
  nuget: readNuGetLockfile,
  pip: readRequirements,
  poetry: readPoetryLock,
};

/** The kind of a lockfile by its name; `requirements-*.txt` and `*-requirements.txt` count as pip's. */
export function lockfileKind(path: string): LockfileKind | undefined {
  const name = basename(path).toLowerCase();
  return (
    LOCKFILE_NAMES[name] ??
    (/^requirements[\w.-]*\.txt$|[\w.-]*requirements\.txt$/.test(name) ? 'pip' : undefined)
  );
}
