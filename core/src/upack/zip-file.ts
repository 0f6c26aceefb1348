// Opens a zip for yauzl through a small block cache. yauzl reads the central directory in tiny pieces (two
// reads per entry); through plain fs.read a 100,000-entry listing took ~7 s, through the cache milliseconds.

import { close, fstat, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

const BLOCK_SIZE = 256 * 1024;
const EMPTY = Buffer.alloc(0);

type ReadCallback = (err: Error | null) => void;

// @types/yauzl (2.x) types this base class loosely; these are the members yauzl 3 calls.
const ReaderBase = yauzl.RandomAccessReader as unknown as new () => yauzl.RandomAccessReader;

class CachedFileReader extends ReaderBase {
  private blockStart = 0;
  private block: Buffer = EMPTY;
  private readonly reusable = Buffer.allocUnsafe(BLOCK_SIZE);
  /** A read into `reusable` is in flight. */
  private filling = false;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.fd, start, end);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: ReadCallback,
  ): void {
    if (position >= this.blockStart && position + length <= this.blockStart + this.block.length) {
      this.block.copy(buffer, offset, position - this.blockStart, position - this.blockStart + length);
      process.nextTick(callback, null);
      return;
    }
    if (length > BLOCK_SIZE) {
      read(this.fd, buffer, offset, length, position, (err, n) => callback(err ?? eof(n, length)));
      return;
    }
    const want = Math.max(length, Math.min(BLOCK_SIZE, this.size - position));
    // One block buffer is reused from read to read (a listing or audit of thousands of entries would
    // otherwise leave a 256 KiB buffer of garbage per block). The cache is emptied while it is being
    // refilled; a read that overlaps one in flight gets a buffer of its own.
    let block: Buffer;
    if (this.filling || want > this.reusable.length) {
      block = Buffer.allocUnsafe(want);
    } else {
      block = this.reusable.subarray(0, want);
      this.block = EMPTY;
      this.filling = true;
    }
    const shared = block.buffer === this.reusable.buffer;
    read(this.fd, block, 0, block.length, position, (err, n) => {
      if (shared) this.filling = false;
      if (err) return callback(err);
      this.block = block.subarray(0, n);
      this.blockStart = position;
      const short = eof(n, length);
      if (!short) block.copy(buffer, offset, 0, length);
      callback(short);
    });
  }

  /**
   * `length` bytes at `position` (short at the end of the file). Far-apart reads (local headers of large
   * entries) go straight to the file instead of pulling a whole block each.
   */
  readAt(position: number, length: number, nearby: boolean): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - position));
    const out = Buffer.alloc(want);
    if (want === 0) return Promise.resolve(out);
    const cached = position >= this.blockStart && position + want <= this.blockStart + this.block.length;
    if (cached || nearby) {
      return new Promise((resolve, reject) =>
        this.read(out, 0, want, position, (err) => (err ? reject(err) : resolve(out))),
      );
    }
    return new Promise((resolve, reject) =>
      read(this.fd, out, 0, want, position, (err, n) => (err ? reject(err) : resolve(out.subarray(0, n)))),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, callback);
  }
}

/**
 * Positional reads of [start, end) that never close the fd (an fs.ReadStream closes it when destroyed, even
 * with autoClose off); the fd belongs to the reader and is closed once, in close().
 */
class RangeStream extends Readable {
  constructor(
    private readonly fd: number,
    private position: number,
    private readonly end: number,
  ) {
    super();
  }

  override _read(size: number): void {
    const length = Math.min(Math.max(size, 64 * 1024), this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    read(this.fd, Buffer.allocUnsafe(length), 0, length, this.position, (err, n, buffer) => {
      if (err) return this.destroy(err);
      if (n === 0) return this.destroy(eof(0, length) ?? undefined);
      this.position += n;
      this.push(buffer.subarray(0, n));
    });
  }
}

function eof(got: number, wanted: number): Error | null {
  return got < wanted ? new Error(`unexpected end of file: read ${got} of ${wanted} bytes`) : null;
}

/** An open zip: yauzl's view, plus raw positional reads for checks yauzl does not make. */
export interface OpenedZip {
  zip: yauzl.ZipFile;
  /** Size of the file in bytes. */
  size: number;
  /** Bytes at a position; `nearby` when the previous read was close (the block cache then pays off). */
  readAt(position: number, length: number, nearby: boolean): Promise<Buffer>;
}

/** Like yauzl.open, through the block cache; the fd is closed by `zip.close()`. */
export function openZipFile(path: string, options: yauzl.Options): Promise<OpenedZip> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      const fail = (err: Error) => close(fd, () => reject(err));
      fstat(fd, (statErr, stats) => {
        if (statErr) return fail(statErr);
        const reader = new CachedFileReader(fd, stats.size);
        yauzl.fromRandomAccessReader(reader, stats.size, options, (err, zip) =>
          err
            ? fail(err)
            : resolve({ zip, size: stats.size, readAt: (p, l, near) => reader.readAt(p, l, near) }),
        );
      });
    });
  });
}
