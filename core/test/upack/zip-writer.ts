// A tiny hand-written zip writer for hostile test packages: it writes whatever names, attributes and sizes
// it is told, which a real archiver would sanitise. Zip64 end records are added above 65,535 entries.

import { crc32, deflateRawSync } from 'node:zlib';

export interface RawZipEntry {
  name: string;
  data?: Buffer | string;
  /** 0 store, 8 deflate (default). */
  method?: 0 | 8;
  /** Unix mode in the high 16 bits of the external attributes, e.g. 0o120777 for a symlink. */
  unixMode?: number;
  /** Override the uncompressed size written in both headers (a lying header). */
  declaredSize?: number;
  /** Override the CRC-32 written in both headers. */
  crc?: number;
  /** A different name in the local header than in the central record. */
  localName?: string;
  /** Extra fields, raw (see `extraField`), in the central record and in the local header. */
  centralExtra?: Buffer;
  localExtra?: Buffer;
  /** No local header or data of its own: the central record points at entry `sameDataAs`'s local header. */
  sameDataAs?: number;
  /** The central record points this many bytes after its own local header (into another entry's data). */
  offsetShift?: number;
}

export interface RawZipOptions {
  /** The entry count written in the end record (default: the real count). */
  eocdCount?: number;
  /** Bytes written between the last entry's data and the central directory (a hidden area). */
  beforeCentral?: Buffer;
  /** Bytes written before the first entry. */
  prefix?: Buffer;
}

/** One extra field: id, size, data. */
export function extraField(id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

/** An Info-ZIP Unicode Path extra field (0x7075) naming `unicodeName` for an entry whose raw name is `rawName`. */
export function unicodePathField(rawName: string, unicodeName: string): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(1, 0);
  head.writeUInt32LE(crc32(Buffer.from(rawName, 'utf8')), 1);
  return extraField(0x7075, Buffer.concat([head, Buffer.from(unicodeName, 'utf8')]));
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (20 << 9) | (1 << 5) | 1; // 2000-01-01

export function writeZip(entries: RawZipEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = options.prefix ? [options.prefix] : [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let offset = options.prefix?.length ?? 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const centralExtra = e.centralExtra ?? Buffer.alloc(0);
    const localExtra = e.localExtra ?? Buffer.alloc(0);
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const flags = 0x800; // UTF-8 names

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const own = e.sameDataAs === undefined;
    if (own) parts.push(local, localName, localExtra, body);
    const at = own ? offset + (e.offsetShift ?? 0) : offsets[e.sameDataAs!]!;
    offsets.push(at);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(e.unixMode === undefined ? 20 : (3 << 8) | 20, 4); // made by: Unix when a mode is given
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(centralExtra.length, 30);
    cd.writeUInt32LE(e.unixMode === undefined ? 0 : (e.unixMode << 16) >>> 0, 38);
    cd.writeUInt32LE(at, 42);
    central.push(cd, name, centralExtra);
    if (own) offset += local.length + localName.length + localExtra.length + body.length;
  }
  if (options.beforeCentral) {
    parts.push(options.beforeCentral);
    offset += options.beforeCentral.length;
  }
  const cdBuf = Buffer.concat(central);
  const cdOffset = offset;
  const count = options.eocdCount ?? entries.length;
  const tail: Buffer[] = [cdBuf];
  if (count > 0xffff) {
    const z64 = Buffer.alloc(56);
    z64.writeUInt32LE(0x06064b50, 0);
    z64.writeBigUInt64LE(44n, 4);
    z64.writeUInt16LE(45, 12);
    z64.writeUInt16LE(45, 14);
    z64.writeBigUInt64LE(BigInt(count), 24);
    z64.writeBigUInt64LE(BigInt(count), 32);
    z64.writeBigUInt64LE(BigInt(cdBuf.length), 40);
    z64.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdBuf.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(z64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(count, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(count, 0xffff), 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  tail.push(eocd);
  return Buffer.concat([...parts, ...tail]);
}

export const MANIFEST_ENTRY: RawZipEntry = { name: 'upack.json', data: '{"name":"evil","version":"1.0.0"}' };
