// SHA-1 (ProGet's package hash) and SHA-256, computed while bytes stream past, never over a buffered file.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileHashes } from './types.js';

/** A pass-through stream that hashes and counts what flows through it; read `digest()` after it ends. */
export class HashingStream extends Transform {
  private readonly sha1: Hash = createHash('sha1');
  private readonly sha256: Hash = createHash('sha256');
  private size = 0;
  private result?: FileHashes;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  get bytes(): number {
    return this.size;
  }

  digest(): FileHashes {
    this.result ??= { size: this.size, sha1: this.sha1.digest('hex'), sha256: this.sha256.digest('hex') };
    return this.result;
  }
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<FileHashes> {
  const hasher = new HashingStream();
  await pipeline(
    createReadStream(path),
    hasher,
    // discard: only the hashes matter
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    }),
    { signal },
  );
  return hasher.digest();
}
