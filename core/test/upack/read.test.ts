import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackageFormatError } from '../../src/errors.js';
import { buildPackage } from '../../src/upack/build.js';
import { extractPackage, openEntryStream, readManifest, readPackage } from '../../src/upack/read.js';
import { MANIFEST_ENTRY, type RawZipEntry, writeZip } from './zip-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upack-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function zipFile(entries: RawZipEntry[], name = 'pkg.upack'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, writeZip(entries));
  return path;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Extraction must fail with a PackageFormatError matching `reason` and leave nothing behind. */
async function expectExtractRefused(pkg: string, reason: RegExp, limits = {}): Promise<PackageFormatError> {
  const before = await readdir(dir);
  const err = await extractPackage(pkg, join(dir, 'out'), limits).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PackageFormatError);
  expect((err as Error).message).toMatch(reason);
  expect(await readdir(dir)).toEqual(before); // no temp dir, no destination
  return err as PackageFormatError;
}

describe('reading a package built by buildPackage', () => {
  it('lists entries, reads the manifest and extracts only package/ content', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'bin'), { recursive: true });
    await writeFile(join(src, 'bin', 'tool.sh'), 'echo hi\n');
    await writeFile(join(src, 'readme.md'), '# hi\n');
    const built = await buildPackage({
      sourceDir: src,
      outFile: join(dir, 'a.upack'),
      manifest: { name: 'tool', version: '1.2.3', _commit: 'abc' },
    });

    const pkg = await readPackage(built.path);
    expect(pkg.manifest).toEqual({ name: 'tool', version: '1.2.3', _commit: 'abc' });
    expect(pkg.manifestProblems).toEqual([]);
    expect(pkg.virtual).toBe(false);
    expect(pkg.entries.map((e) => [e.path, e.size, e.isDirectory])).toEqual([
      ['upack.json', expect.any(Number), false],
      ['package/bin/tool.sh', 8, false],
      ['package/readme.md', 5, false],
    ]);
    expect(await readManifest(built.path)).toEqual(pkg.manifest);

    const out = await extractPackage(built.path, join(dir, 'out'));
    expect(out).toMatchObject({ fileCount: 2, bytes: 13, manifest: { name: 'tool' } });
    expect((await readdir(out.path)).sort()).toEqual(['bin', 'readme.md']); // no upack.json
    expect(await readFile(join(out.path, 'bin', 'tool.sh'), 'utf8')).toBe('echo hi\n');

    expect(await readAll(await openEntryStream(built.path, 'package/readme.md'))).toBe('# hi\n');
    expect(await readAll(await openEntryStream(built.path, 'package\\bin\\tool.sh'))).toBe('echo hi\n');
  });
});

describe('refusing hostile packages', () => {
  it.each([
    ['../x', /entry "\.\.\/x" is refused: its path contains a '\.\.' segment/],
    ['package/../../x', /entry "package\/\.\.\/\.\.\/x" is refused: .*'\.\.'/],
    ['package\\..\\..\\x', /entry "package\/\.\.\/\.\.\/x" is refused: .*'\.\.'/],
    ['/etc/x', /entry "\/etc\/x" is refused: its path is absolute/],
    ['C:\\x', /entry "C:\/x" is refused: its path starts with a drive letter/],
    ['c:x', /entry "c:x" is refused: its path starts with a drive letter/],
  ])('refuses the entry name %j (zip-slip)', async (name, reason) => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name, data: 'pwned' }]);
    await expectExtractRefused(pkg, reason);
    await expect(readPackage(pkg)).rejects.toThrow(reason);
  });

  it('refuses a symlink entry', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'package/link', data: '/etc/passwd', unixMode: 0o120777 },
    ]);
    await expectExtractRefused(pkg, /entry "package\/link" is refused: it is a symbolic link/);
  });

  it('accepts regular Unix modes', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/run.sh', data: 'x', unixMode: 0o100755 }]);
    await expect(extractPackage(pkg, join(dir, 'out'))).resolves.toMatchObject({ fileCount: 1 });
  });

  it('refuses a zip bomb entry by its compression ratio (default limits)', async () => {
    const bomb = Buffer.alloc(8 * 1024 * 1024); // zeros deflate about 1000:1
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/bomb.bin', data: bomb }]);
    await expectExtractRefused(
      pkg,
      /entry "package\/bomb.bin" is refused: it expands \d+ bytes to 8388608 .* zip bomb/,
    );
  });

  it('applies the ratio limit only above the threshold, and both are configurable', async () => {
    const data = Buffer.alloc(64 * 1024);
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/zeros.bin', data }]);
    await expect(readPackage(pkg)).resolves.toBeDefined(); // 64 KiB is below the default 1 MiB threshold
    await expectExtractRefused(pkg, /zip bomb/, { ratioThreshold: 1024, maxCompressionRatio: 100 });
  });

  it('refuses a 100,000-entry zip quickly, before reading its entries', async () => {
    const entries: RawZipEntry[] = [MANIFEST_ENTRY];
    for (let i = 0; i < 100_000; i++) entries.push({ name: `package/f${i}`, method: 0 });
    const pkg = await zipFile(entries);
    // Compared with reading every record of the same zip in the same run, so a loaded machine slows both.
    let started = performance.now();
    const all = await readPackage(pkg, { maxEntries: 200_000 });
    const readingAll = performance.now() - started;
    expect(all.entries.length).toBe(100_001);
    started = performance.now();
    await expectExtractRefused(pkg, /holds 100001 entries; the limit is 50000/);
    const refusing = performance.now() - started;
    expect(refusing).toBeLessThan(readingAll / 4);
  });

  it('honours a smaller entry cap', async () => {
    const entries: RawZipEntry[] = [MANIFEST_ENTRY];
    for (let i = 0; i < 20; i++) entries.push({ name: `package/f${i}`, data: 'x' });
    const pkg = await zipFile(entries);
    await expect(readPackage(pkg, { maxEntries: 21 })).resolves.toBeDefined();
    await expectExtractRefused(pkg, /holds 21 entries; the limit is 20/, { maxEntries: 20 });
  });

  it('caps the total uncompressed size', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'package/a', data: 'a'.repeat(600) },
      { name: 'package/b', data: 'b'.repeat(600) },
    ]);
    await expectExtractRefused(
      pkg,
      /entry "package\/b" is refused: .* add up to \d+ bytes .* the limit is 1000/,
      {
        maxTotalSize: 1000,
      },
    );
  });

  it('catches a header that declares less data than the entry holds', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'package/ok.txt', data: 'fine' },
      { name: 'package/liar.bin', data: Buffer.alloc(100_000, 7), declaredSize: 10 },
    ]);
    await expectExtractRefused(
      pkg,
      /entry "package\/liar.bin" is refused: it holds more data than the 10 bytes/,
    );
    const stream = await openEntryStream(pkg, 'package/liar.bin');
    await expect(readAll(stream)).rejects.toThrow(PackageFormatError);
  });

  it('catches a header that declares more data than the entry holds', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/short.bin', data: 'abc', declaredSize: 50 }]);
    await expectExtractRefused(
      pkg,
      /entry "package\/short.bin" is refused: it holds 3 bytes, not the 50 its header declares/,
    );
  });

  it('refuses the same path twice', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'package/a', data: '1' },
      { name: 'package\\a', data: '2' },
    ]);
    await expectExtractRefused(
      pkg,
      /entry "package\/a" is refused: the package holds this path more than once/,
    );
  });

  it('refuses a file and a directory of the same name', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'package/a', data: '1' },
      { name: 'package/a/b', data: '2' },
    ]);
    await expectExtractRefused(pkg, /entry "package\/a\/b" is refused: it clashes with another entry/);
  });

  it('refuses a file that is not a zip', async () => {
    const path = join(dir, 'junk.upack');
    await writeFile(path, 'this is not a zip file at all');
    await expectExtractRefused(path, /is not a readable zip file/);
  });

  it('refuses a missing or unusable upack.json with the reason', async () => {
    const cases: [RawZipEntry[], RegExp][] = [
      [[{ name: 'package/a', data: 'x' }], /upack\.json is missing from the root of the package/],
      [[{ name: 'package/upack.json', data: '{}' }], /upack\.json is missing/],
      [[{ name: 'upack.json', data: '{ nope' }], /entry "upack.json" is refused: it is not valid JSON/],
      [[{ name: 'upack.json', data: '[1]' }], /it is not a JSON object/],
      [[{ name: 'upack.json', data: '{"name":"x"}' }], /it has no version/],
      [[{ name: 'upack.json', data: Buffer.from([0x7b, 0xff, 0x7d]) }], /it is not valid UTF-8/],
    ];
    for (const [entries, reason] of cases) {
      const pkg = await zipFile(entries);
      await expectExtractRefused(pkg, reason);
      await expect(readManifest(pkg)).rejects.toThrow(reason);
      await rm(pkg);
    }
  });
});

describe('tolerance', () => {
  it('normalizes backslash separators', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package\\dir\\a.txt', data: 'A' }]);
    expect((await readPackage(pkg)).entries.map((e) => e.path)).toEqual(['upack.json', 'package/dir/a.txt']);
    const out = await extractPackage(pkg, join(dir, 'out'));
    expect(await readFile(join(out.path, 'dir', 'a.txt'), 'utf8')).toBe('A');
  });

  it('reads a manifest with a BOM and reports rule violations without refusing', async () => {
    const manifest = `\uFEFF${JSON.stringify({ name: 'x', version: '1.0', tags: ['a b'], repository: 'r' })}`;
    const pkg = await zipFile([
      { name: 'upack.json', data: manifest },
      { name: 'package/a', data: 'x' },
    ]);
    const read = await readPackage(pkg);
    expect(read.manifest.name).toBe('x');
    expect(read.manifestProblems).toEqual([
      expect.stringContaining('version "1.0"'),
      expect.stringContaining('tags[0] "a b"'),
    ]);
    // A custom property without '_' is kept and only warned about (api-notes §8).
    expect(read.manifest.repository).toBe('r');
    expect(read.manifestWarnings).toEqual([
      expect.stringMatching(/^property "repository" is not a standard manifest field; .*"_repository"/),
    ]);
  });

  it('reads a virtual package and validates its contents', async () => {
    const manifest = JSON.stringify({ name: 'v', version: '1.0.0', contents: ['acme/zlib:1.2.3'] });
    const pkg = await zipFile([{ name: 'upack.json', data: manifest }], 'v.vpack');
    const read = await readPackage(pkg);
    expect(read).toMatchObject({ virtual: true, manifestProblems: [], entries: [{ path: 'upack.json' }] });
  });

  it('creates directory entries and skips metacontent', async () => {
    const pkg = await zipFile([
      MANIFEST_ENTRY,
      { name: 'icon.png', data: 'meta' },
      { name: 'package/', method: 0 },
      { name: 'package/empty/', method: 0 },
      { name: 'package/a', data: 'a' },
    ]);
    const out = await extractPackage(pkg, join(dir, 'out'));
    expect((await readdir(out.path)).sort()).toEqual(['a', 'empty']);
    expect(out.fileCount).toBe(1);
  });
});

describe('extraction destination', () => {
  it('extracts into an existing empty directory', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/a', data: 'a' }]);
    await mkdir(join(dir, 'out'));
    await expect(extractPackage(pkg, join(dir, 'out'))).resolves.toMatchObject({ fileCount: 1 });
  });

  it('refuses a non-empty destination and leaves it untouched', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY, { name: 'package/a', data: 'a' }]);
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'keep'), 'mine');
    await expect(extractPackage(pkg, join(dir, 'out'))).rejects.toThrow(/not an empty directory/);
    expect(await readdir(join(dir, 'out'))).toEqual(['keep']);
  });

  it('reports a missing entry for openEntryStream', async () => {
    const pkg = await zipFile([MANIFEST_ENTRY]);
    await expect(openEntryStream(pkg, 'package/nope')).rejects.toThrow(/has no entry "package\/nope"/);
  });
});
