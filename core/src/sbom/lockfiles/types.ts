// What every lockfile reader returns: registry packages with the line of the entry that brings them in.

import type { Ecosystem } from '../purl.js';

export type LockfileKind = 'npm' | 'pnpm' | 'yarn' | 'nuget' | 'pip' | 'poetry';

export interface LockedPackage {
  ecosystem: Ecosystem;
  /** As the registry spells it (npm scopes included: `@types/node`). */
  name: string;
  version: string;
  /** 1-based line of the lockfile entry. */
  line: number;
  /** Only development dependencies bring it in. */
  dev: boolean;
  /** SPDX id or expression, where the lockfile records one (npm v2+ does). */
  license?: string;
}

export interface LockfileRead {
  packages: LockedPackage[];
  /** Problems that skipped entries; the file name is added by the caller. */
  warnings: string[];
}

/** Reads one lockfile's text. `siblings` reads a file beside it (for `package.json`), or undefined. */
export type LockfileReader = (text: string, context: LockfileContext) => LockfileRead;

export interface LockfileContext {
  /** The lockfile as the user will see it in messages. */
  file: string;
  /** The text of `package.json` beside the lockfile, where one exists (yarn needs it to tell dev from prod). */
  packageJson?: string;
}
