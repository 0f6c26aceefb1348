// The package reader's file access: how much it reads to list and audit a package, and that the block cache
// it reuses returns the right bytes when reads overlap.

import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readPackage } from '../../src/upack/read.js';
import { openZipFile } from '../../src/upack/zip-file.js';
import { storedBlocks, writeZip, type ZipSource } from '../../src/upack/zip-pipeline.js';

/** Bytes asked of fs.read since the last reset (the reader's only way to the file). */
let bytesRead = 0;
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    // fs.read(fd, buffer, offset, length, position, callback), the form the reader uses.
    read: (...args: unknown[]) => {
      bytesRead += Number(args[3]);
      return (real.read as (...a: unknown[]) => void)(...args);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upack-zip-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A package of `count` random files of `size` bytes each (stored: deflate cannot shrink them). */
async function randomPackage(count: number, size: number): Promise<string> {
  const sources: ZipSource[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `f${i}.bin`);
    await writeFile(path, randomBytes(size));
    sources.push({ name: `package/f${i}.bin`, path, size, mode: 0o644, store: false });
  }
  const out = join(dir, 'p.upack');
  const file = await open(out, 'wx');
  try {
    await writeZip({
      file,
      leading: [{ name: 'upack.json', data: Buffer.from('{"name":"a","version":"1.0.0"}\n'), mode: 0o644 }],
      sources,
      level: 6,
      date: new Date(Date.UTC(2000, 0, 1)),
    });
  } finally {
    await file.close();
  }
  return out;
}

describe('reading a package', () => {
  it('reads each far-apart local header alone, not a 256 KiB block per header', async () => {
    const pkg = await randomPackage(24, 300 * 1024);
    bytesRead = 0;
    const contents = await readPackage(pkg);
    expect(contents.entries).toHaveLength(25);
    // Fixed costs: yauzl's look for the end record (64 KiB), one 256 KiB block at the start (upack.json),
    // the central directory. A block per local header (what this guards against) was 6.6 MB here, and
    // gigabytes on a large package.
    expect(bytesRead).toBeLessThan(512 * 1024);
  });

  it('returns the right bytes when cached reads overlap a refill of the block', async () => {
    const data = randomBytes(3 * 256 * 1024 + 1234);
    const path = join(dir, 'data.bin');
    // A valid (empty) zip end record after the data, so yauzl opens it.
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt32LE(data.length, 16);
    await writeFile(path, Buffer.concat([data, end]));
    const zip = await openZipFile(path, { lazyEntries: true, autoClose: false });
    try {
      const positions = [0, 10, 300 * 1024, 300 * 1024 + 5, 600 * 1024, 20, 700 * 1024, 123_456, 780_000];
      for (let round = 0; round < 3; round++) {
        const reads = positions.map((at) => zip.readAt(at, 100, true).then((got) => ({ at, got })));
        for (const { at, got } of await Promise.all(reads)) {
          expect(got.equals(data.subarray(at, at + 100))).toBe(true);
        }
      }
    } finally {
      zip.zip.close();
    }
  });
});

describe('storedBlocks', () => {
  it('frames bytes as stored deflate blocks any inflater reads back', () => {
    for (const length of [0, 1, 65_535, 65_536, 1024 * 1024 + 3]) {
      const input = randomBytes(length);
      const parts = storedBlocks(input, true);
      const final = Buffer.concat(parts);
      expect(final.length).toBe(length + 5 * Math.max(1, Math.ceil(length / 65_535)));
      expect(zlib.inflateRawSync(final).equals(input)).toBe(true);
      // The data is not copied: a 5-byte block header, then a view of the input, and so on.
      const views = parts.filter((_, i) => i % 2 === 1);
      expect(parts.filter((_, i) => i % 2 === 0).every((h) => h.length === 5)).toBe(true);
      expect(views.every((p) => p.buffer === input.buffer)).toBe(true);
      expect(views.reduce((n, p) => n + p.length, 0)).toBe(length);
      // A non-final run is followed by more of the stream: here another final stored block.
      const tail = randomBytes(10);
      const joined = Buffer.concat([...storedBlocks(input, false), ...storedBlocks(tail, true)]);
      expect(zlib.inflateRawSync(joined).equals(Buffer.concat([input, tail]))).toBe(true);
    }
  });

  it('continues a stream that zlib left byte-aligned with a sync flush', () => {
    const text = Buffer.from('a line of text that deflates\n'.repeat(5000));
    const head = zlib.deflateRawSync(text, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const random = randomBytes(100_000);
    const stream = Buffer.concat([head, ...storedBlocks(random, true)]);
    expect(zlib.inflateRawSync(stream).equals(Buffer.concat([text, random]))).toBe(true);
  });
});
