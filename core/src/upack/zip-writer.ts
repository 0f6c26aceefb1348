// The zip records buildPackage writes, and the output sink that writes them in order while hashing them.
// Deterministic: every field comes from the entry (name, mode, sizes, CRC) or a fixed constant; nothing
// from the clock, the umask or the time zone. ZIP64 records appear only where a size, offset or the entry
// count does not fit the classic fields, so ordinary packages are plain zip 2.0.

import type { FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { PackageHasher } from '../hashing.js';
import type { FileHashes } from '../types.js';

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIR = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** General-purpose flags: bit 3 (sizes in a data descriptor after the data), bit 11 (UTF-8 names). */
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
/** "Version made by" host: Unix, so readers apply the mode in the external attributes. */
const HOST_UNIX = 3 << 8;
const S_IFREG = 0o100000;

/**
 * Entries of this uncompressed size or more are written as ZIP64 from the start (the local header must say
 * so before the compressed size is known). The margin covers deflate's worst-case growth on incompressible
 * data (a few bytes per stored block and per flushed block), far below 16 MiB at 4 GiB.
 */
export const ZIP64_ENTRY_THRESHOLD = U32_MAX - 16 * 1024 * 1024;

/** DOS date and time fields for a UTC instant (zip stores local time without a zone; UTC keeps it fixed). */
export function dosDateTime(date: Date): { date: number; time: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
  };
}

/** CRC-32 of `data`, continuing from `value`: zlib's native one where Node has it (≥ 20.15, ≥ 22.2). */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Js;

let crcTable: Uint32Array | undefined;
/** Table-driven CRC-32 for Node releases without zlib.crc32 (slow: ~400 MB/s, only a fallback). */
export function crc32Js(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntryHeader {
  /** UTF-8 entry name, `/`-separated. */
  name: Buffer;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** Unix permission bits (the file type is always a regular file). */
  mode: number;
  dosDate: number;
  dosTime: number;
  /** Sizes and CRC follow the data in a data descriptor (they are not known when the header is written). */
  descriptor: boolean;
  /** Write ZIP64 sizes (decided from the uncompressed size before any data is written). */
  zip64: boolean;
}

export interface ZipEntrySizes {
  crc: number;
  compressedSize: number;
  size: number;
}

/** The local file header; with `descriptor` the CRC and sizes are zero here and `sizes` is ignored. */
export function localHeader(h: ZipEntryHeader, sizes?: ZipEntrySizes): Buffer {
  const extraLength = h.zip64 ? 20 : 0;
  const buf = Buffer.alloc(30 + h.name.length + extraLength);
  const known = !h.descriptor && sizes;
  buf.writeUInt32LE(LOCAL_HEADER, 0);
  buf.writeUInt16LE(h.zip64 ? 45 : 20, 4);
  buf.writeUInt16LE(FLAG_UTF8 | (h.descriptor ? FLAG_DESCRIPTOR : 0), 6);
  buf.writeUInt16LE(h.method, 8);
  buf.writeUInt16LE(h.dosTime, 10);
  buf.writeUInt16LE(h.dosDate, 12);
  buf.writeUInt32LE(known ? sizes.crc : 0, 14);
  if (h.zip64) {
    buf.writeUInt32LE(U32_MAX, 18);
    buf.writeUInt32LE(U32_MAX, 22);
  } else {
    buf.writeUInt32LE(known ? sizes.compressedSize : 0, 18);
    buf.writeUInt32LE(known ? sizes.size : 0, 22);
  }
  buf.writeUInt16LE(h.name.length, 26);
  buf.writeUInt16LE(extraLength, 28);
  h.name.copy(buf, 30);
  if (h.zip64) {
    const at = 30 + h.name.length;
    buf.writeUInt16LE(ZIP64_EXTRA, at);
    buf.writeUInt16LE(16, at + 2);
    buf.writeBigUInt64LE(BigInt(known ? sizes.size : 0), at + 4);
    buf.writeBigUInt64LE(BigInt(known ? sizes.compressedSize : 0), at + 12);
  }
  return buf;
}

/** The data descriptor after an entry's data: 8-byte sizes for ZIP64 entries, 4-byte otherwise. */
export function dataDescriptor(h: ZipEntryHeader, sizes: ZipEntrySizes): Buffer {
  checkSizes(h, sizes);
  const buf = Buffer.alloc(h.zip64 ? 24 : 16);
  buf.writeUInt32LE(DATA_DESCRIPTOR, 0);
  buf.writeUInt32LE(sizes.crc, 4);
  if (h.zip64) {
    buf.writeBigUInt64LE(BigInt(sizes.compressedSize), 8);
    buf.writeBigUInt64LE(BigInt(sizes.size), 16);
  } else {
    buf.writeUInt32LE(sizes.compressedSize, 8);
    buf.writeUInt32LE(sizes.size, 12);
  }
  return buf;
}

/** The central directory record of an entry whose local header starts at `offset`. */
export function centralHeader(h: ZipEntryHeader, sizes: ZipEntrySizes, offset: number): Buffer {
  checkSizes(h, sizes);
  const bigOffset = offset >= U32_MAX;
  const extraFields = (h.zip64 ? 2 : 0) + (bigOffset ? 1 : 0);
  const extraLength = extraFields ? 4 + 8 * extraFields : 0;
  const zip64 = extraFields > 0;
  const buf = Buffer.alloc(46 + h.name.length + extraLength);
  buf.writeUInt32LE(CENTRAL_HEADER, 0);
  buf.writeUInt16LE(HOST_UNIX | (zip64 ? 45 : 20), 4);
  buf.writeUInt16LE(zip64 ? 45 : 20, 6);
  buf.writeUInt16LE(FLAG_UTF8 | (h.descriptor ? FLAG_DESCRIPTOR : 0), 8);
  buf.writeUInt16LE(h.method, 10);
  buf.writeUInt16LE(h.dosTime, 12);
  buf.writeUInt16LE(h.dosDate, 14);
  buf.writeUInt32LE(sizes.crc, 16);
  buf.writeUInt32LE(h.zip64 ? U32_MAX : sizes.compressedSize, 20);
  buf.writeUInt32LE(h.zip64 ? U32_MAX : sizes.size, 24);
  buf.writeUInt16LE(h.name.length, 28);
  buf.writeUInt16LE(extraLength, 30);
  // comment length, disk number start, internal attributes: 0
  buf.writeUInt32LE(((S_IFREG | (h.mode & 0o7777)) << 16) >>> 0, 38);
  buf.writeUInt32LE(bigOffset ? U32_MAX : offset, 42);
  h.name.copy(buf, 46);
  if (zip64) {
    let at = 46 + h.name.length;
    buf.writeUInt16LE(ZIP64_EXTRA, at);
    buf.writeUInt16LE(8 * extraFields, at + 2);
    at += 4;
    // Only the fields whose classic slot holds 0xFFFFFFFF, in this order (APPNOTE 4.5.3).
    if (h.zip64) {
      buf.writeBigUInt64LE(BigInt(sizes.size), at);
      buf.writeBigUInt64LE(BigInt(sizes.compressedSize), at + 8);
      at += 16;
    }
    if (bigOffset) buf.writeBigUInt64LE(BigInt(offset), at);
  }
  return buf;
}

/**
 * The end records for `count` entries whose central directory of `size` bytes starts at `offset`: the
 * ZIP64 end record and locator first when any of them overflows the classic fields.
 */
export function endRecords(count: number, offset: number, size: number): Buffer {
  const zip64 = count >= U16_MAX || offset >= U32_MAX || size >= U32_MAX;
  const buf = Buffer.alloc((zip64 ? 56 + 20 : 0) + 22);
  let at = 0;
  if (zip64) {
    buf.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIR, 0);
    buf.writeBigUInt64LE(44n, 4); // size of the rest of this record
    buf.writeUInt16LE(HOST_UNIX | 45, 12);
    buf.writeUInt16LE(45, 14);
    // this disk, disk with the central directory: 0
    buf.writeBigUInt64LE(BigInt(count), 24);
    buf.writeBigUInt64LE(BigInt(count), 32);
    buf.writeBigUInt64LE(BigInt(size), 40);
    buf.writeBigUInt64LE(BigInt(offset), 48);
    buf.writeUInt32LE(ZIP64_LOCATOR, 56);
    buf.writeUInt32LE(0, 60); // disk with the ZIP64 end record
    buf.writeBigUInt64LE(BigInt(offset + size), 64);
    buf.writeUInt32LE(1, 72); // total disks
    at = 76;
  }
  buf.writeUInt32LE(END_OF_CENTRAL_DIR, at);
  buf.writeUInt16LE(Math.min(count, U16_MAX), at + 8);
  buf.writeUInt16LE(Math.min(count, U16_MAX), at + 10);
  buf.writeUInt32LE(Math.min(size, U32_MAX), at + 12);
  buf.writeUInt32LE(Math.min(offset, U32_MAX), at + 16);
  return buf;
}

function checkSizes(h: ZipEntryHeader, sizes: ZipEntrySizes): void {
  if (!h.zip64 && (sizes.size >= U32_MAX || sizes.compressedSize >= U32_MAX)) {
    // Cannot happen with ZIP64_ENTRY_THRESHOLD's margin; refuse rather than write a corrupt archive.
    throw new Error(
      `zip entry ${h.name.toString('utf8')} grew to ${sizes.compressedSize} bytes without ZIP64 records`,
    );
  }
}

const APPEND_CHUNK = 64 * 1024;

/** The central directory, appended record by record into 64 KiB chunks (not one Buffer per entry). */
export class CentralDirectory {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(APPEND_CHUNK);
  private used = 0;
  count = 0;
  size = 0;

  add(record: Buffer): void {
    this.count++;
    this.size += record.length;
    let from = 0;
    while (from < record.length) {
      if (this.used === this.current.length) {
        this.chunks.push(this.current);
        this.current = Buffer.allocUnsafe(APPEND_CHUNK);
        this.used = 0;
      }
      const n = record.copy(this.current, this.used, from);
      this.used += n;
      from += n;
    }
  }

  /** The records in order; the writer may keep the last chunk only until written. */
  buffers(): Buffer[] {
    return [...this.chunks, this.current.subarray(0, this.used)];
  }
}

/**
 * Writes buffers to a file strictly in the order given, hashing (SHA-1 + SHA-256) and counting them as
 * they are queued. One write is in flight at a time; what arrives meanwhile is gathered into the next
 * writev. `push` takes an optional `release`, called once the bytes are on disk (so a pooled buffer can be
 * reused). Callers wait for `room()` to keep the queue bounded.
 */
export class OutputSink {
  private readonly hasher = new PackageHasher();
  private queue: Buffer[] = [];
  private releases: Array<() => void> = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private waiters: Array<() => void> = [];
  /** Bytes accepted so far: the offset the next pushed byte will have in the file. */
  offset = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly maxQueued: number,
  ) {}

  push(buf: Buffer, release?: () => void): void {
    if (this.failure) throw this.failure;
    if (buf.length) {
      this.hasher.update(buf);
      this.offset += buf.length;
      this.queue.push(buf);
      this.queued += buf.length;
    }
    if (release) this.releases.push(release);
    if (!this.writing) this.writing = this.drain();
  }

  /** Resolves when the queue is below its bound (immediately if it is). */
  async room(): Promise<void> {
    while (this.queued > this.maxQueued) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Waits for every queued byte to be written; then the hashes of the whole file. */
  async finish(): Promise<FileHashes> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
    return this.hasher.digest();
  }

  /** Waits for the write in flight, if any, without throwing (cleanup after a failure). */
  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length || this.releases.length) {
        const bufs = this.queue;
        const releases = this.releases;
        const bytes = this.queued;
        this.queue = [];
        this.releases = [];
        if (bufs.length) await writeAll(this.file, bufs);
        this.queued -= bytes;
        for (const release of releases) release();
        this.wake();
      }
    } catch (err) {
      this.failure = err;
      this.wake();
    } finally {
      this.writing = undefined;
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

async function writeAll(file: FileHandle, bufs: Buffer[]): Promise<void> {
  let pending = bufs;
  while (pending.length) {
    const { bytesWritten } = await file.writev(pending);
    // A short write (rare, e.g. on a signal): continue after what made it.
    let skip = bytesWritten;
    let i = 0;
    while (i < pending.length && skip >= pending[i]!.length) skip -= pending[i++]!.length;
    pending = pending.slice(i);
    if (pending.length && skip) pending[0] = pending[0]!.subarray(skip);
  }
}
