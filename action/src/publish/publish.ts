// publish: build (or take) a .upack, check the feed, upload, read it back. No @actions/core here.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  buildPackage,
  describePackage,
  errorSummary,
  hashFile,
  isProGetError,
  type PackageVersionId,
  type ProGetClientApi,
  type ResumableUploadResult,
  readPackage,
  type UniversalVersion,
  type UpackManifest,
  universalDownloadUrl,
  ValidationError,
  versionPageUrl,
} from '@proget-ci/core';
import { StepError } from '../shared/errors.js';
import { feedState, missingFeedMessage } from '../shared/feed-check.js';
import type { StepLogger } from '../shared/io.js';
import { readManifestFile } from '../shared/manifest-file.js';
import { warnAboutContents } from './contents.js';
import { DEFAULT_MULTIPART_THRESHOLD, type IfExists, type ManifestOverrides } from './inputs.js';
import { composeManifest } from './manifest.js';
import { sameContentAsStored, storedCommit } from './rerun.js';

export interface PublishOptions {
  feed: string;
  /** A directory to package, or an existing .upack/.zip. */
  path: string;
  manifestPath?: string;
  overrides: ManifestOverrides;
  /** Manifest fields describing this run (created*, _repository, ...); used only when building. */
  provenance: Partial<UpackManifest>;
  include: string[];
  exclude: string[];
  ifExists: IfExists;
  dryRun: boolean;
  verify: boolean;
  /** Packages above `multipartThreshold` go through this asset directory (multipart, then import). */
  assetDirectory?: string;
  /** Bytes; default 256 MiB (core's default too). */
  multipartThreshold?: number;
  /** Bytes per multipart part; default core's (32 MiB). Not an input: for tests and tuning. */
  partSizeBytes?: number;
  /** Scratch space for the built package (RUNNER_TEMP), never the workspace. */
  tempDir: string;
  signal?: AbortSignal;
  logger: StepLogger;
}

/** `skipped-rerun`: already published from this commit with the same content. */
export type PublishOutcome = 'published' | 'overwritten' | 'skipped-exists' | 'skipped-rerun' | 'dry-run';

export interface PublishResult {
  outcome: PublishOutcome;
  feed: string;
  id: PackageVersionId;
  manifest?: UpackManifest;
  /** The .upack on disk (built or given); absent when skipped before building. */
  file?: string;
  sha1?: string;
  sha256?: string;
  size?: number;
  /** Content files in a package built here. */
  fileCount?: number;
  /**
   * How the upload was confirmed: the Packages API's hash, downloading it again, or core's check of the
   * feed's SHA-1 and size right after a multipart import.
   */
  verifiedBy?: 'packages-api' | 'download' | 'import-check';
  /** How the bytes went up; absent when nothing was uploaded. */
  upload?: UploadReport;
  packageUrl: string;
  downloadUrl: string;
}

export interface UploadReport {
  method: 'put' | 'multipart';
  /** Why this method, in words. */
  reason: string;
  assetDirectory?: string;
  parts?: number;
  /** Part requests sent, retries included. */
  partRequests?: number;
}

const PACKAGE_FILE = /\.(upack|zip)$/i;
const IDENTITY_FIELDS = ['name', 'group', 'version'] as const;

export async function publish(client: ProGetClientApi, options: PublishOptions): Promise<PublishResult> {
  const { feed, logger, signal } = options;
  const kind = await sourceKind(options.path);
  const prepared = kind === 'file' ? await preparePackageFile(options) : await prepareDirectory(options);
  const id = identity(prepared.manifest);
  const links = {
    packageUrl: versionPageUrl(client.baseUrl, feed, id),
    downloadUrl: universalDownloadUrl(client.baseUrl, feed, id),
  };
  const what = describePackage(id);

  if (options.dryRun) {
    const built = await prepared.build();
    logger.info(`Dry run: built ${what} (${built.size} bytes, SHA-1 ${built.sha1}); nothing was uploaded.`);
    return { outcome: 'dry-run', feed, id, ...built, ...links };
  }

  // Before building or uploading: a 404 below means "version absent" only when the feed is there.
  const found = await feedState(client, feed, logger, signal);
  if (found.state === 'missing') {
    throw new StepError(missingFeedMessage('feed', feed, client.baseUrl, found.known));
  }
  const existing = await client.universal.getVersion(feed, id, { signal });
  if (existing !== undefined) {
    if (options.ifExists === 'fail') {
      const rerun = await rerunOfThisCommit(client, options, id, existing, prepared);
      if (rerun !== undefined) return { ...rerun, ...links };
      throw new StepError(
        `${what} already exists in ${feed}; set if-exists: skip or overwrite (or publish a new version)`,
      );
    }
    if (options.ifExists === 'skip') {
      logger.info(`${what} already exists in ${feed}; skipping the upload (if-exists: skip).`);
      const info = await serverHashes(client, feed, id, signal);
      return { outcome: 'skipped-exists', feed, id, manifest: prepared.manifest, ...info, ...links };
    }
    logger.info(`${what} already exists in ${feed}; it will be replaced (if-exists: overwrite).`);
  }

  const built = await prepared.build();
  logger.info(`Uploading ${what} to ${feed} (${built.size} bytes)...`);
  const sent = await sendPackage(client, options, id, built);
  logger.info(`Uploaded ${what} to ${feed}.`);

  const result: PublishResult = {
    outcome: existing === undefined ? 'published' : 'overwritten',
    feed,
    id,
    ...built,
    ...links,
    upload: sent.report,
  };
  // A multipart import is always followed by core's check of the feed's SHA-1 and size (it is how a lost
  // connection after the import is told from a failed import): the step does not read it back again.
  if (sent.importChecked) result.verifiedBy = 'import-check';
  else if (options.verify) result.verifiedBy = await verifyUpload(client, options, id, built.sha1);
  return result;
}

/**
 * A re-run on the same commit: the stored version carries this `_commit` and the same content, so the
 * step succeeds without uploading. Anything else (another commit, other content) is the usual conflict.
 */
async function rerunOfThisCommit(
  client: ProGetClientApi,
  options: PublishOptions,
  id: PackageVersionId,
  existing: UniversalVersion,
  prepared: Prepared,
): Promise<Omit<PublishResult, 'packageUrl' | 'downloadUrl'> | undefined> {
  const commit = options.provenance._commit;
  if (typeof commit !== 'string' || storedCommit(existing) !== commit) return undefined;
  const built = await prepared.build();
  const same = await sameContentAsStored(
    client,
    options.feed,
    id,
    built.file,
    options.tempDir,
    options.signal,
  );
  const what = describePackage(id);
  if (same !== true) {
    options.logger.info(
      `${what} in ${options.feed} was published from this commit (${commit.slice(0, 7)}), but ${same === false ? 'with other content' : 'its content could not be read back'}.`,
    );
    return undefined;
  }
  options.logger.info(
    `${what} is already in ${options.feed}, published from this commit (${commit.slice(0, 7)}) with the same content: nothing to upload (a re-run).`,
  );
  const info = await serverHashes(client, options.feed, id, options.signal);
  return { outcome: 'skipped-rerun', feed: options.feed, id, manifest: prepared.manifest, ...info };
}

interface Built {
  manifest: UpackManifest;
  file: string;
  sha1: string;
  sha256: string;
  size: number;
  fileCount?: number;
}

interface Prepared {
  manifest: UpackManifest;
  build(): Promise<Built>;
}

async function sourceKind(path: string): Promise<'file' | 'directory'> {
  const stats = await stat(path).catch(() => undefined);
  if (stats === undefined) throw new ValidationError('Invalid inputs', [`"path" ${path} does not exist`]);
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile() && PACKAGE_FILE.test(path)) return 'file';
  throw new ValidationError('Invalid inputs', [
    `"path" ${path} must be a directory to package or an existing .upack or .zip file`,
  ]);
}

async function prepareDirectory(options: PublishOptions): Promise<Prepared> {
  const defaultManifest = join(options.path, 'upack.json');
  const manifestPath = options.manifestPath ?? (existsSync(defaultManifest) ? defaultManifest : undefined);
  if (manifestPath !== undefined) options.logger.debug(`taking metadata from ${manifestPath}`);
  const file = manifestPath === undefined ? undefined : await readManifestFile(manifestPath);
  const manifest = composeManifest(file, options.provenance, options.overrides);
  // A manifest kept at the root of the content is metadata, not content; a checkout's .git never is.
  const exclude = [...options.exclude, '**/.git'];
  if (manifestPath !== undefined && relative(options.path, manifestPath) === 'upack.json')
    exclude.push('upack.json');
  return {
    manifest,
    async build() {
      const outDir = await scratchDir(options.tempDir, 'proget-publish-');
      const built = await buildPackage({
        sourceDir: options.path,
        manifest,
        outFile: join(outDir, `${manifest.name}.${manifest.version}.upack`),
        include: options.include,
        exclude,
        signal: options.signal,
      });
      options.logger.info(
        `Built ${describePackage(identity(built.manifest))}: ${built.fileCount} files, ${built.size} bytes, SHA-1 ${built.sha1}`,
      );
      // Only the patterns the user gave: the step's own exclusions (.git, upack.json) may well match nothing.
      const unmatched = {
        include: built.unmatchedPatterns.include,
        exclude: built.unmatchedPatterns.exclude.filter((p) => options.exclude.includes(p)),
      };
      await warnAboutContents(built.path, built.fileCount, unmatched, options.logger);
      return {
        manifest: built.manifest,
        file: built.path,
        sha1: built.sha1,
        sha256: built.sha256,
        size: built.size,
        fileCount: built.fileCount,
      };
    },
  };
}

/** An existing package is published as it is: inputs may only confirm its identity, not change it. */
async function preparePackageFile(options: PublishOptions): Promise<Prepared> {
  const pkg = await readPackage(options.path);
  const manifest = pkg.manifest;
  // The server would reject a package whose manifest breaks its rules; say so before uploading.
  const problems: string[] = pkg.manifestProblems.map((p) => `its upack.json: ${p}`);
  for (const field of IDENTITY_FIELDS) {
    const given = options.overrides[field];
    if (given !== undefined && given !== (manifest[field] ?? '')) {
      problems.push(`"${field}" is ${given}, but the package says ${manifest[field] ?? '(none)'}`);
    }
  }
  const changes = Object.keys(options.overrides).filter(
    (key) => !(IDENTITY_FIELDS as readonly string[]).includes(key),
  );
  if (changes.length > 0) {
    problems.push(
      `${changes.map((c) => `"${c}"`).join(', ')} cannot change an existing package; give a directory as "path" to build one`,
    );
  }
  if (options.manifestPath !== undefined) problems.push('"manifest" applies only when "path" is a directory');
  if (options.include.length > 0 || options.exclude.length > 0) {
    problems.push('"include" and "exclude" apply only when "path" is a directory');
  }
  if (problems.length > 0) throw new ValidationError(`Publishing ${options.path}`, problems);
  return {
    manifest,
    async build() {
      const hashes = await hashFile(options.path, options.signal);
      return { manifest, file: options.path, ...hashes };
    },
  };
}

/** A fresh directory under RUNNER_TEMP, which a self-hosted runner may not have created yet. */
async function scratchDir(tempDir: string, prefix: string): Promise<string> {
  await mkdir(tempDir, { recursive: true });
  return mkdtemp(join(tempDir, prefix));
}

function identity(manifest: UpackManifest): PackageVersionId {
  return manifest.group
    ? { group: manifest.group, name: manifest.name, version: manifest.version }
    : { name: manifest.name, version: manifest.version };
}

/** The hashes the server reports for a version, when it reports them (Packages API, ProGet 2023+). */
async function serverHashes(
  client: ProGetClientApi,
  feed: string,
  id: PackageVersionId,
  signal: AbortSignal | undefined,
): Promise<{ sha1?: string; sha256?: string; size?: number }> {
  try {
    const info = (await client.packages.versions(feed, id, { signal })).find((v) => v.version === id.version);
    return { sha1: info?.sha1?.toLowerCase(), sha256: info?.sha256?.toLowerCase(), size: info?.size };
  } catch (e) {
    if (!isProGetError(e)) throw e;
    return {};
  }
}

const UPLOAD_ATTEMPTS = 2;

/**
 * The plain PUT, or with an asset directory core's `publishResumable` (multipart above the threshold, the
 * PUT below it or where the directory is missing). A PUT, chosen either way, keeps `uploadWithRecovery`'s
 * rule; the multipart path retries each part itself and checks the feed after the import.
 */
async function sendPackage(
  client: ProGetClientApi,
  options: PublishOptions,
  id: PackageVersionId,
  built: Built,
): Promise<{ report: UploadReport; importChecked: boolean }> {
  const { feed, logger, signal } = options;
  const knownHashes = { size: built.size, sha1: built.sha1, sha256: built.sha256 };
  const put = async () => {
    // The build (or hashFile for a given package) already hashed these bytes: not again while sending.
    await client.universal.upload(feed, built.file, { signal, knownHashes });
  };
  const dir = options.assetDirectory;
  if (dir === undefined) {
    await uploadWithRecovery(options, id, built, client, put);
    return { report: { method: 'put', reason: 'no asset-directory was given' }, importChecked: false };
  }

  let resumable: ResumableUploadResult | undefined;
  const what = describePackage(id);
  try {
    await uploadWithRecovery(options, id, built, client, async (attempt) => {
      // A second attempt follows only an interrupted PUT (the multipart path is never resent whole).
      if (attempt > 1) return put();
      resumable = await client.universal.publishResumable(feed, built.file, {
        assetDirectory: dir,
        thresholdBytes: options.multipartThreshold,
        partSizeBytes: options.partSizeBytes,
        knownHashes,
        signal,
        onPartRetry: ({ index, attempt: failed, error }) =>
          logger.warning(
            `Part ${index + 1} (index ${index}) of ${what} failed on attempt ${failed} (${errorSummary(error)}); sending that part again.`,
          ),
      });
    });
  } catch (e) {
    throw importFailure(options, id, e);
  }

  if (resumable === undefined) {
    // The first PUT was interrupted and recovered: publishResumable chose the PUT because the package is not
    // above the threshold or the asset directory is missing.
    const small = built.size <= (options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD);
    const reason = small
      ? `${built.size} bytes is not above the multipart-threshold`
      : `asset directory "${dir}" was not found`;
    logger.info(`Upload method: PUT, because ${reason}.`);
    return { report: { method: 'put', reason }, importChecked: false };
  }
  const r = resumable;
  if (r.method === 'put') {
    logger.info(`Upload method: PUT, because ${r.reason}.`);
    return { report: { method: 'put', reason: r.reason }, importChecked: false };
  }
  const retries = (r.partRequests ?? 0) - (r.parts ?? 0);
  logger.info(
    `Upload method: multipart through asset directory "${dir}", because ${r.reason}: ${r.parts} part${r.parts === 1 ? '' : 's'}${retries > 0 ? ` (${retries} sent again)` : ''}, then imported into ${feed}${r.verified === 'sha1' ? `; ${feed} reports SHA-1 ${r.sha1}` : ''}.`,
  );
  return {
    report: {
      method: 'multipart',
      reason: r.reason,
      assetDirectory: dir,
      parts: r.parts,
      partRequests: r.partRequests,
    },
    importChecked: r.verified === 'sha1',
  };
}

/**
 * A failed `POST /upack/{feed}/import` said in the step's words: the file had reached the asset directory;
 * core's hint says whether its copy there was deleted again or must be deleted by hand.
 */
function importFailure(options: PublishOptions, id: PackageVersionId, error: unknown): unknown {
  const dir = options.assetDirectory;
  if (dir === undefined || !isProGetError(error) || error.method !== 'POST') return error;
  if (!/\/upack\/[^/?]+\/import(\?|$)/.test(new URL(error.url ?? '/', 'http://x').pathname)) return error;
  const hint = error.hint ? ` ${error.hint}` : '';
  return new StepError(
    `${describePackage(id)} reached asset directory "${dir}" in full, but importing it into ${options.feed} failed: ${error.summary}.${hint} Fix the cause and publish again, or leave asset-directory empty to use the plain PUT.`,
  );
}

/**
 * An upload whose connection broke may or may not have landed, and a PUT is never blindly resent. Ask the
 * server instead: nothing there → sending again replaces nothing; our exact bytes there → it landed; other
 * bytes there → sending again would overwrite them, which only `if-exists: overwrite` allows.
 */
async function uploadWithRecovery(
  options: PublishOptions,
  id: PackageVersionId,
  built: Built,
  client: ProGetClientApi,
  send: (attempt: number) => Promise<void>,
): Promise<void> {
  const { feed, logger, signal } = options;
  const what = describePackage(id);
  for (let attempt = 1; ; attempt++) {
    try {
      await send(attempt);
      return;
    } catch (e) {
      if (!isProGetError(e) || (e.kind !== 'network' && e.kind !== 'timeout')) throw e;
      // Only a PUT: a multipart upload that gave up has had its parts retried, and its import checked.
      if (e.method !== undefined && e.method !== 'PUT') throw e;
      const cut = e.summary;
      const now = await client.universal.getVersion(feed, id, { signal });
      if (now !== undefined && (await storedSha1(client, options, id)).sha1 === built.sha1) {
        logger.info(`The upload of ${what} was interrupted (${cut}), but ${feed} has it whole.`);
        return;
      }
      const mayResend = now === undefined || options.ifExists === 'overwrite';
      if (!mayResend) {
        throw new StepError(
          `${what} already exists in ${feed} with other content after an interrupted upload (${cut}); another upload may have won. Set if-exists: overwrite to replace it, or publish a new version.`,
        );
      }
      if (attempt >= UPLOAD_ATTEMPTS) throw e;
      logger.warning(
        `The upload of ${what} was interrupted (${cut}); ${now === undefined ? `${feed} does not have it` : 'if-exists: overwrite'}, so it is sent again (attempt ${attempt + 1} of ${UPLOAD_ATTEMPTS}).`,
      );
    }
  }
}

/** The SHA-1 the server holds for a version: from the Packages API, or by downloading it. */
async function storedSha1(
  client: ProGetClientApi,
  options: PublishOptions,
  id: PackageVersionId,
): Promise<{ sha1: string; by: 'packages-api' | 'download' }> {
  const reported = await serverHashes(client, options.feed, id, options.signal);
  if (reported.sha1 !== undefined) return { sha1: reported.sha1, by: 'packages-api' };
  options.logger.debug('the server reported no SHA-1; downloading the package to check it');
  const dir = await scratchDir(options.tempDir, 'proget-verify-');
  try {
    const downloaded = await client.universal.download(options.feed, id, join(dir, 'check.upack'), {
      signal: options.signal,
      hashes: ['sha1'],
    });
    return { sha1: downloaded.sha1!, by: 'download' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function verifyUpload(
  client: ProGetClientApi,
  options: PublishOptions,
  id: PackageVersionId,
  sha1: string,
): Promise<'packages-api' | 'download'> {
  const what = describePackage(id);
  const { sha1: serverSha1, by } = await storedSha1(client, options, id);
  if (serverSha1.toLowerCase() !== sha1.toLowerCase()) {
    throw new StepError(
      `Verification failed: ${options.feed} has ${what} with SHA-1 ${serverSha1}, but the uploaded file has SHA-1 ${sha1}. Another upload may have replaced it, or the upload was corrupted; publish again or inspect the version in ProGet.`,
    );
  }
  options.logger.info(`Verified: ${options.feed} has ${what} with SHA-1 ${sha1} (${by}).`);
  return by;
}
