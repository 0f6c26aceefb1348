// Guards on the bytes of an entry as they are inflated: no more (and no fewer) than its header declares, a
// CRC-32 that matches, and, across a whole extraction, no more than the package's total size limit. Headers
// can lie; these count what really comes out.

import { Transform, type TransformCallback } from 'node:stream';
import { PackageFormatError } from '../errors.js';
import { crc32 } from './zip-writer.js';

export interface GuardedEntry {
  path: string;
  /** Uncompressed size the central directory declares. */
  size: number;
  /** CRC-32 the central directory declares. */
  crc32: number;
}

export function entryError(pkg: string, name: string, reason: string): PackageFormatError {
  return new PackageFormatError(`${pkg}: entry ${JSON.stringify(name)} is refused: ${reason}`);
}

/** Bytes inflated so far by every guard sharing it, against `maxTotalSize`. */
export class InflateBudget {
  used = 0;

  constructor(
    private readonly pkg: string,
    readonly limit: number,
  ) {}

  /** Adds `n` bytes of `entry`; the error to fail with once the total goes over the limit. */
  spend(n: number, entry: string): PackageFormatError | undefined {
    this.used += n;
    if (this.used <= this.limit) return undefined;
    return entryError(
      this.pkg,
      entry,
      `extraction has inflated more than ${this.limit} bytes, the limit for a whole package (maxTotalSize)`,
    );
  }
}

/** Passes an entry's bytes through, failing as soon as they exceed what its header declared, or fall short. */
export class EntryGuard extends Transform {
  bytes = 0;
  private crc = 0;

  constructor(
    private readonly pkg: string,
    private readonly entry: GuardedEntry,
    private readonly budget: InflateBudget,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.entry.size) {
      const declared = this.entry.size;
      callback(this.fail(`it holds more data than the ${declared} bytes its header declares`));
      return;
    }
    const over = this.budget.spend(chunk.length, this.entry.path);
    if (over) {
      callback(over);
      return;
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.size) {
      callback(this.fail(`it holds ${this.bytes} bytes, not the ${this.entry.size} its header declares`));
      return;
    }
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) {
      callback(
        this.fail(
          `its data does not match its CRC-32 (declared ${hex(this.entry.crc32)}, computed ${hex(this.crc)}): the package is damaged or was altered`,
        ),
      );
      return;
    }
    callback();
  }

  private fail(reason: string): PackageFormatError {
    return entryError(this.pkg, this.entry.path, reason);
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
