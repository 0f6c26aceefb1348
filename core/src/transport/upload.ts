// A package file as a request body: streamed from disk, hashed and counted as it goes out.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { ValidationError } from '../errors.js';
import { HashingStream } from '../hashing.js';
import type { TransferProgress, UploadResult } from '../types.js';
import type { RequestBody } from './transport.js';

export interface FileBody {
  body: RequestBody;
  /** Hashes of what the last attempt read from disk; call after a successful request. */
  result(): UploadResult;
}

export async function fileBody(
  filePath: string,
  onProgress?: (progress: TransferProgress) => void,
  contentType = 'application/zip',
): Promise<FileBody> {
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (e) {
    throw new ValidationError('Package file', [`cannot read ${filePath}: ${(e as Error).message}`]);
  }
  let hasher: HashingStream | undefined;
  return {
    body: {
      type: 'stream',
      length: size,
      contentType,
      open: () => {
        hasher = new HashingStream();
        let transferred = 0;
        const progress = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            transferred += chunk.length;
            onProgress?.({ transferred, total: size });
            done(null, chunk);
          },
        });
        pipeline(createReadStream(filePath), hasher, progress, () => {});
        return progress;
      },
    },
    result: () => {
      if (!hasher) throw new Error('upload body was never opened');
      return hasher.digest();
    },
  };
}
