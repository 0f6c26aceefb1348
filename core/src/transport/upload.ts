// A package file as a request body: streamed from disk and counted as it goes out; hashed as it goes out
// unless the caller already has the hashes.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { ValidationError } from '../errors.js';
import { HashingStream, hashPlan } from '../hashing.js';
import type { FileHashes, TransferProgress, UploadResult } from '../types.js';
import type { RequestBody } from './types.js';

/** Read size for the file: fewer, larger chunks through the stream stages and the socket. */
const READ_CHUNK = 256 * 1024;

export interface FileBody {
  body: RequestBody;
  /** Hashes of what the last attempt read from disk (or the known hashes); call after a successful request. */
  result(): UploadResult;
}

/** The size of a regular file, or what is wrong with it as a sentence ("cannot read …: …"). */
export async function regularFileSize(filePath: string): Promise<number | string> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) return `cannot read ${filePath}: not a regular file`;
    return info.size;
  } catch (e) {
    return `cannot read ${filePath}: ${(e as Error).message}`;
  }
}

export async function fileBody(
  filePath: string,
  onProgress?: (progress: TransferProgress) => void,
  contentType = 'application/zip',
  knownHashes?: FileHashes,
): Promise<FileBody> {
  const size = await regularFileSize(filePath);
  if (typeof size === 'string') throw new ValidationError('Package file', [size]);
  let known: UploadResult | undefined;
  if (knownHashes !== undefined) {
    const { expected, problems } = hashPlan([], knownHashes, 'knownHashes');
    if (expected.sha1 === undefined || expected.sha256 === undefined) {
      problems.push('knownHashes needs both sha1 and sha256');
    }
    if (expected.size !== undefined && expected.size !== size) {
      problems.push(
        `knownHashes is for a ${expected.size}-byte file, but ${filePath} has ${size} bytes: the hashes are stale`,
      );
    }
    if (expected.size === undefined) problems.push('knownHashes needs the size');
    if (problems.length > 0) throw new ValidationError('Upload', problems);
    known = { size, sha1: expected.sha1!, sha256: expected.sha256! };
  }
  let hasher: HashingStream | undefined;
  let opened = false;
  let transferred = 0;
  return {
    body: {
      type: 'stream',
      length: size,
      contentType,
      open: () => {
        opened = true;
        transferred = 0;
        const source = createReadStream(filePath, { highWaterMark: READ_CHUNK });
        if (known) return source;
        hasher = new HashingStream();
        pipeline(source, hasher, () => {});
        return hasher;
      },
      // Counted by the transport's own stage rather than one more of ours.
      onChunk: onProgress
        ? (chunk) => {
            transferred += chunk.length;
            onProgress({ transferred, total: size });
          }
        : undefined,
    },
    result: () => {
      if (!opened) throw new Error('upload body was never opened');
      return known ?? hasher!.digest();
    },
  };
}
