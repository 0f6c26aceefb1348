// The file a download is written to: a new file, written in large batches with writev.

import { close, open, writeSync, writev } from 'node:fs';
import { Writable } from 'node:stream';

/**
 * The file sink writes in batches of at least this much: the socket hands over small chunks, and a write
 * per chunk costs more main-thread time than the bytes themselves.
 */
export const FILE_WRITE_BATCH = 1024 * 1024;
/**
 * The batch when writing inline (see FileSinkOptions.inline): small enough that the bytes the socket just
 * read into a block are still in the CPU's cache when they are copied into the file, and the block can be
 * read into again at once.
 */
export const INLINE_WRITE_BATCH = 256 * 1024;
/**
 * Inline writes go to the file in pieces of at most this much. The kernel sizes the page-cache folios it
 * allocates by the length of each write: 256 KiB writes got large folios whose copy cost up to 5× the same
 * bytes written 64 KiB at a time (1.5 s of kernel time per GiB at worst, perf on the bench machine).
 */
export const INLINE_WRITE_PIECE = 64 * 1024;
/** What the sink's stream buffer holds while a batch is being written, before the socket is paused. */
const FILE_SINK_BUFFER = 2 * 1024 * 1024;

export interface FileSinkOptions {
  /**
   * Write each batch on this thread, as it fills (`writeSync`, INLINE_WRITE_PIECE at a time), instead of in
   * the threadpool. On a 1 GiB
   * download this cut the client's CPU time by about a tenth (test/bench/README.md, "Where the CPU goes"):
   * the copy into the page cache reads bytes that are still in this core's cache, and no thread hand-off
   * per batch. It holds the event loop for the length of one write (256 KiB into the page cache: well under
   * a millisecond unless the disk is throttling writers), so it is for processes that do nothing else while
   * they download (the CLI, the action), not for a shared host such as VS Code's extension host.
   */
  inline?: boolean;
}

/**
 * A new file (`wx`: never an existing one) written in batches: chunks are collected until there is at least
 * FILE_WRITE_BATCH, then go out in one writev (the rest at the end). `onChunk` sees every chunk, in order,
 * as it arrives (and must not keep it; a throw fails the stream); `done` gets each chunk back once its
 * bytes are on disk.
 */
export class FileSink extends Writable {
  private fd: number | undefined;
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private received = 0;
  private readonly inline: boolean;
  private readonly batch: number;

  constructor(
    private readonly path: string,
    private readonly onChunk: (chunk: Buffer, received: number) => void,
    private readonly done: (chunk: Buffer) => void = () => {},
    options: FileSinkOptions = {},
  ) {
    super({ highWaterMark: FILE_SINK_BUFFER, decodeStrings: true });
    this.inline = options.inline === true;
    this.batch = this.inline ? INLINE_WRITE_BATCH : FILE_WRITE_BATCH;
  }

  /** Bytes written to the file (all of them once the stream has finished). */
  get bytes(): number {
    return this.written;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx', (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      this.received += chunk.length;
      try {
        this.onChunk(chunk, this.received);
      } catch (error) {
        // A limit was passed: the download fails as a whole.
        callback(error as Error);
        return;
      }
    }
    // Held, not yet written: accepted at once so the next chunk comes; a write error surfaces on a later
    // batch or at the end, and fails the download all the same.
    if (this.pendingBytes < this.batch) callback();
    else this.flush(callback);
  }

  private flush(callback: (error?: Error | null) => void): void {
    const buffers = this.pending;
    const length = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (length === 0) callback();
    else if (this.inline) {
      const error = this.writeAllNow(buffers);
      if (!error) for (const chunk of buffers) this.done(chunk);
      callback(error);
    } else
      this.writeAll(buffers.slice(), length, (error) => {
        if (!error) for (const chunk of buffers) this.done(chunk);
        callback(error);
      });
  }

  /** writev may write less than asked (a full disk, a signal): continue from where it stopped. */
  private writeAll(buffers: Buffer[], length: number, callback: (error?: Error | null) => void): void {
    // Destroyed (cancelled, failed) while the file was still being opened: nothing more is written.
    if (this.fd === undefined) {
      callback(new Error(`${this.path} is closed`));
      return;
    }
    writev(this.fd, buffers, (error, n) => {
      if (error) {
        callback(error);
        return;
      }
      this.written += n;
      if (n === length) {
        callback();
        return;
      }
      if (n === 0) {
        callback(new Error(`could not write to ${this.path}: no progress`));
        return;
      }
      let skip = n;
      while (skip >= buffers[0]!.length) skip -= buffers.shift()!.length;
      if (skip > 0) buffers[0] = buffers[0]!.subarray(skip);
      this.writeAll(buffers, length - n, callback);
    });
  }

  /** writeAll on this thread, INLINE_WRITE_PIECE at a time; returns the error, if any. */
  private writeAllNow(chunks: Buffer[]): Error | undefined {
    const fd = this.fd;
    if (fd === undefined) return new Error(`${this.path} is closed`);
    for (const chunk of chunks) {
      // A write may write less than asked (a full disk, a signal): continue from where it stopped.
      for (let at = 0; at < chunk.length; ) {
        let n: number;
        try {
          n = writeSync(fd, chunk, at, Math.min(INLINE_WRITE_PIECE, chunk.length - at));
        } catch (error) {
          return error as Error;
        }
        if (n === 0) return new Error(`could not write to ${this.path}: no progress`);
        this.written += n;
        at += n;
      }
    }
    return undefined;
  }

  /** The last batch, then the file is closed before 'finish', so it can be renamed at once (Windows refuses to rename an open file). */
  override _final(callback: (error?: Error | null) => void): void {
    this.flush((error) => {
      const fd = this.fd;
      this.fd = undefined;
      if (error || fd === undefined) callback(error);
      else close(fd, (closeError) => callback(closeError));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pending = [];
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) callback(error);
    else close(fd, (closeError) => callback(error ?? closeError));
  }
}
