// Publishing a big package so that a broken connection costs one part, not the whole file: above a
// threshold, multipart into an asset directory, then `POST /upack/{feed}/import` (sca-api-notes §7.3), then
// a check that the feed holds the version with our SHA-1 and size. Otherwise, the plain PUT.

import { randomUUID } from 'node:crypto';
import type { AssetsArea } from '../areas/assets.js';
import type { PackagesArea } from '../areas/packages.js';
import type { UniversalArea } from '../areas/universal.js';
import type { ResumableUploadOptions, ResumableUploadResult } from '../client-api.js';
import { isProGetError, ProGetError, ValidationError } from '../errors.js';
import { regularFileSize } from '../transport/upload.js';
import { describePackage } from '../upack/describe.js';
import { readManifest } from '../upack/read.js';
import { multipartProblems, uploadMultipart } from './multipart.js';

export const RESUMABLE_DEFAULTS = {
  /** 256 MiB: below it a failed PUT is cheap to repeat. */
  thresholdBytes: 256 * 1024 * 1024,
} as const;

/** Only the manifest is read: the size and ratio limits for extraction do not apply to a file we send. */
const MANIFEST_ONLY = {
  maxTotalSize: Number.MAX_SAFE_INTEGER,
  maxEntries: Number.MAX_SAFE_INTEGER,
  maxCompressionRatio: Number.MAX_SAFE_INTEGER,
};

export interface ResumableAreas {
  universal: UniversalArea;
  packages: PackagesArea;
  assets: AssetsArea;
}

export async function publishResumable(
  areas: ResumableAreas,
  feed: string,
  filePath: string,
  options: ResumableUploadOptions = {},
): Promise<ResumableUploadResult> {
  const problems = multipartProblems(options);
  const threshold = options.thresholdBytes ?? RESUMABLE_DEFAULTS.thresholdBytes;
  if (!(Number.isSafeInteger(threshold) && threshold >= 0))
    problems.push(`threshold must be a whole number of bytes, got ${threshold}`);
  if (options.assetDirectory !== undefined && options.assetDirectory.trim() === '')
    problems.push('asset directory is empty: leave it out to upload with a plain PUT');
  const fileSize = await regularFileSize(filePath);
  if (typeof fileSize === 'string') problems.push(fileSize);
  const size = typeof fileSize === 'number' ? fileSize : 0;
  if (problems.length > 0) throw new ValidationError('Upload', problems);

  const dir = options.assetDirectory?.trim();
  const put = async (reason: string): Promise<ResumableUploadResult> => ({
    ...(await areas.universal.upload(feed, filePath, options)),
    method: 'put',
    reason,
  });
  if (!dir) return put('no asset directory was given');
  if (size <= threshold) return put(`${size} bytes is not above the ${threshold}-byte threshold`);

  const manifest = await readManifest(filePath, MANIFEST_ONLY);
  const id = { group: manifest.group ?? '', name: manifest.name, version: manifest.version };
  // A 404 here means no such asset directory, or a ProGet without the asset API (a missing folder would be
  // an empty list): the plain PUT still works there. A key that may add but not list (a feed key with only
  // Add/Repackage) is refused the listing: then the first part's answer decides.
  let probe: 'found' | 'refused';
  try {
    const listing = await areas.assets.list(dir, '', { signal: options.signal });
    if (listing === undefined) return put(`asset directory "${dir}" was not found (HTTP 404)`);
    probe = 'found';
  } catch (e) {
    if (!isProGetError(e, 'unauthorized') && !isProGetError(e, 'forbidden')) throw e;
    probe = 'refused';
  }

  const assetPath = `${id.name}-${id.version}.${randomUUID().slice(0, 8)}.upack`;
  let uploaded: Awaited<ReturnType<typeof uploadMultipart>>;
  try {
    uploaded = await uploadMultipart(areas.assets, dir, assetPath, filePath, options);
  } catch (e) {
    if (probe === 'refused' && isProGetError(e, 'not-found'))
      return put(`asset directory "${dir}" was not found (HTTP 404 for the first part)`);
    throw e;
  }
  try {
    await areas.universal.import(
      feed,
      { assetDirectory: dir, from: assetPath, deleteFromSource: true },
      { signal: options.signal },
    );
  } catch (error) {
    // A connection lost after the server took the import: the feed's SHA-1 tells whether it happened (a
    // version that merely exists may be an older upload of it).
    const ambiguous = isProGetError(error, 'network') || isProGetError(error, 'timeout');
    const done = ambiguous
      ? await verifyImport(areas, feed, id, uploaded, options.signal).catch(() => undefined)
      : undefined;
    if (done === 'sha1') return result(done);
    // The import did not take the file: remove it rather than leave a package-sized orphan behind, and say
    // whether that worked.
    const removed = await areas.assets.delete(dir, assetPath).then(
      () => true,
      () => false,
    );
    if (!isProGetError(error)) throw error;
    throw error.withHint(
      removed
        ? `The uploaded copy (${assetPath}) was deleted from asset directory "${dir}": nothing is left behind.`
        : `Deleting the uploaded copy from asset directory "${dir}" failed: delete ${assetPath} there by hand.`,
    );
  }
  return result(await verifyImport(areas, feed, id, uploaded, options.signal));

  function result(verified: 'sha1' | 'exists'): ResumableUploadResult {
    return {
      size: uploaded.size,
      sha1: uploaded.sha1,
      sha256: uploaded.sha256,
      method: 'multipart',
      reason: `${size} bytes is above the ${threshold}-byte threshold`,
      assetDirectory: dir,
      assetPath,
      parts: uploaded.parts,
      partRequests: uploaded.partRequests,
      verified,
    };
  }
}

/** The feed must list the version with our SHA-1 and size (Packages API); a pre-2023 server: the version exists. */
async function verifyImport(
  areas: ResumableAreas,
  feed: string,
  id: { group: string; name: string; version: string },
  uploaded: { size: number; sha1: string },
  signal?: AbortSignal,
): Promise<'sha1' | 'exists'> {
  const what = `${describePackage(id)} in feed "${feed}"`;
  let infos: Awaited<ReturnType<PackagesArea['versions']>> | undefined;
  try {
    infos = await areas.packages.versions(feed, id, { signal });
  } catch (e) {
    if (!isProGetError(e, 'not-found')) throw e;
  }
  if (infos === undefined) {
    const v = await areas.universal.getVersion(feed, id, { signal });
    if (v) return 'exists';
    throw missing(what);
  }
  const info = infos.find((v) => v.version.toLowerCase() === id.version.toLowerCase());
  if (!info) throw missing(what);
  const wrong: string[] = [];
  if (info.sha1 !== undefined && info.sha1.toLowerCase() !== uploaded.sha1)
    wrong.push(`SHA-1 ${info.sha1}, expected ${uploaded.sha1}`);
  if (info.size !== undefined && info.size !== uploaded.size)
    wrong.push(`${info.size} bytes, expected ${uploaded.size}`);
  if (wrong.length > 0)
    throw new ProGetError({
      kind: 'invalid-response',
      message: `The import finished but ${what} has ${wrong.join(' and ')}`,
      hint: 'Another upload of the same version may have won; check the feed and publish again.',
    });
  return info.sha1 === undefined ? 'exists' : 'sha1';
}

function missing(what: string): ProGetError {
  return new ProGetError({
    kind: 'invalid-response',
    message: `The import reported success but ${what} is not there`,
    hint: 'The server may import in the background; check the feed before publishing again.',
  });
}
