// A refused replacement of an existing version, however the server says it (400, 403 or 409).

import { isProGetError } from '../errors.js';
import type { PackageVersionId } from '../types.js';
import { describePackage } from '../upack/describe.js';
import { readManifest } from '../upack/read.js';
import { reframe } from './server.js';

/** Statuses real servers use to refuse replacing an existing version without Overwrite (api-notes §7). */
const OVERWRITE_REFUSALS = new Set([400, 403, 409]);

export const OVERWRITE_MESSAGE = 'version exists; the key lacks Overwrite';

/**
 * Servers refuse replacing an existing version without Overwrite with 400, 403 or 409 (UNVERIFIED which,
 * api-notes §7): whichever it is, when the version exists, one clear error says so. Anything else is
 * returned unchanged.
 */
export async function overwriteRefusal(
  error: unknown,
  feed: string,
  filePath: string,
  lookup: (id: PackageVersionId) => Promise<unknown>,
): Promise<unknown> {
  if (!isProGetError(error) || error.status === undefined || !OVERWRITE_REFUSALS.has(error.status))
    return error;
  let id: PackageVersionId;
  let exists: boolean;
  try {
    const m = await readManifest(filePath);
    id = { group: m.group, name: m.name, version: m.version };
    exists = (await lookup(id)) !== undefined;
  } catch {
    return error;
  }
  if (!exists) return error;
  return reframe(error, {
    kind: 'conflict',
    subject: 'version',
    privilege: 'Feeds_OverwritePackage',
    message: `Could not upload ${describePackage(id)} to feed "${feed}": ${OVERWRITE_MESSAGE}`,
    hint: `${describePackage(id)} is already in feed "${feed}", and replacing it needs the Feeds_OverwritePackage (Overwrite/Delete) privilege. Publish a new version, or grant Overwrite to the key.`,
  });
}
