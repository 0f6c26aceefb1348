// The file a download is written to: a new file, written in large batches with writev.

import { close, open, writev } from 'node:fs';
import { Writable } from 'node:stream';

/**
 * The file sink writes in batches of at least this much: the socket hands over small chunks, and a write
 * per chunk costs more main-thread time than the bytes themselves.
 */
export const FILE_WRITE_BATCH = 1024 * 1024;
/** What the sink's stream buffer holds while a batch is being written, before the socket is paused. */
const FILE_SINK_BUFFER = 2 * 1024 * 1024;

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

  constructor(
    private readonly path: string,
    private readonly onChunk: (chunk: Buffer, received: number) => void,
    private readonly done: (chunk: Buffer) => void = () => {},
  ) {
    super({ highWaterMark: FILE_SINK_BUFFER, decodeStrings: true });
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
    if (this.pendingBytes < FILE_WRITE_BATCH) callback();
    else this.flush(callback);
  }

  private flush(callback: (error?: Error | null) => void): void {
    const buffers = this.pending;
    const length = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (length === 0) callback();
    else
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
