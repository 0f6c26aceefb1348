// The zip writer behind buildPackage: the archives must be read by our reader (yauzl) and by Info-ZIP's
// `unzip -t` / `zipinfo` (what Debian and most CI images ship), stay byte-identical whatever order the
// concurrent deflates finish in, and use ZIP64 records where the classic fields overflow.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../src/hashing.js';
import { buildPackage } from '../../src/upack/build.js';
import { openEntryStream, readPackage } from '../../src/upack/read.js';
import { BLOCK_SIZE, writeZip, type ZipSource } from '../../src/upack/zip-pipeline.js';
import {
  centralHeader,
  crc32Js,
  dataDescriptor,
  dosDateTime,
  endRecords,
  localHeader,
  type ZipEntryHeader,
} from '../../src/upack/zip-writer.js';
import { zipEntries } from './zip-entries.js';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upack-zip-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Text-like bytes that deflate well but not trivially (so blocks take different times to compress). */
function text(size: number, seed: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  let at = 0;
  while (at < size) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    at += out.write(`${words[x % words.length]}${x % 13 ? ' ' : '\n'}`, at);
  }
  return out;
}

/** Mixed content around the block boundaries: small, exactly one block, one byte over, several blocks. */
async function mixedSources(): Promise<{ sources: ZipSource[]; contents: Map<string, Buffer> }> {
  const specs: [string, Buffer, boolean][] = [
    ['a/small.txt', text(5_000, 1), false],
    ['a/empty.txt', Buffer.alloc(0), false],
    ['b/one-block.txt', text(BLOCK_SIZE, 2), false],
    ['b/one-over.txt', text(BLOCK_SIZE + 1, 3), false],
    ['c/multi.txt', text(3 * BLOCK_SIZE + 12_345, 4), false],
    ['c/random.bin', randomBytes(2 * BLOCK_SIZE + 7), false],
    ['d/stored.zip', randomBytes(2 * BLOCK_SIZE + 99), true],
    ['d/ünïcödé.txt', text(777, 5), false],
  ];
  const contents = new Map<string, Buffer>();
  const sources: ZipSource[] = [];
  for (const [name, data, store] of specs) {
    const path = join(dir, 'src', name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, data);
    contents.set(name, data);
    sources.push({ name, path, size: data.length, mode: 0o644, store });
  }
  return { sources, contents };
}

async function zipTo(
  out: string,
  sources: ZipSource[],
  extra: { concurrency?: number; level?: number } = {},
): Promise<{ sha1: string; sha256: string; size: number }> {
  const file = await open(out, 'wx');
  try {
    return await writeZip({
      file,
      leading: [{ name: 'upack.json', data: Buffer.from('{"name":"a","version":"1.0.0"}\n'), mode: 0o644 }],
      sources,
      level: extra.level ?? 6,
      date: new Date(Date.UTC(2000, 0, 1)),
      concurrency: extra.concurrency,
    });
  } finally {
    await file.close();
  }
}

async function entryBytes(path: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await openEntryStream(path, name)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('writeZip', () => {
  it('writes an archive yauzl, unzip -t and zipinfo accept, with every byte back', async () => {
    const { sources, contents } = await mixedSources();
    const out = join(dir, 'mixed.zip');
    const written = await zipTo(out, sources);
    expect(written).toEqual(await hashFile(out));

    const list = await zipEntries(out);
    expect(list.map((e) => e.fileName)).toEqual(['upack.json', ...sources.map((s) => s.name)]);
    const byName = new Map(list.map((e) => [e.fileName, e]));
    expect(byName.get('d/stored.zip')?.compressionMethod).toBe(0);
    expect(byName.get('a/empty.txt')?.compressionMethod).toBe(0);
    expect(byName.get('c/multi.txt')?.compressionMethod).toBe(8);
    // Deflated in blocks, still compressed like one stream.
    const multi = byName.get('c/multi.txt')!;
    const whole = zlib.deflateRawSync(contents.get('c/multi.txt')!, { level: 6 }).length;
    expect(multi.compressedSize).toBeLessThan(whole * 1.01);
    for (const [name, data] of contents) {
      expect((await entryBytes(out, name)).equals(data), name).toBe(true);
      const unzipped = await run('unzip', ['-p', out, name], { encoding: 'buffer', maxBuffer: 64 << 20 });
      expect(unzipped.stdout.equals(data), `unzip -p ${name}`).toBe(true);
    }

    const tested = await run('unzip', ['-t', out]);
    expect(tested.stdout).toMatch(/No errors detected in compressed data/);
    const info = await run('zipinfo', [out]);
    expect(info.stdout).toMatch(/9 files,/);
    expect(info.stdout).toMatch(/-rw-r--r--.*defN.*c\/multi\.txt/);
    expect(info.stdout).toMatch(/-rw-r--r--.*stor.*d\/stored\.zip/);
    expect(info.stdout).toMatch(/00-Jan-01 00:00 upack\.json/);
  });

  it('gives the same bytes whatever the concurrency (and so whatever order blocks finish in)', async () => {
    const { sources } = await mixedSources();
    const one = await zipTo(join(dir, '1.zip'), sources, { concurrency: 1 });
    const three = await zipTo(join(dir, '3.zip'), sources, { concurrency: 3 });
    const eight = await zipTo(join(dir, '8.zip'), sources, { concurrency: 8 });
    expect(three).toEqual(one);
    expect(eight).toEqual(one);
  });

  it('writes incompressible blocks as stored deflate blocks, without searching them', async () => {
    const { sources, contents } = await mixedSources();
    const out = join(dir, 'mixed.zip');
    await zipTo(out, sources);
    const random = (await zipEntries(out)).find((e) => e.fileName === 'c/random.bin')!;
    expect(random.compressionMethod).toBe(8);
    const fh = await open(out, 'r');
    try {
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, random.relativeOffsetOfLocalHeader);
      const dataAt =
        random.relativeOffsetOfLocalHeader + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const head = Buffer.alloc(5);
      await fh.read(head, 0, 5, dataAt);
      // Level 0 writes stored blocks of ~64 KiB; a level-6 search of random bytes ends in 16 KiB ones.
      expect(head[0]! & 0b111).toBe(0);
      expect(head.readUInt16LE(1)).toBeGreaterThan(32 * 1024);
    } finally {
      await fh.close();
    }
    const size = contents.get('c/random.bin')!.length;
    expect(random.compressedSize).toBeLessThan(size * 1.001);
  });

  it('keeps each block dictionary while sampling and deflating it, across many blocks', async () => {
    // Random bytes repeating every 20 KiB: each block is sampled (near-uniform bytes, so a deflate of the
    // pieces in the threadpool) and then deflated against the previous block's last 32 KiB. A dictionary
    // buffer handed back to the pool too early is read into by the next block before the deflate starts.
    const unit = randomBytes(20 * 1024);
    const data = Buffer.alloc(6 * BLOCK_SIZE + 333);
    for (let at = 0; at < data.length; at += unit.length) unit.copy(data, at);
    const path = join(dir, 'repeats.bin');
    await writeFile(path, data);
    const out = join(dir, 'repeats.zip');
    await zipTo(out, [{ name: 'repeats.bin', path, size: data.length, mode: 0o644, store: false }], {
      concurrency: 3,
    });
    expect((await entryBytes(out, 'repeats.bin')).equals(data)).toBe(true);
    const entry = (await zipEntries(out)).find((e) => e.fileName === 'repeats.bin')!;
    expect(entry.compressedSize).toBeLessThan(data.length / 10);
    const tested = await run('unzip', ['-t', out]);
    expect(tested.stdout).toMatch(/No errors detected in compressed data/);
  });

  it('stores everything at level 0', async () => {
    const { sources, contents } = await mixedSources();
    const out = join(dir, 'stored.zip');
    await zipTo(out, sources, { level: 0 });
    const list = await zipEntries(out);
    expect(new Set(list.map((e) => e.compressionMethod))).toEqual(new Set([0]));
    expect((await entryBytes(out, 'c/multi.txt')).equals(contents.get('c/multi.txt')!)).toBe(true);
    expect((await run('unzip', ['-t', out])).stdout).toMatch(/No errors detected/);
  });

  it('refuses a file that changed size since it was listed, and an unreadable one, by name', async () => {
    const path = join(dir, 'f.txt');
    await writeFile(path, 'twenty bytes exactly');
    const file = (size: number): ZipSource => ({ name: 'f.txt', path, size, mode: 0o644, store: false });
    await expect(zipTo(join(dir, 'grew.zip'), [file(10)])).rejects.toThrow(
      /"f\.txt" \(.*f\.txt\) changed while the package was being built: it was 10 bytes when listed, now longer/,
    );
    await expect(zipTo(join(dir, 'shrank.zip'), [file(BLOCK_SIZE + 5)])).rejects.toThrow(
      /"f\.txt" .* now shorter/,
    );
    const missing = { ...file(5), path: join(dir, 'gone.txt') };
    await expect(zipTo(join(dir, 'gone.zip'), [missing])).rejects.toThrow(
      /cannot read "f\.txt" \(.*gone\.txt\): ENOENT/,
    );
  });

  it('stops on abort with the abort reason', async () => {
    const { sources } = await mixedSources();
    const controller = new AbortController();
    const file = await open(join(dir, 'aborted.zip'), 'wx');
    const err = await writeZip({
      file,
      leading: [],
      sources,
      level: 6,
      date: new Date(0),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes > 0) controller.abort();
      },
    })
      .catch((e: unknown) => e)
      .finally(() => file.close());
    expect((err as Error).name).toBe('AbortError');
  });
});

describe('ZIP64', () => {
  it('writes ZIP64 end records for more than 65,535 entries, which every reader accepts', async () => {
    // 65,793 empty files from 513 directory entries: in-tree directory links are followed.
    const src = join(dir, 'src');
    await mkdir(join(src, 'base'), { recursive: true });
    await Promise.all(Array.from({ length: 257 }, (_, i) => writeFile(join(src, 'base', `f${i}`), '')));
    await mkdir(join(src, 'links'));
    await Promise.all(Array.from({ length: 255 }, (_, i) => symlink('../base', join(src, 'links', `l${i}`))));
    const expected = 257 * 256;
    const built = await buildPackage({
      sourceDir: src,
      manifest: { name: 'many', version: '1.0.0' },
      outFile: join(dir, 'many.upack'),
      // Above the default 50,000 that readers (and so the builder) accept; the same limit reads it back.
      limits: { maxEntries: 100_000 },
    });
    expect(built.fileCount).toBe(expected);

    const bytes = await readFile(built.path);
    const tail = bytes.subarray(bytes.length - 22 - 20 - 56);
    expect(tail.readUInt32LE(0)).toBe(0x06064b50); // ZIP64 end of central directory
    expect(tail.readBigUInt64LE(24)).toBe(BigInt(expected + 1));
    expect(tail.readUInt32LE(56)).toBe(0x07064b50); // its locator
    expect(tail.readUInt16LE(76 + 10)).toBe(0xffff); // classic count saturated

    const read = await readPackage(built.path, { maxEntries: 100_000 });
    expect(read.entries).toHaveLength(expected + 1);
    expect((await run('unzip', ['-tq', built.path])).stdout).toMatch(/No errors detected/);
    const info = await run('zipinfo', ['-t', built.path]);
    expect(info.stdout).toMatch(new RegExp(`^${expected + 1} files, 43 bytes uncompressed`)); // upack.json
  }, 180_000); // 65,793 files walked, written, read back by the builder, then by three readers

  it('writes ZIP64 sizes and offsets in the records that readers understand', async () => {
    // A hand-assembled archive with a ZIP64 entry (sizes in the extra fields and an 8-byte data descriptor),
    // the way entries of 4 GiB and more are written; small, so the readers can check the encoding cheaply.
    const data = text(100_000, 9);
    const body = zlib.deflateRawSync(data);
    const { date, time } = dosDateTime(new Date(Date.UTC(2000, 0, 1)));
    const header: ZipEntryHeader = {
      name: Buffer.from('big.txt'),
      method: 8,
      mode: 0o644,
      dosDate: date,
      dosTime: time,
      descriptor: true,
      zip64: true,
    };
    const sizes = { crc: zlib.crc32(data), compressedSize: body.length, size: data.length };
    const parts = [localHeader(header), body, dataDescriptor(header, sizes)];
    const cdOffset = parts.reduce((n, b) => n + b.length, 0);
    const cd = centralHeader(header, sizes, 0);
    parts.push(cd, endRecords(1, cdOffset, cd.length));
    const out = join(dir, 'zip64.zip');
    await writeFile(out, Buffer.concat(parts));

    expect(cd.readUInt32LE(20)).toBe(0xffffffff);
    const [entry] = await zipEntries(out);
    expect(entry).toMatchObject({ fileName: 'big.txt', uncompressedSize: data.length });
    expect((await entryBytes(out, 'big.txt')).equals(data)).toBe(true);
    expect((await run('unzip', ['-t', out])).stdout).toMatch(/No errors detected/);
    expect((await run('unzip', ['-p', out, 'big.txt'], { encoding: 'buffer' })).stdout.equals(data)).toBe(
      true,
    );
  });

  it('moves an offset past 4 GiB into the ZIP64 extra field', () => {
    const header: ZipEntryHeader = {
      name: Buffer.from('x'),
      method: 0,
      mode: 0o644,
      dosDate: 0,
      dosTime: 0,
      descriptor: false,
      zip64: false,
    };
    const offset = 5 * 1024 ** 3;
    const cd = centralHeader(header, { crc: 1, compressedSize: 2, size: 2 }, offset);
    expect(cd.readUInt32LE(42)).toBe(0xffffffff);
    expect(cd.readUInt16LE(46 + 1)).toBe(0x0001);
    expect(cd.readUInt16LE(46 + 3)).toBe(8);
    expect(cd.readBigUInt64LE(46 + 5)).toBe(BigInt(offset));
    const small = centralHeader(header, { crc: 1, compressedSize: 2, size: 2 }, 1234);
    expect(small.length).toBe(46 + 1);
    expect(small.readUInt32LE(42)).toBe(1234);
    expect(endRecords(3, offset, 100).readUInt32LE(0)).toBe(0x06064b50);
    expect(endRecords(3, 1000, 100).readUInt32LE(0)).toBe(0x06054b50);
  });
});

describe('crc32Js (the fallback for Node without zlib.crc32)', () => {
  it('matches zlib.crc32, also when continued', () => {
    const data = randomBytes(100_003);
    expect(crc32Js(data)).toBe(zlib.crc32(data));
    expect(crc32Js(data.subarray(50_000), crc32Js(data.subarray(0, 50_000)))).toBe(zlib.crc32(data));
    expect(crc32Js(Buffer.alloc(0))).toBe(0);
  });
});
