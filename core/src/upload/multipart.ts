// A file into an asset directory with the multipart protocol (sca-api-notes §7.2): parts in index order,
// each streamed from its byte range of the file, each retried on its own (bounded, with backoff), then
// `complete`. A failed part costs only that part: the parts before it are never sent again.

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AssetsArea } from '../areas/assets.js';
import type { MultipartUploadOptions } from '../client-api.js';
import { ProGetError, ValidationError } from '../errors.js';
import { PackageHasher } from '../hashing.js';
import { regularFileSize } from '../transport/upload.js';
import type { UploadResult } from '../types.js';

export const MULTIPART_DEFAULTS = {
  /** 32 MiB: few enough requests for a 4 GiB file (128), little to resend after a reset. */
  partSizeBytes: 32 * 1024 * 1024,
  partAttempts: 5,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
} as const;

/** pgutil's minimum; the server reads part sizes as 32-bit integers (pgutil's `int partSize`). */
const MIN_PART = 1024;
const MAX_PART = 2 ** 31 - 1;
const READ_CHUNK = 256 * 1024;

export interface MultipartResult extends UploadResult {
  id: string;
  parts: number;
  /** Part requests sent, retries included (`parts` when nothing failed). */
  partRequests: number;
}

export function multipartProblems(options: MultipartUploadOptions | undefined): string[] {
  const problems: string[] = [];
  const part = options?.partSizeBytes;
  if (part !== undefined && !(Number.isSafeInteger(part) && part >= MIN_PART && part <= MAX_PART))
    problems.push(`part size must be a whole number of bytes from ${MIN_PART} to ${MAX_PART}, got ${part}`);
  const attempts = options?.partAttempts;
  if (attempts !== undefined && !(Number.isSafeInteger(attempts) && attempts >= 1 && attempts <= 100))
    problems.push(`part attempts must be a whole number from 1 to 100, got ${attempts}`);
  for (const name of ['retryBaseDelayMs', 'retryMaxDelayMs'] as const) {
    const v = options?.[name];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) problems.push(`${name} must be zero or more`);
  }
  return problems;
}

/** Worth another attempt of the same part: the connection failed, or the server said "not now". */
export function isRetryablePartError(error: unknown): boolean {
  if (!(error instanceof ProGetError)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  const s = error.status;
  return s !== undefined && (s >= 500 || s === 408 || s === 429);
}

export async function uploadMultipart(
  assets: AssetsArea,
  dir: string,
  path: string,
  filePath: string,
  options: MultipartUploadOptions = {},
): Promise<MultipartResult> {
  const problems = multipartProblems(options);
  const fileSize = await regularFileSize(filePath);
  if (typeof fileSize === 'string') problems.push(fileSize);
  const size = typeof fileSize === 'number' ? fileSize : 0;
  const known = options.knownHashes;
  if (known && (known.size !== size || !known.sha1 || !known.sha256))
    problems.push(`knownHashes must have sha1, sha256 and the file's size (${size} bytes)`);
  if (problems.length > 0) throw new ValidationError('Multipart upload', problems);

  const partSize = options.partSizeBytes ?? MULTIPART_DEFAULTS.partSizeBytes;
  const attempts = options.partAttempts ?? MULTIPART_DEFAULTS.partAttempts;
  const base = options.retryBaseDelayMs ?? MULTIPART_DEFAULTS.retryBaseDelayMs;
  const cap = options.retryMaxDelayMs ?? MULTIPART_DEFAULTS.retryMaxDelayMs;
  const totalParts = Math.max(1, Math.ceil(size / partSize));
  const id = randomUUID().replace(/-/g, '');
  const hasher = known ? undefined : new PackageHasher();
  // Every byte is hashed once, in file order, by whichever attempt reads it first: bytes of a retried part
  // below this mark were hashed by the attempt that failed (the file is the same).
  let hashedUpTo = 0;
  let partRequests = 0;

  for (let index = 0; index < totalParts; index++) {
    const offset = index * partSize;
    const length = Math.min(partSize, size - offset);
    for (let attempt = 1; ; attempt++) {
      partRequests++;
      let sent = 0;
      try {
        await assets.sendPart(
          dir,
          path,
          {
            id,
            index,
            offset,
            totalSize: size,
            partSize: length,
            totalParts,
            open: () => {
              sent = 0;
              const source =
                length === 0
                  ? Readable.from([])
                  : createReadStream(filePath, {
                      start: offset,
                      end: offset + length - 1,
                      highWaterMark: READ_CHUNK,
                    });
              if (!hasher) return source;
              let position = offset;
              const tap = new Transform({
                transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
                  const end = position + chunk.length;
                  if (end > hashedUpTo) {
                    hasher.update(chunk.subarray(Math.max(0, hashedUpTo - position)));
                    hashedUpTo = end;
                  }
                  position = end;
                  done(null, chunk);
                },
              });
              source.on('error', (e: Error) => tap.destroy(e));
              return source.pipe(tap);
            },
            onChunk: options.onProgress
              ? (chunk) => {
                  sent += chunk.length;
                  options.onProgress!({ transferred: offset + sent, total: size });
                }
              : undefined,
          },
          options.signal,
        );
        break;
      } catch (error) {
        if (attempt >= attempts || !isRetryablePartError(error) || options.signal?.aborted)
          throw partFailure(error, { index, totalParts, offset, length, attempt, dir, filePath });
        options.onPartRetry?.({ index, attempt, error: error as Error });
        const delay = Math.floor(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
        await pause(delay, options.signal, error);
      }
    }
  }

  await completeUpload(assets, dir, path, id, size, attempts, base, cap, options);
  const hashes = known ?? hasher!.digest();
  if (hashes.size !== size)
    throw new ProGetError({
      kind: 'invalid-response',
      message: `${filePath} changed while it was uploaded (${size} bytes before, ${hashes.size} read)`,
    });
  return { size, sha1: hashes.sha1, sha256: hashes.sha256, id, parts: totalParts, partRequests };
}

/**
 * `complete` is retried after a connection failure too. A retry that is refused may mean the first one
 * went through and the upload id is gone: the file being there at full size settles it.
 */
async function completeUpload(
  assets: AssetsArea,
  dir: string,
  path: string,
  id: string,
  size: number,
  attempts: number,
  base: number,
  cap: number,
  options: MultipartUploadOptions,
): Promise<void> {
  let failedBefore = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await assets.complete(dir, path, id, options.signal);
      return;
    } catch (error) {
      if (failedBefore && error instanceof ProGetError && error.status !== undefined && error.status < 500) {
        if (await isThere(assets, dir, path, size, options.signal)) return;
      }
      if (attempt >= attempts || !isRetryablePartError(error) || options.signal?.aborted) throw error;
      failedBefore = true;
      await pause(
        Math.floor(Math.random() * Math.min(cap, base * 2 ** (attempt - 1))),
        options.signal,
        error,
      );
    }
  }
}

/** The wait between attempts; cancelling it fails like a cancelled request, with the failure that led to it. */
async function pause(ms: number, signal: AbortSignal | undefined, after: unknown): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new ProGetError({
      kind: 'aborted',
      message: 'The multipart upload was cancelled while waiting to retry',
      cause: after,
    });
  }
}

async function isThere(
  assets: AssetsArea,
  dir: string,
  path: string,
  size: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const segments = path.split(/[\\/]/).filter((s) => s !== '');
  const name = segments.pop();
  const items = await assets.list(dir, segments.join('/'), { signal }).catch(() => undefined);
  return items?.some((i) => i.name === name && !i.directory && i.size === size) ?? false;
}

function partFailure(
  error: unknown,
  p: {
    index: number;
    totalParts: number;
    offset: number;
    length: number;
    attempt: number;
    dir: string;
    filePath: string;
  },
): unknown {
  if (!(error instanceof ProGetError)) return error;
  const range = p.length > 0 ? `bytes ${p.offset}-${p.offset + p.length - 1}` : 'empty';
  const cleanup =
    'The parts already sent stay on the server until its "Feed Cleanup" scheduled task deletes them: the ' +
    'multipart protocol has no call to abandon an upload.';
  return new ProGetError({
    kind: error.kind,
    message:
      `Could not upload part ${p.index + 1} of ${p.totalParts} (index ${p.index}, ${range}) of ${p.filePath} ` +
      `to asset directory "${p.dir}": gave up after ${p.attempt} attempt${p.attempt === 1 ? '' : 's'}: ` +
      error.summary,
    status: error.status,
    method: error.method,
    url: error.url,
    serverText: error.serverText,
    hint: error.hint ? `${error.hint} ${cleanup}` : cleanup,
    attempts: p.attempt,
    cause: error,
  });
}
