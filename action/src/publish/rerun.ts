// Re-running a workflow on the same commit must not fail publish with "already exists" (npm-publish is
// the model): when the stored version says it was built from this commit and holds the same content, the
// step has nothing to do. "Same content" compares the files inside the packages (names and bytes), not the
// .upack hashes: a rebuild has a new createdDate, so its bytes always differ.

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isProGetError,
  openEntryStream,
  type PackageVersionId,
  type ProGetClientApi,
  readPackage,
  type UniversalVersion,
} from '@proget-ci/core';

/** The commit a stored version says it was built from (`_commit`, which publish writes). */
export function storedCommit(version: UniversalVersion): string | undefined {
  const value = version.extra._commit;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** SHA-256 over the `package/` entries, in path order: each path, its size and its bytes. */
export async function contentDigest(file: string): Promise<string> {
  const { entries } = await readPackage(file);
  const files = entries
    .filter((e) => !e.isDirectory && e.path.startsWith('package/'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (const entry of files) {
    hash.update(`${entry.path}\0${entry.size}\0`);
    for await (const chunk of await openEntryStream(file, entry.path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Downloads the stored version (streamed to scratch space) and compares its content with `file`'s. */
export async function sameContentAsStored(
  client: ProGetClientApi,
  feed: string,
  id: PackageVersionId,
  file: string,
  tempDir: string,
  signal?: AbortSignal,
): Promise<boolean | undefined> {
  await mkdir(tempDir, { recursive: true });
  const dir = await mkdtemp(join(tempDir, 'proget-rerun-'));
  try {
    const stored = join(dir, 'stored.upack');
    await client.universal.download(feed, id, stored, { signal });
    const [theirs, ours] = await Promise.all([contentDigest(stored), contentDigest(file)]);
    return theirs === ours;
  } catch (e) {
    if (isProGetError(e)) return undefined;
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
