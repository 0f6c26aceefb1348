// Makes sure every zip reader sees the files we see. yauzl trusts the end record's count and the central
// directory; Python's zipfile trusts the central directory's size, streaming readers trust local headers,
// and Info-ZIP prefers a Unicode Path extra field. A package where these disagree is refused, as is one
// whose entries share or skip file space (overlapping data is how small zip bombs repeat their payload).

import yauzl from 'yauzl';
import type { OpenedZip } from './zip-file.js';

/** What the audit needs of a central directory record (yauzl's Entry carries all of it). */
export interface CentralRecord {
  /** The name as our reader uses it, for messages. */
  name: string;
  fileNameRaw: Buffer;
  generalPurposeBitFlag: number;
  compressionMethod: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  relativeOffsetOfLocalHeader: number;
  fileNameLength: number;
  extraFieldLength: number;
  fileCommentLength: number;
}

/** A reason to refuse, tied to an entry when one is to blame. */
export interface AuditFinding {
  entry?: string;
  reason: string;
}

const LOCAL_SIG = 0x04034b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const UNICODE_PATH = 0x7075;
const DATA_DESCRIPTOR_FLAG = 0x08;
const U32_MAX = 0xffffffff;
/** Sizes a data descriptor can have: with or without its signature, 32- or 64-bit sizes. */
const DESCRIPTOR_SIZES = new Set([12, 16, 20, 24]);
/** Extra-field bytes read with a local header in the first read (more need a second read). */
const LIKELY_EXTRA = 64;
/** Local headers closer than this are read through the block cache. */
const NEARBY = 128 * 1024;

const lowLevel = yauzl as unknown as {
  getFileNameLowLevel(flags: number, raw: Buffer, extra: unknown[], strict: boolean): string;
};

/**
 * A Unicode Path extra field (0x7075) naming a different file than the raw name: Info-ZIP and yauzl use the
 * field when its CRC matches the raw name, other readers never do.
 */
export function unicodePathProblem(
  rawName: Buffer,
  flags: number,
  extraFields: readonly { id: number; data: Buffer }[],
  where = 'its',
): string | undefined {
  for (const field of extraFields) {
    if (field.id !== UNICODE_PATH) continue;
    if (field.data.length < 5) return `${where} Unicode Path extra field (0x7075) is truncated`;
    const unicode = field.data.subarray(5);
    if (unicode.equals(rawName)) continue;
    const plain = lowLevel.getFileNameLowLevel(flags, rawName, [], true);
    const named = unicode.toString('utf8');
    if (named === plain) continue;
    return `${where} Unicode Path extra field (0x7075) names it ${JSON.stringify(named)} while the name field says ${JSON.stringify(plain)}; zip tools would disagree on which file this is`;
  }
  return undefined;
}

/** Extra fields of a local header; undefined when they do not parse. */
function parseExtra(buf: Buffer): { id: number; data: Buffer }[] | undefined {
  const fields: { id: number; data: Buffer }[] = [];
  for (let at = 0; at < buf.length; ) {
    if (at + 4 > buf.length) return undefined;
    const id = buf.readUInt16LE(at);
    const size = buf.readUInt16LE(at + 2);
    if (at + 4 + size > buf.length) return undefined;
    fields.push({ id, data: buf.subarray(at + 4, at + 4 + size) });
    at += 4 + size;
  }
  return fields;
}

interface EndRecord {
  count: number;
  cdSize: number;
  cdOffset: number;
  /** Where the (ZIP64) end record starts: the central directory must end exactly here. */
  endAt: number;
}

/** Re-reads the end records yauzl used (same position: the comment yauzl found fixes it). */
async function readEnd(file: OpenedZip, commentLength: number): Promise<EndRecord | AuditFinding> {
  const eocdAt = file.size - 22 - commentLength;
  const eocd = await file.readAt(eocdAt, 22, false);
  if (eocd.length < 22 || eocd.readUInt32LE(0) !== END_SIG) {
    return { reason: 'its end-of-archive record could not be read back' };
  }
  const classic = {
    count: eocd.readUInt16LE(10),
    cdSize: eocd.readUInt32LE(12),
    cdOffset: eocd.readUInt32LE(16),
  };
  if (eocdAt < 20) return { ...classic, endAt: eocdAt };
  const locator = await file.readAt(eocdAt - 20, 20, true);
  if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) return { ...classic, endAt: eocdAt };
  const z64At = Number(locator.readBigUInt64LE(8));
  const z64 = await file.readAt(z64At, 56, false);
  if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_END_SIG) {
    return { reason: 'its ZIP64 end-of-archive record could not be read back' };
  }
  const wide = {
    count: Number(z64.readBigUInt64LE(32)),
    cdSize: Number(z64.readBigUInt64LE(40)),
    cdOffset: Number(z64.readBigUInt64LE(48)),
  };
  // A classic field that is not the "see ZIP64" marker must agree: readers that ignore ZIP64 use it.
  const disagree =
    (classic.count !== 0xffff && classic.count !== wide.count) ||
    (classic.cdSize !== U32_MAX && classic.cdSize !== wide.cdSize) ||
    (classic.cdOffset !== U32_MAX && classic.cdOffset !== wide.cdOffset);
  if (disagree) {
    return {
      reason: `its two end-of-archive records disagree (${classic.count} vs ${wide.count} entries); zip tools would list different files`,
    };
  }
  if (z64At + 56 > eocdAt - 20) return { reason: 'its ZIP64 end-of-archive record overlaps the end record' };
  return { ...wide, endAt: z64At };
}

/**
 * Checks the archive's layout against the records yauzl listed: the end record's count covers every central
 * record and nothing else, each local header matches its central record, and the entries' bytes neither
 * overlap nor leave room for data no central record names. Returns the first finding, or undefined.
 */
export async function auditLayout(
  file: OpenedZip,
  commentLength: number,
  records: readonly CentralRecord[],
): Promise<AuditFinding | undefined> {
  const end = await readEnd(file, commentLength);
  if ('reason' in end) return end;
  const used = records.reduce(
    (n, r) => n + 46 + r.fileNameLength + r.extraFieldLength + r.fileCommentLength,
    0,
  );
  if (used !== end.cdSize) {
    return {
      reason:
        used < end.cdSize
          ? `its end-of-archive record counts ${end.count} entries, but the central directory holds ${end.cdSize - used} more bytes of records; zip tools that read the whole directory would see files this reader does not`
          : `its central directory is ${end.cdSize} bytes, but the ${end.count} entries the end-of-archive record counts take ${used}; zip tools would list different files`,
    };
  }
  if (end.cdOffset + end.cdSize !== end.endAt) {
    return {
      reason: `its central directory (at byte ${end.cdOffset}, ${end.cdSize} bytes) does not end where the end-of-archive record starts (byte ${end.endAt}); zip tools would disagree on where entries are`,
    };
  }

  const sorted = [...records].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  let expected = 0; // where the next local header must start: right after the previous entry
  let previous: CentralRecord | undefined;
  let descriptorAfterPrevious = false;
  for (const [i, r] of sorted.entries()) {
    const at = r.relativeOffsetOfLocalHeader;
    if (previous && at === previous.relativeOffsetOfLocalHeader) {
      return {
        entry: r.name,
        reason: `it shares its data with entry ${JSON.stringify(previous.name)}; overlapping entries are how zip bombs repeat one compressed payload`,
      };
    }
    const gap = at - expected;
    if (gap < 0 || (descriptorAfterPrevious ? !DESCRIPTOR_SIZES.has(gap) : gap !== 0)) {
      const what = previous ? `entry ${JSON.stringify(previous.name)}` : 'the start of the file';
      if (gap < 0) {
        return {
          entry: r.name,
          reason: `its local header (byte ${at}) lies inside the data of ${what}; overlapping entries are how zip bombs repeat one compressed payload`,
        };
      }
      return {
        entry: r.name,
        reason: `${gap} bytes that belong to no entry lie between ${what} and this one; streaming zip readers could find a file there that the central directory does not list`,
      };
    }
    const next = sorted[i + 1]?.relativeOffsetOfLocalHeader ?? end.cdOffset;
    // One read for header, name and (usually) extra field: the local name should be the central one. The
    // block cache pays off only when the next header lies in the same block; otherwise a block read per
    // header (256 KiB for a few dozen bytes) costs a big package's audit gigabytes of reads.
    const nearby = next - at < NEARBY;
    let header = await file.readAt(at, 30 + r.fileNameLength + LIKELY_EXTRA, nearby);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIG) {
      return { entry: r.name, reason: `its local header (byte ${at}) is missing or damaged` };
    }
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    if (header.length < 30 + nameLength + extraLength) {
      header = await file.readAt(at, 30 + nameLength + extraLength, true);
    }
    const tail = header.subarray(30, 30 + nameLength + extraLength);
    const localName = tail.subarray(0, nameLength);
    if (tail.length < nameLength + extraLength)
      return { entry: r.name, reason: 'its local header is cut off' };
    if (!localName.equals(r.fileNameRaw)) {
      const shown = lowLevel.getFileNameLowLevel(header.readUInt16LE(6), localName, [], true);
      return {
        entry: r.name,
        reason: `its local header names it ${JSON.stringify(shown)}; zip tools that read local headers (streaming extractors) would create a different file`,
      };
    }
    const localFlags = header.readUInt16LE(6);
    const extra = parseExtra(tail.subarray(nameLength));
    if (!extra) return { entry: r.name, reason: 'its local header has malformed extra fields' };
    const unicode = unicodePathProblem(localName, localFlags, extra, 'its local header’s');
    if (unicode) return { entry: r.name, reason: unicode };
    if (header.readUInt16LE(8) !== r.compressionMethod) {
      return {
        entry: r.name,
        reason: `its local header says compression method ${header.readUInt16LE(8)}, its central record ${r.compressionMethod}; zip tools would read different data`,
      };
    }
    const descriptor = (localFlags & DATA_DESCRIPTOR_FLAG) !== 0;
    if (!descriptor) {
      const fields: [string, number, number][] = [
        ['CRC-32', header.readUInt32LE(14), r.crc32],
        ['compressed size', header.readUInt32LE(18), r.compressedSize],
        ['size', header.readUInt32LE(22), r.uncompressedSize],
      ];
      for (const [label, local, central] of fields) {
        // U32_MAX: the real value is in the local ZIP64 extra field.
        if (local !== central && !(label !== 'CRC-32' && local === U32_MAX)) {
          return {
            entry: r.name,
            reason: `its local header gives ${label} ${local}, its central record ${central}; zip tools that read local headers would see different data`,
          };
        }
      }
    }
    expected = at + 30 + nameLength + extraLength + r.compressedSize;
    descriptorAfterPrevious = descriptor;
    previous = r;
  }
  const tailGap = end.cdOffset - expected;
  if (
    sorted.length &&
    (tailGap < 0 || (descriptorAfterPrevious ? !DESCRIPTOR_SIZES.has(tailGap) : tailGap !== 0))
  ) {
    return {
      entry: previous?.name,
      reason:
        tailGap < 0
          ? 'its data runs into the central directory'
          : `${tailGap} bytes that belong to no entry lie between it and the central directory; streaming zip readers could find a file there that the central directory does not list`,
    };
  }
  if (!sorted.length && end.cdOffset !== 0) {
    return { reason: `${end.cdOffset} bytes before the central directory belong to no entry` };
  }
  return undefined;
}
