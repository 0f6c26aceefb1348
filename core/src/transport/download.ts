// Saving a response body to disk: temp file beside the target, hashes only when asked, rename on success,
// nothing left behind on failure.
//
// The byte path is one stage: the response feeds a file sink (file-sink.ts) that counts, reports progress,
// hashes (when asked) and writes whole batches with writev. Every extra stream stage costs a callback round
// per chunk, and a small file-stream buffer makes the socket pause and resume on every read.

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { link, lstat, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DownloadOptions } from '../client-api.js';
import { ProGetError, ValidationError } from '../errors.js';
import { hashMismatches, hashPlan, SelectedHashes } from '../hashing.js';
import type { DownloadResult, ExpectedHashes, HashAlgorithm, TransferProgress } from '../types.js';
import { contentLength, mediaType } from './body.js';
import { FileSink } from './file-sink.js';
import type { ResponseContext } from './types.js';

export interface SaveOptions {
  /** A file path, or an existing directory to save into under the server's (or the fallback) file name. */
  destPath: string;
  /** Used when `destPath` is a directory and the server sent no usable Content-Disposition name. */
  fallbackName: string;
  operation: string;
  onProgress?: (progress: TransferProgress) => void;
  /** A package or archive is expected: an HTML page (a login page, a proxy's error page) is refused. */
  expectPackage?: boolean;
  /** Hashes to compute (already validated; see hashPlan). */
  hashes?: readonly HashAlgorithm[];
  /** What the bytes must match (already validated and lower-cased). */
  expect?: ExpectedHashes;
  /** Into a directory: replace an existing file of the chosen name. */
  overwrite?: boolean;
  /** The most bytes saved; beyond it the download fails. */
  maxBytes?: number;
}

/** The hashes to compute and check for a download's options; bad options fail before any request. */
export function downloadPlan(options: DownloadOptions | undefined): {
  hashes: HashAlgorithm[];
  expect: ExpectedHashes | undefined;
  overwrite: boolean;
  maxBytes: number | undefined;
  deadlineMs: number | undefined;
} {
  const problems: string[] = [];
  const limit = (name: 'maxBytes' | 'deadlineMs') => {
    const value = options?.[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      problems.push(`"${name}" must be a whole number greater than 0, not ${JSON.stringify(value)}`);
    }
    return value;
  };
  const rest = {
    overwrite: options?.overwrite === true,
    maxBytes: limit('maxBytes'),
    deadlineMs: limit('deadlineMs'),
  };
  if (options?.overwrite !== undefined && typeof options.overwrite !== 'boolean') {
    problems.push(`"overwrite" must be true or false, not ${JSON.stringify(options.overwrite)}`);
  }
  if (options?.hashes !== undefined && !Array.isArray(options.hashes)) {
    problems.push('"hashes" must be a list such as ["sha256"]');
  }
  if (problems.length > 0) throw new ValidationError('Download', problems);
  if (options?.hashes === undefined && options?.expect === undefined) {
    return { hashes: [], expect: undefined, ...rest };
  }
  const plan = hashPlan(options.hashes, options.expect);
  if (plan.problems.length > 0) throw new ValidationError('Download', plan.problems);
  return {
    hashes: plan.algorithms,
    expect: options.expect === undefined ? undefined : plan.expected,
    ...rest,
  };
}

export async function saveResponse(response: ResponseContext, options: SaveOptions): Promise<DownloadResult> {
  const type = mediaType(response.headers);
  if (options.expectPackage && (type === 'text/html' || type === 'application/xhtml+xml')) {
    throw new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${options.operation}: expected a package but the server sent an HTML page (Content-Type: ${type})`,
      status: response.status,
      method: 'GET',
      url: response.url,
      hint: 'Check that the URL points at ProGet itself, not a login page, proxy or another web application.',
    });
  }
  const fileName = parseContentDisposition(response.headers['content-disposition']);
  const intoDirectory = await isDirectory(options.destPath);
  const target = intoDirectory
    ? join(options.destPath, fileName ?? safeFileName(options.fallbackName) ?? 'download')
    : options.destPath;
  const keepExisting = intoDirectory && !options.overwrite;
  if (keepExisting && (await exists(target))) throw alreadyThere(response, options, target);
  const total = contentLength(response.headers);
  const { maxBytes } = options;
  if (maxBytes !== undefined && total !== undefined && total > maxBytes) {
    throw tooLarge(response, options, `${total} bytes`);
  }
  await removeStaleParts(target);
  const temp = partFile(target);
  const hashes = new SelectedHashes(options.hashes ?? []);
  const { onProgress } = options;
  const sink = new FileSink(
    temp,
    (chunk, transferred) => {
      if (maxBytes !== undefined && transferred > maxBytes) throw tooLarge(response, options, 'more bytes');
      response.touch();
      hashes.update(chunk);
      onProgress?.({ transferred, total });
    },
    (chunk) => response.recycle(chunk),
    { inline: response.rawReader === true },
  );
  let digests: Partial<Record<HashAlgorithm, string>>;
  try {
    await pipeline(response.raw(), sink, { signal: response.signal });
    if (total !== undefined && sink.bytes !== total) {
      throw response.retryable(
        new ProGetError({
          kind: 'network',
          message: `Could not ${options.operation}: the download ended after ${sink.bytes} of ${total} bytes`,
          url: response.url,
          hint: 'The connection was cut short (a proxy, load balancer or the server closed it); try again.',
        }),
      );
    }
    digests = hashes.digest();
    const mismatches = options.expect ? hashMismatches(options.expect, { size: sink.bytes, ...digests }) : [];
    if (mismatches.length > 0) {
      throw new ProGetError({
        kind: 'invalid-response',
        message: `Could not ${options.operation}: the downloaded bytes do not match what was expected (${mismatches.join('; ')})`,
        status: response.status,
        method: 'GET',
        url: response.url,
        hint: 'The version on the server is not the one expected (it may have been replaced), or the bytes were changed in transit (a proxy). Nothing was saved.',
      });
    }
    if (keepExisting) await placeNew(temp, target, () => alreadyThere(response, options, target));
    else await rename(temp, target);
  } catch (error) {
    // The sink may still be opening the file (a response that failed before its first byte): removing
    // the file before that open completes would leave it behind.
    if (!sink.closed) {
      const closed = once(sink, 'close').catch(() => {});
      sink.destroy();
      await closed;
    }
    await rm(temp, { force: true });
    throw error;
  }
  const contentType = response.headers['content-type'];
  return { path: target, size: sink.bytes, ...digests, contentType, fileName };
}

function alreadyThere(response: ResponseContext, options: SaveOptions, target: string): ProGetError {
  return new ProGetError({
    kind: 'conflict',
    message: `Could not ${options.operation}: ${target} already exists`,
    status: response.status,
    method: 'GET',
    url: response.url,
    hint: 'The existing file was kept. Remove it, choose another directory, or ask for the download to overwrite it (overwrite: true).',
  });
}

function tooLarge(response: ResponseContext, options: SaveOptions, size: string): ProGetError {
  return new ProGetError({
    kind: 'too-large',
    message: `Could not ${options.operation}: the download is larger than the limit of ${options.maxBytes} bytes (maxBytes); the server sent ${size}`,
    status: response.status,
    method: 'GET',
    url: response.url,
    hint: 'Nothing was saved. Raise maxBytes if the package really is this large.',
  });
}

/**
 * The temp file beside `target`. Its name carries this process's id, so a later download to the same
 * path can tell a file left by a process that was killed from one still being written.
 */
function partFile(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.part`);
}

/** Removes `.part` files for `target` whose writing process no longer runs. */
async function removeStaleParts(target: string): Promise<void> {
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.part')) continue;
    const owner = /^(\d+)-[0-9a-f]{12}\.part$/.exec(name.slice(prefix.length));
    if (!owner) continue;
    const pid = Number(owner[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    await rm(join(dirname(target), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the finished temp file to `target` only if nothing is there: a hard link fails if the name is
 * taken, where a rename would replace it. Where links are not supported, a check and a rename.
 */
async function placeNew(temp: string, target: string, taken: () => Error): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken();
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    if (await exists(target)) throw taken();
    await rename(temp, target);
    return;
  }
  await rm(temp, { force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file name from a Content-Disposition header (RFC 6266: `filename*` preferred over `filename`),
 * reduced to a safe base name; undefined when absent or unusable.
 */
export function parseContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      const name = safeFileName(decodeURIComponent(extended[2]!.trim()));
      if (name) return name;
    } catch {
      // fall through to the plain parameter
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return safeFileName(quoted[1]!.replace(/\\(.)/g, '$1'));
  const token = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return token ? safeFileName(token[1]!) : undefined;
}

function safeFileName(name: string): string | undefined {
  // A server must not be able to steer the file outside the chosen directory.
  const base = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\x00-\x1f]/g, '')
    .trim();
  return base === '' || base === '.' || base === '..' ? undefined : base;
}
