// The raw reader's body side: the read blocks the socket reads into, and the body framing (Content-Length,
// chunked transfer coding, or the end of the connection) that turns those reads into body chunks.

import type { IncomingHttpHeaders } from 'node:http';
import type { RawResponse } from './raw-http.js';

/** The memory the socket reads into: the largest chunk a fast connection hands over. */
export const RAW_READ_BLOCK = 1024 * 1024;
/** A new block is started when less than this is left of the current one, so reads stay large. */
const MIN_READ_SPACE = 128 * 1024;
/** Reads next to each other are pushed as one chunk of at most about this much (see BodyReader). */
const COALESCE_BYTES = 256 * 1024;
/** Blocks kept for reuse once given back, against a new block per block's worth downloaded. */
const MAX_SPARE_BLOCKS = 6;
const MAX_CHUNK_LINE = 1024;

/**
 * The memory the socket reads into: the current block, filled from the front, and blocks whose views are
 * all given back, kept for reuse. Bytes not taken from a block (the head's copy) are not counted.
 */
export class ReadBlocks {
  private block: Buffer = Buffer.allocUnsafe(RAW_READ_BLOCK);
  private filled = 0;
  /** Bytes of each block still out as views; a block leaves the map when it is retired and all are back. */
  private readonly out = new Map<ArrayBufferLike, { bytes: number; retired: boolean }>([
    [this.block.buffer, { bytes: 0, retired: false }],
  ]);
  private readonly spare: Buffer[] = [];

  /**
   * Where the next read goes. Asked for after the last read's bytes were lent out, so a block retired here
   * with nothing out really is free.
   */
  free(): Buffer {
    if (RAW_READ_BLOCK - this.filled < MIN_READ_SPACE) {
      const state = this.out.get(this.block.buffer)!;
      state.retired = true;
      this.release(this.block, state);
      this.block = this.spare.pop() ?? Buffer.allocUnsafe(RAW_READ_BLOCK);
      this.filled = 0;
      this.out.set(this.block.buffer, { bytes: 0, retired: false });
    }
    return this.block.subarray(this.filled);
  }

  /** `n` bytes were read into `free()`; returns them (lend what goes to the consumer before the next read). */
  take(n: number): Buffer {
    const data = this.block.subarray(this.filled, this.filled + n);
    this.filled += n;
    return data;
  }

  /** A view of a block goes out to the consumer. */
  lend(chunk: Buffer): void {
    const state = this.out.get(chunk.buffer);
    if (state) state.bytes += chunk.length;
  }

  giveBack(chunk: Buffer): void {
    const state = this.out.get(chunk.buffer);
    if (!state) return;
    state.bytes -= chunk.length;
    this.release(chunk, state);
  }

  private release(chunk: Buffer, state: { bytes: number; retired: boolean }): void {
    if (!state.retired || state.bytes > 0) return;
    this.out.delete(chunk.buffer);
    // A file sink hands blocks back a batch at a time, several at once: keep enough that the next
    // batch's worth of reads needs no new memory.
    if (this.spare.length < MAX_SPARE_BLOCKS) this.spare.push(Buffer.from(chunk.buffer, 0, RAW_READ_BLOCK));
  }
}

export type Framing = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * Turns socket blocks into body chunks as the framing says, and pushes them. Reads that land next to each
 * other in a block are pushed as one chunk, once per turn of the event loop or every COALESCE_BYTES: TLS
 * hands over small records, many in one turn, and a push per record costs more than the bytes.
 */
export class BodyReader {
  private remaining: number;
  /** Bytes read (and lent) but not yet pushed: one view, contiguous in one block. */
  private pending: Buffer | undefined;
  private flushScheduled = false;
  /** Chunked coding: what is being read, and the partial size line or trailer carried between blocks. */
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' = 'size';
  private line = '';
  readonly untilClose: boolean;

  constructor(
    private readonly framing: Framing,
    private readonly response: RawResponse,
    private readonly blocks: ReadBlocks,
    private readonly done: () => void,
    /** The consumer wants no more for now (a push returned false outside a read). */
    private readonly pause: () => void,
  ) {
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.untilClose = framing.kind === 'close';
  }

  start(): void {
    if (this.framing.kind === 'length' && this.remaining === 0) this.end();
  }

  finish(): void {
    this.end();
  }

  private end(): void {
    this.flush();
    this.done();
  }

  /** Takes bytes from the socket (never to be overwritten); returns false when the consumer wants no more for now. */
  feed(data: Buffer): boolean {
    if (this.response.complete) return true;
    if (this.framing.kind === 'close') return this.push(data);
    if (this.framing.kind === 'length') {
      const take = Math.min(this.remaining, data.length);
      this.remaining -= take;
      const more = this.push(data.subarray(0, take));
      if (this.remaining === 0) this.end();
      return more;
    }
    return this.feedChunked(data);
  }

  private push(data: Buffer): boolean {
    if (data.length === 0) return true;
    // Lent at once: the block must not be read into again while these bytes wait to be pushed.
    this.blocks.lend(data);
    const held = this.pending;
    let more = true;
    if (held && held.buffer === data.buffer && held.byteOffset + held.length === data.byteOffset) {
      this.pending = Buffer.from(held.buffer, held.byteOffset, held.length + data.length);
    } else {
      more = this.flush();
      this.pending = data;
    }
    if (this.pending!.length >= COALESCE_BYTES) return this.flush() && more;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (!this.flush()) this.pause();
      });
    }
    return more;
  }

  /** Pushes what is held; false when the consumer wants no more for now. */
  private flush(): boolean {
    const chunk = this.pending;
    this.pending = undefined;
    if (!chunk || this.response.destroyed) return true;
    return this.response.push(chunk);
  }

  private feedChunked(data: Buffer): boolean {
    let more = true;
    let at = 0;
    while (at < data.length && !this.response.complete && !this.response.destroyed) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, data.length - at);
        more = this.push(data.subarray(at, at + take)) && more;
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-crlf';
        continue;
      }
      const eol = data.indexOf(0x0a, at);
      const piece = data.subarray(at, eol < 0 ? data.length : eol).toString('latin1');
      this.line += piece;
      if (this.line.length > MAX_CHUNK_LINE) return this.bad('a chunk line is too long');
      if (eol < 0) break;
      at = eol + 1;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'data-crlf') {
        if (line !== '') return this.bad('a chunk does not end where its size says');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) return this.bad(`"${line.slice(0, 40)}" is not a chunk size`);
        this.remaining = Number.parseInt(size[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.end();
      }
    }
    return more;
  }

  private bad(what: string): boolean {
    this.response.destroy(protocolError('HPE_INVALID_CHUNK_SIZE', `invalid chunked response: ${what}`));
    return false;
  }
}

export function bodyFraming(status: number, headers: IncomingHttpHeaders): Framing | Error {
  if (status === 204 || status === 304) return { kind: 'length', length: 0 };
  const coding = headers['transfer-encoding'];
  if (coding !== undefined) {
    if (/(^|,)\s*chunked\s*$/i.test(coding)) return { kind: 'chunked' };
    return { kind: 'close' };
  }
  const length = headers['content-length'];
  if (length === undefined) return { kind: 'close' };
  if (!/^\d{1,15}$/.test(length)) {
    return protocolError('HPE_INVALID_CONTENT_LENGTH', 'the response has an invalid Content-Length');
  }
  return { kind: 'length', length: Number(length) };
}

export function protocolError(code: string, message: string): Error {
  return Object.assign(new Error(`Parse Error: ${message}`), { code });
}
