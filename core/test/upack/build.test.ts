import { randomBytes } from 'node:crypto';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { hashFile } from '../../src/hashing.js';
import { type BuildPackageOptions, type BuildProgress, buildPackage } from '../../src/upack/build.js';
import { openEntryStream, readPackage } from '../../src/upack/read.js';
import { zipEntries } from './zip-entries.js';

let dir: string;
let src: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upack-build-'));
  src = join(dir, 'src');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(tree: Record<string, string | Buffer>, root = src): Promise<void> {
  for (const [rel, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

const manifest = { name: 'app', version: '1.0.0' };
const build = (extra: Partial<BuildPackageOptions> = {}) =>
  buildPackage({ sourceDir: src, manifest, outFile: join(dir, 'out', 'app.upack'), ...extra });
const contentPaths = async (path: string) =>
  (await readPackage(path)).entries.map((e) => e.path).filter((p) => p !== 'upack.json');

describe('buildPackage: format', () => {
  it('writes upack.json first, then sorted content under package/, with fixed dates and modes', async () => {
    await files({ 'b.txt': 'b', 'a/z.txt': 'z', 'a-b.txt': 'ab', 'A.txt': 'A', '.env': 'dot' });
    const built = await build();
    const entries = await zipEntries(built.path);
    expect(entries.map((e) => e.fileName)).toEqual([
      'upack.json',
      'package/.env',
      'package/A.txt',
      'package/a-b.txt',
      'package/a/z.txt',
      'package/b.txt',
    ]);
    for (const e of entries) {
      // yauzl 3 takes a timezone; @types/yauzl (2.x) does not know it.
      const utc = (e.getLastModDate as (o: { timezone: 'UTC' }) => Date).call(e, { timezone: 'UTC' });
      expect(utc.toISOString()).toBe('2000-01-01T00:00:00.000Z');
      expect((e.externalFileAttributes >>> 16) & 0o7777).toBe(0o644);
    }
  });

  it('keeps execute bits only with preserveExecutable', async () => {
    await files({ 'run.sh': 'echo', 'data.txt': 'd' });
    await chmod(join(src, 'run.sh'), 0o700);
    const modes = async (built: { path: string }) =>
      (await zipEntries(built.path)).map((e) => [e.fileName, (e.externalFileAttributes >>> 16) & 0o7777]);
    expect(await modes(await build())).toEqual([
      ['upack.json', 0o644],
      ['package/data.txt', 0o644],
      ['package/run.sh', 0o644],
    ]);
    expect(await modes(await build({ preserveExecutable: true }))).toEqual([
      ['upack.json', 0o644],
      ['package/data.txt', 0o644],
      ['package/run.sh', 0o755],
    ]);
  });

  it('reports what it wrote: path, size, hashes, counts', async () => {
    await files({ 'a.txt': 'hello', 'b/c.txt': 'world!' });
    const built = await build();
    expect(built.path).toBe(join(dir, 'out', 'app.upack'));
    expect(built.fileCount).toBe(2);
    expect(built.contentBytes).toBe(11);
    const onDisk = await hashFile(built.path);
    expect(built).toMatchObject({ size: onDisk.size, sha1: onDisk.sha1, sha256: onDisk.sha256 });
    expect(built.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect((await stat(built.path)).size).toBe(built.size);
  });

  it('writes upack.json as UTF-8 without BOM, pretty, in a stable key order', async () => {
    await files({ 'a.txt': 'a' });
    const built = await build({
      manifest: { _z: 'ü', version: '1.0.0', title: 'Tïtle', name: 'app', group: 'g' },
    });
    const chunks: Buffer[] = [];
    for await (const c of await openEntryStream(built.path, 'upack.json')) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    expect(bytes[0]).toBe(0x7b); // '{', no EF BB BF
    expect(bytes.toString('utf8')).toBe(
      '{\n  "group": "g",\n  "name": "app",\n  "version": "1.0.0",\n  "title": "Tïtle",\n  "_z": "ü"\n}\n',
    );
    expect(built.manifest).toEqual({ group: 'g', name: 'app', version: '1.0.0', title: 'Tïtle', _z: 'ü' });
  });

  it('stores already-compressed types and deflates the rest', async () => {
    const zeros = Buffer.alloc(10_000);
    await files({ 'img.png': zeros, 'lib.ZIP': zeros, 'data.txt': zeros });
    const byName = new Map((await zipEntries((await build()).path)).map((e) => [e.fileName, e]));
    expect(byName.get('package/img.png')?.compressionMethod).toBe(0);
    expect(byName.get('package/lib.ZIP')?.compressionMethod).toBe(0);
    expect(byName.get('package/data.txt')?.compressionMethod).toBe(8);
    expect(byName.get('package/data.txt')!.compressedSize).toBeLessThan(100);
  });

  it('stores everything at compressionLevel 0 and refuses an invalid level', async () => {
    await files({ 'data.txt': Buffer.alloc(1000) });
    const entries = await zipEntries((await build({ compressionLevel: 0 })).path);
    expect(entries.map((e) => e.compressionMethod)).toEqual([0, 0]);
    await expect(build({ compressionLevel: 11 })).rejects.toThrow(
      /compressionLevel 11 must be a whole number from 0 to 9/,
    );
  });
});

describe('buildPackage: determinism', () => {
  it('gives the same bytes twice, and from a copy with other mtimes and creation order', async () => {
    await files({ 'z.txt': 'last', 'a/b/c.txt': 'deep', 'm.bin': Buffer.alloc(5000, 3), '.hidden': 'h' });
    const first = await build();
    const second = await build({ outFile: join(dir, 'again.upack') });
    expect(second.sha1).toBe(first.sha1);
    expect(second.sha256).toBe(first.sha256);

    const copy = join(dir, 'copy');
    // Created in a different order, with different timestamps.
    await files(
      { '.hidden': 'h', 'm.bin': Buffer.alloc(5000, 3), 'a/b/c.txt': 'deep', 'z.txt': 'last' },
      copy,
    );
    const old = new Date('1999-03-04T05:06:07Z');
    for (const rel of ['z.txt', 'a/b/c.txt', 'm.bin', '.hidden', 'a/b', 'a'])
      await utimes(join(copy, rel), old, old);
    const third = await build({ sourceDir: copy, outFile: join(dir, 'copy.upack') });
    expect(third.sha1).toBe(first.sha1);

    const cpCopy = join(dir, 'cp');
    await cp(src, cpCopy, { recursive: true, preserveTimestamps: false });
    expect((await build({ sourceDir: cpCopy, outFile: join(dir, 'cp.upack') })).sha1).toBe(first.sha1);
  });

  it('gives different bytes when content or manifest changes', async () => {
    await files({ 'a.txt': 'one' });
    const one = await build();
    await writeFile(join(src, 'a.txt'), 'two');
    const two = await build();
    const three = await build({ manifest: { ...manifest, version: '1.0.1' } });
    expect(new Set([one.sha1, two.sha1, three.sha1]).size).toBe(3);
  });

  it('skips the output file when it is written inside the source directory', async () => {
    await files({ 'a.txt': 'a' });
    const inside = join(src, 'app.upack');
    const first = await build({ outFile: inside });
    const second = await build({ outFile: inside }); // app.upack now exists in src
    expect(second.sha1).toBe(first.sha1);
    expect(await contentPaths(second.path)).toEqual(['package/a.txt']);
  });
});

describe('buildPackage: selection', () => {
  beforeEach(async () => {
    await files({
      'bin/tool': 'x',
      'bin/tool.pdb': 'x',
      'docs/readme.md': 'x',
      'node_modules/dep/index.js': 'x',
      '.git/config': 'x',
      '.env': 'x',
      'top.txt': 'x',
    });
  });

  it('includes everything by default, dot-files too', async () => {
    expect(await contentPaths((await build()).path)).toEqual([
      'package/.env',
      'package/.git/config',
      'package/bin/tool',
      'package/bin/tool.pdb',
      'package/docs/readme.md',
      'package/node_modules/dep/index.js',
      'package/top.txt',
    ]);
  });

  it('applies include and exclude globs to /-separated relative paths', async () => {
    const built = await build({ include: ['bin/**', '**/*.md'], exclude: ['**/*.pdb'] });
    expect(await contentPaths(built.path)).toEqual(['package/bin/tool', 'package/docs/readme.md']);
    expect(built.fileCount).toBe(2);
  });

  it('treats a pattern that names a directory as everything under it', async () => {
    const built = await build({ include: ['bin', 'top.txt'], exclude: ['.git', 'node_modules', '.env'] });
    expect(await contentPaths(built.path)).toEqual([
      'package/bin/tool',
      'package/bin/tool.pdb',
      'package/top.txt',
    ]);
  });

  it('refuses an empty selection with the filters in the message', async () => {
    const err = await build({ include: ['*.nothing'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(
      /no files in .* match include \["\*\.nothing"\]; a package needs at least one file/,
    );
    expect(await readdir(dir)).toEqual(['src']); // nothing written, not even the out directory's file
  });

  it('refuses a missing source directory', async () => {
    await expect(build({ sourceDir: join(dir, 'nope') })).rejects.toThrow(
      /sourceDir .*nope is not a directory/,
    );
  });
});

describe('buildPackage: symlinks', () => {
  it('stores an in-tree file link as the file content', async () => {
    await files({ 'real.txt': 'content' });
    await symlink('real.txt', join(src, 'link.txt'));
    const built = await build();
    expect(await contentPaths(built.path)).toEqual(['package/link.txt', 'package/real.txt']);
    const read = await readPackage(built.path);
    expect(read.entries.find((e) => e.path === 'package/link.txt')?.size).toBe(7);
  });

  it('follows an in-tree directory link', async () => {
    await files({ 'lib/a.txt': 'a' });
    await symlink('lib', join(src, 'alias'));
    expect(await contentPaths((await build()).path)).toEqual(['package/alias/a.txt', 'package/lib/a.txt']);
  });

  it('refuses links that leave the source directory, naming each', async () => {
    await files({ 'a.txt': 'a', 'secret.txt': 's' }, join(dir, 'outside'));
    await files({ 'ok.txt': 'ok' });
    await symlink(join(dir, 'outside', 'secret.txt'), join(src, 'steal.txt'));
    await symlink('../outside', join(src, 'up'));
    const err = await build().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const problems = (err as ValidationError).problems;
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/symlink "steal.txt" points outside .*secret\.txt/);
    expect(problems.join('\n')).toMatch(/symlink "up" points outside/);
    await expect(stat(join(dir, 'out', 'app.upack'))).rejects.toThrow();
  });

  it('ignores an escaping link that the filters exclude', async () => {
    await files({ 'ok.txt': 'ok' });
    await files({ 'x.txt': 'x' }, join(dir, 'outside'));
    await symlink(join(dir, 'outside'), join(src, 'ext'));
    await symlink(join(dir, 'outside', 'x.txt'), join(src, 'x.txt'));
    const built = await build({ exclude: ['ext'], include: ['ok.txt'] });
    expect(await contentPaths(built.path)).toEqual(['package/ok.txt']);
  });

  it('refuses a directory link that loops back and a dangling link', async () => {
    await files({ 'd/a.txt': 'a' });
    await symlink('..', join(src, 'd', 'loop'));
    await symlink('missing.txt', join(src, 'dangling.txt'));
    const problems = ((await build().catch((e: unknown) => e)) as ValidationError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/symlink "dangling.txt" points to a missing target/),
      expect.stringMatching(/symlink "d\/loop" loops back/),
    ]);
  });
});

describe('buildPackage: failures leave nothing behind', () => {
  it('validates the manifest before touching the disk, listing every problem', async () => {
    await files({ 'a.txt': 'a' });
    const err = await build({ manifest: { name: 'bad name', version: '1.0' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toHaveLength(2);
    expect((err as Error).message).toMatch(/^upack\.json: 2 problems/);
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('removes the temp file when aborted mid-write', async () => {
    await files({ 'a.bin': Buffer.alloc(4 * 1024 * 1024, 1), 'b.bin': Buffer.alloc(4 * 1024 * 1024, 2) });
    const controller = new AbortController();
    const err = await build({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.transferred > 0) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('refuses to start with an aborted signal', async () => {
    await files({ 'a.txt': 'a' });
    await expect(build({ signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });
});

describe('buildPackage: progress and memory', () => {
  it('reports progress up to the content size', async () => {
    // Not runs of one byte: those compress ~1000:1, which readers (and so the builder) refuse as a bomb.
    await files({ 'a.bin': randomBytes(300_000), 'b.bin': randomBytes(200_000) });
    const seen: BuildProgress[] = [];
    const built = await build({ onProgress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ transferred: 500_000, total: 500_000, fileCount: 2, filesDone: 2 });
    expect(built.contentBytes).toBe(500_000);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.transferred).toBeGreaterThanOrEqual(seen[i - 1]!.transferred);
  });

  it('streams a large file without holding it in memory', async () => {
    await mkdir(src);
    const size = 256 * 1024 * 1024;
    await writeFile(join(src, 'big.bin'), '');
    await truncate(join(src, 'big.bin'), size); // sparse: cheap to create, still 256 MiB to read
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      // Zeros at level 1 come out near the reader's 250:1 bomb limit; this test is about memory, not ratios.
      const built = await build({ compressionLevel: 1, limits: { maxCompressionRatio: 2000 } });
      expect(built.contentBytes).toBe(size);
    } finally {
      clearInterval(timer);
    }
    expect(peak - before).toBeLessThan(96 * 1024 * 1024);
  }, 60_000);
});

describe('buildPackage: patterns that did nothing', () => {
  it('names the include and exclude patterns that matched no path during the walk', async () => {
    await mkdir(join(src, 'src', 'deep'), { recursive: true });
    await writeFile(join(src, 'src', 'a.ts'), 'a');
    await writeFile(join(src, 'src', 'deep', 'b.ts'), 'b');
    await writeFile(join(src, 'README.md'), 'r');
    const built = await buildPackage({
      sourceDir: src,
      manifest: { name: 'p', version: '1.0.0' },
      outFile: join(dir, 'p.upack'),
      include: ['src', 'docs/**', '*.md'],
      exclude: ['src/deep', '**/*.map'],
    });
    expect(built.fileCount).toBe(2);
    expect(built.unmatchedPatterns).toEqual({ include: ['docs/**'], exclude: ['**/*.map'] });
  });
});
