// Writes a zip of many files with several deflates running at once, in bounded memory, deterministically.
//
// Every file is cut into fixed 1 MiB blocks. Blocks are read in order, CRC'd on the main thread (native
// zlib.crc32), and deflated in the libuv threadpool, a few at a time (so both cores work, whatever the mix of
// file sizes). A file's non-final blocks end with a sync flush and each later block is primed with the
// previous 32 KiB as its dictionary (as pigz does), so the blocks concatenate into one valid deflate stream
// and compress as well as one long stream. Blocks are written strictly in order, whatever order they finish
// in, so the bytes depend only on the input: block boundaries, dictionaries and levels are all fixed. A block
// that sampling shows to be incompressible is written as stored blocks in the same stream (framed here, no
// zlib) instead of being searched for matches it does not have (compressible.ts).
//
// Memory: at most WINDOW blocks are between reading and writing, input buffers come from a small pool, and
// the output queue is bounded; nothing grows with file size. Only the central directory (~90 bytes per
// entry) grows with the file count.
//
// A file of one block (≤ 1 MiB, most files) gets its CRC and sizes in the local header; a larger one is
// written as its blocks arrive, with the sizes in a data descriptor after the data (general flag bit 3).

import { closeSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as zlib from 'node:zlib';
import type { FileHashes } from '../types.js';
import { worthDeflating } from './compressible.js';
import {
  CentralDirectory,
  centralHeader,
  crc32,
  dataDescriptor,
  dosDateTime,
  endRecords,
  localHeader,
  OutputSink,
  ZIP64_ENTRY_THRESHOLD,
  type ZipEntryHeader,
  type ZipEntrySizes,
} from './zip-writer.js';

export const BLOCK_SIZE = 1024 * 1024;
const DICTIONARY_SIZE = 32 * 1024;
/** Blocks between being read and being written (read-ahead); bounds memory and the reorder queue. */
const WINDOW = 8;
/** Output bytes queued for the file before the writer waits. */
const SINK_QUEUE = 4 * BLOCK_SIZE;
const EMPTY = Buffer.alloc(0);
/** Where an empty file's one-byte growth check reads to. */
const PROBE = Buffer.alloc(1);

export interface ZipSource {
  /** Entry name inside the zip, `/`-separated. */
  name: string;
  /** Path to read. */
  path: string;
  /** Size when the files were listed; a file that changes size while being read is an error. */
  size: number;
  mode: number;
  /** Store instead of deflating. */
  store: boolean;
}

export interface ZipProgress {
  /** Content bytes written so far (uncompressed). */
  bytes: number;
  filesDone: number;
}

export interface WriteZipOptions {
  /** Opened for writing at offset 0; not closed here. */
  file: FileHandle;
  /** Entries written first, from memory (e.g. upack.json). */
  leading: { name: string; data: Buffer; mode: number }[];
  sources: ZipSource[];
  /** zlib level 1–9 for sources that are not stored (0 means store everything). */
  level: number;
  date: Date;
  signal?: AbortSignal;
  onProgress?: (progress: ZipProgress) => void;
  /** Deflates in flight (default: see defaultConcurrency; 3 on 2 cores with the default threadpool). */
  concurrency?: number;
}

interface Block {
  source: number;
  first: boolean;
  last: boolean;
  /** Uncompressed bytes in this block. */
  length: number;
  /** CRC-32 of the source up to and including this block. */
  crc: number;
  data: Promise<Buffer | Buffer[]>;
  /** Returns a pooled buffer once `data` is written (stored data is written from the pooled input buffer). */
  release?: () => void;
}

/** A pooled input buffer, returned when the last holder lets go. */
interface Lease {
  buf: Buffer;
  refs: number;
}

/** Writes the zip to `options.file` and returns the hashes and size of what was written. */
export async function writeZip(options: WriteZipOptions): Promise<FileHashes> {
  const { sources, signal, onProgress } = options;
  const level = options.level;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const { date: dosDate, time: dosTime } = dosDateTime(options.date);
  const sink = new OutputSink(options.file, SINK_QUEUE);

  // One wake-up list for every wait below; each waiter re-checks its condition (and `failure`).
  let failure: { error: unknown } | undefined;
  let waiters: Array<() => void> = [];
  const changed = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const until = async (ready: () => boolean) => {
    while (true) {
      if (failure) throw failure.error;
      if (ready()) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    changed();
  };
  const onAbort = () => fail(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) onAbort();

  const queue: Block[] = [];
  let deflating = 0;
  const pool: Buffer[] = [];
  let pooled = 0;
  const poolMax = WINDOW + 4;
  const canTake = () => pool.length > 0 || pooled < poolMax;
  const take = (): Lease => {
    let buf = pool.pop();
    if (!buf) {
      pooled++;
      buf = Buffer.allocUnsafe(BLOCK_SIZE + 1);
    }
    return { buf, refs: 1 };
  };
  const release = (lease: Lease) => {
    if (--lease.refs === 0) {
      pool.push(lease.buf);
      changed();
    }
  };

  const produce = async () => {
    for (let index = 0; index < sources.length; index++) {
      const src = sources[index]!;
      const method = src.store || level === 0 || src.size === 0 ? 0 : 8;
      if (src.size === 0) {
        // Empty when listed: one byte now means it grew (a file being written while we build).
        if (readWhole(src, PROBE) !== 0) throw changedError(src, 'longer');
        await until(() => queue.length < WINDOW);
        queue.push({
          source: index,
          first: true,
          last: true,
          length: 0,
          crc: 0,
          data: Promise.resolve(EMPTY),
        });
        changed();
        continue;
      }
      // Files of one block (most of a package) are read with blocking calls; larger ones through a handle.
      const fh =
        src.size > BLOCK_SIZE
          ? await open(src.path, 'r').catch((err: unknown) => {
              throw readError(src, err);
            })
          : undefined;
      let prev: Lease | undefined;
      try {
        let crc = 0;
        for (let pos = 0; pos < src.size; ) {
          await until(() => queue.length < WINDOW && (method === 0 || deflating < concurrency) && canTake());
          const lease = take();
          const buf = lease.buf;
          const length = Math.min(BLOCK_SIZE, src.size - pos);
          const last = pos + length === src.size;
          let got: number;
          try {
            // One byte more on the last block: getting it means the file grew since it was listed.
            got = fh ? await readFully(fh, buf, length + (last ? 1 : 0), pos) : readWhole(src, buf);
          } catch (err) {
            release(lease);
            throw fh ? readError(src, err) : err;
          }
          if (got !== length) {
            release(lease);
            throw changedError(src, got < length ? 'shorter' : 'longer');
          }
          const chunk = buf.subarray(0, length);
          crc = crc32(chunk, crc);
          const block: Block = {
            source: index,
            first: pos === 0,
            last,
            length,
            crc,
            data: Promise.resolve(chunk),
          };
          if (method === 8) {
            const held = lease;
            if (!last) held.refs++; // kept as the next block's dictionary
            deflating++;
            // The previous block's lease stays taken until this block is done: its last 32 KiB are read
            // by the sampling and by the deflate, both after a trip through the threadpool.
            const dictionaryLease = prev;
            const dictionary = dictionaryLease?.buf.subarray(BLOCK_SIZE - DICTIONARY_SIZE, BLOCK_SIZE);
            // Stored blocks are views of `held`: then the writer lets go of it, once they are on disk.
            let viewed = false;
            block.data = worthDeflating(chunk, dictionary)
              .then<Buffer | Buffer[]>((worth) => {
                if (worth) return deflateBlock(chunk, level, last, dictionary);
                viewed = true;
                return storedBlocks(chunk, last);
              })
              .finally(() => {
                deflating--;
                if (!viewed) release(held);
                if (dictionaryLease) release(dictionaryLease);
                changed(); // a deflate slot is free, even when the buffer is still held as a dictionary
              });
            block.release = () => {
              if (viewed) release(held);
            };
            prev = last ? undefined : held;
          } else {
            const held = lease;
            block.release = () => release(held);
          }
          block.data.catch(() => {}); // awaited by the writer; this keeps an abandoned one from being "unhandled"
          queue.push(block);
          changed();
          pos += length;
        }
      } finally {
        if (prev) release(prev);
        await fh?.close();
      }
    }
  };

  const central = new CentralDirectory();
  let bytesDone = 0;
  let filesDone = 0;
  const report = () => onProgress?.({ bytes: bytesDone, filesDone });

  const writeMemoryEntry = (name: string, data: Buffer, mode: number) => {
    const method = level === 0 ? 0 : 8;
    const header: ZipEntryHeader = {
      name: Buffer.from(name, 'utf8'),
      method,
      mode,
      dosDate,
      dosTime,
      descriptor: false,
      zip64: data.length >= ZIP64_ENTRY_THRESHOLD,
    };
    const body = method === 8 ? zlib.deflateRawSync(data, { level }) : data;
    const sizes: ZipEntrySizes = { crc: crc32(data), compressedSize: body.length, size: data.length };
    const offset = sink.offset;
    sink.push(localHeader(header, sizes));
    sink.push(body);
    central.add(centralHeader(header, sizes, offset));
  };

  const consume = async () => {
    for (const entry of options.leading) writeMemoryEntry(entry.name, entry.data, entry.mode);
    for (let index = 0; index < sources.length; index++) {
      const src = sources[index]!;
      const method = src.store || level === 0 || src.size === 0 ? 0 : 8;
      const header: ZipEntryHeader = {
        name: Buffer.from(src.name, 'utf8'),
        method,
        mode: src.mode,
        dosDate,
        dosTime,
        descriptor: src.size > BLOCK_SIZE,
        zip64: src.size >= ZIP64_ENTRY_THRESHOLD,
      };
      const offset = sink.offset;
      const sizes: ZipEntrySizes = { crc: 0, compressedSize: 0, size: src.size };
      while (true) {
        await until(() => queue.length > 0);
        const block = queue.shift()!;
        changed();
        const data = await block.data;
        if (failure) throw failure.error;
        const parts = Array.isArray(data) ? data : [data];
        let length = 0;
        for (const part of parts) length += part.length;
        sizes.crc = block.crc;
        sizes.compressedSize += length;
        if (block.first) {
          // Single-block entries know everything now; larger ones describe themselves after the data.
          sink.push(
            localHeader(header, header.descriptor ? undefined : { ...sizes, compressedSize: length }),
          );
        }
        for (let i = 0; i < parts.length - 1; i++) sink.push(parts[i]!);
        sink.push(parts[parts.length - 1]!, block.release);
        bytesDone += block.length;
        if (block.last) {
          if (header.descriptor) sink.push(dataDescriptor(header, sizes));
          central.add(centralHeader(header, sizes, offset));
          filesDone++;
        }
        report();
        await sink.room();
        if (block.last) break;
      }
    }
    const cdOffset = sink.offset;
    for (const buf of central.buffers()) sink.push(buf);
    sink.push(endRecords(central.count, cdOffset, central.size));
  };

  const guard = (task: Promise<void>) => task.catch(fail);
  try {
    await Promise.all([guard(produce()), guard(consume())]);
    if (failure) throw failure.error;
    return await sink.finish();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await sink.settle();
  }
}

/**
 * One deflate more than there are cores (so a core never waits while the main thread collects a result), at
 * least 2, and one fewer than the libuv threadpool has threads (the reads and writes need one).
 */
function defaultConcurrency(): number {
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(2, Math.min(availableParallelism() + 1, threadpool - 1));
}

function deflateBlock(input: Buffer, level: number, last: boolean, dictionary?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(
      input,
      {
        level,
        dictionary,
        // Non-final blocks end byte-aligned without the final-block bit, so the next block can follow.
        finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        // Room for the whole result in one output buffer (deflate's worst case is a few bytes per 16 KiB).
        chunkSize: input.length + (input.length >>> 4) + 1024,
      },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
  });
}

/** Most bytes one stored deflate block holds (its length field is 16 bits). */
const STORED_MAX = 0xffff;

/**
 * `input` as stored deflate blocks (RFC 1951 §3.2.4), the last one final when `last`: what zlib writes at
 * level 0, framed here without a zlib stream or a trip through the threadpool (a 4.5 GiB build that is 95 %
 * random: 47–48 s of CPU before, 37–45 s after). Stored blocks end byte-aligned, so the next block of the
 * file follows directly, as after a sync flush. The parts are 5-byte headers and views of `input`, not a
 * copy, so the caller must keep `input` until they are written. A copy into a new 1 MiB buffer per block
 * left V8 collecting those late: under Node 24 the 4.5 GiB build peaked at 174–178 MB with copies, 125–148
 * with views; under Node 20 120–126 and 114–122 (with holdYoungGeneration; test/bench/README.md).
 */
export function storedBlocks(input: Buffer, last: boolean): Buffer[] {
  const count = Math.max(1, Math.ceil(input.length / STORED_MAX));
  const headers = Buffer.allocUnsafe(5 * count);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const from = i * STORED_MAX;
    const length = Math.min(STORED_MAX, input.length - from);
    const at = 5 * i;
    headers[at] = last && i === count - 1 ? 1 : 0; // BFINAL, BTYPE 00; the rest of the byte is padding
    headers.writeUInt16LE(length, at + 1);
    headers.writeUInt16LE(~length & 0xffff, at + 3);
    parts.push(headers.subarray(at, at + 5));
    if (length) parts.push(input.subarray(from, from + length));
  }
  return parts;
}

/**
 * Reads a whole file of at most one block into `buf`, plus one byte to notice a file that grew, with blocking
 * calls. For the thousands of small files in a package, the three threadpool round trips of a file handle
 * (open, read, close) each wait behind the deflates, and left both cores part idle (a 4,100-file directory of
 * 1–63 KiB files built at 1.25 cores). On files in the page cache the blocking calls take microseconds.
 */
function readWhole(src: ZipSource, buf: Buffer): number {
  let fd: number;
  try {
    fd = openSync(src.path, 'r');
  } catch (err) {
    throw readError(src, err);
  }
  try {
    const want = Math.min(src.size + 1, buf.length);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, got);
      if (n === 0) break;
      got += n;
    }
    return got;
  } catch (err) {
    throw readError(src, err);
  } finally {
    closeSync(fd);
  }
}

async function readFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

function changedError(src: ZipSource, now: 'shorter' | 'longer'): Error {
  return new Error(
    `"${src.name}" (${src.path}) changed while the package was being built: it was ${src.size} bytes when listed, now ${now}`,
  );
}

function readError(src: ZipSource, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`cannot read "${src.name}" (${src.path}): ${reason}`, { cause: err });
}
