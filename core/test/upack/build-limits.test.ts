// The builder meets the limits readers apply (same defaults, same numbers in the messages), ends a walk
// through symlinks that fan out, names undecodable file names, and notices files that change while it reads.

import { appendFile, mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackageFormatError, ValidationError } from '../../src/errors.js';
import { type BuildPackageOptions, buildPackage } from '../../src/upack/build.js';
import { DEFAULT_EXTRACT_LIMITS, readPackage } from '../../src/upack/read.js';
import { MANIFEST_ENTRY, type RawZipEntry, writeZip } from './zip-writer.js';

let dir: string;
let src: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upack-limits-'));
  src = join(dir, 'src');
  await mkdir(src);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const build = (extra: Partial<BuildPackageOptions> = {}) =>
  buildPackage({
    sourceDir: src,
    manifest: { name: 'app', version: '1.0.0' },
    outFile: join(dir, 'out.upack'),
    ...extra,
  });

async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).problems;
}

/** Nothing but the source tree is left in the scratch directory (no package, no temp file). */
async function expectNoOutput(): Promise<void> {
  expect(await readdir(dir)).toEqual(['src']);
}

describe('the builder and the reader share their limits', () => {
  it('refuses the file count the reader would refuse, naming the same limit (default 50,000)', async () => {
    // 250 files seen through 200 directory links too: 50,250 files from 451 file-system objects.
    await mkdir(join(src, 'base'));
    await Promise.all(Array.from({ length: 250 }, (_, i) => writeFile(join(src, 'base', `f${i}`), '')));
    await mkdir(join(src, 'links'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => symlink('../base', join(src, 'links', `l${i}`))));
    expect(await problemsOf(build())).toEqual([
      `more than 49999 files in ${src} match; a package may hold at most 50000 entries with upack.json (maxEntries), the limit readers apply by default (exclude what does not belong, or check for symlinks that fan out)`,
    ]);
    await expectNoOutput();

    // The reader refuses a zip of 50,000 files (+ upack.json) with the same number.
    const names = Array.from({ length: 50_000 }, (_, i) => `f${i}`);
    const entries: RawZipEntry[] = [
      MANIFEST_ENTRY,
      ...names.map((n) => ({ name: `package/many/${n}`, method: 0 as const })),
    ];
    const zip = join(dir, 'same.upack');
    await writeFile(zip, writeZip(entries));
    await expect(readPackage(zip)).rejects.toThrow(
      `${zip}: holds 50001 entries; the limit is 50000 (raise maxEntries if this is expected)`,
    );
    await rm(zip);
    expect(DEFAULT_EXTRACT_LIMITS.maxEntries).toBe(50_000);
  }, 60_000);

  it('honours a changed entry limit on both sides', async () => {
    for (let i = 0; i < 10; i++) await writeFile(join(src, `f${i}`), `${i}`);
    expect(await problemsOf(build({ limits: { maxEntries: 10 } }))).toEqual([
      expect.stringMatching(
        /^more than 9 files in .* match; a package may hold at most 10 entries with upack\.json \(maxEntries\), the limit readers apply \(/,
      ),
    ]);
    const built = await build({ limits: { maxEntries: 11 } });
    await expect(readPackage(built.path, { maxEntries: 11 })).resolves.toBeDefined();
    await expect(readPackage(built.path, { maxEntries: 10 })).rejects.toThrow(
      /holds 11 entries; the limit is 10/,
    );
  });

  it('refuses content the reader would refuse as a zip bomb, and builds it with the limit raised', async () => {
    await writeFile(join(src, 'zeros.bin'), Buffer.alloc(1024 * 1024));
    expect(await problemsOf(build())).toEqual([
      expect.stringMatching(
        /^readers would refuse the package built from these files: entry "package\/zeros\.bin" is refused: it expands \d+ bytes to 1048576 \(ratio \d+:1, limit 250:1\): a likely zip bomb \(see the limits option\)$/,
      ),
    ]);
    await expectNoOutput();
    const built = await build({ limits: { maxCompressionRatio: 2000 } });
    await expect(readPackage(built.path, { maxCompressionRatio: 2000 })).resolves.toBeDefined();
    await expect(readPackage(built.path)).rejects.toBeInstanceOf(PackageFormatError);
  });

  it("refuses a manifest over the reader's manifest limit", async () => {
    await writeFile(join(src, 'a.txt'), 'a');
    const problems = await problemsOf(
      build({ manifest: { name: 'app', version: '1.0.0', description: 'x'.repeat(1024 * 1024) } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^the manifest is \d+ bytes as written; readers refuse more than 1048576 \(maxManifestSize\)$/,
      ),
    ]);
  });

  it('refuses a manifest nested deeper than readers accept, without overflowing the stack', async () => {
    await writeFile(join(src, 'a.txt'), 'a');
    let deep: unknown = 1;
    for (let i = 0; i < 300_000; i++) deep = [deep];
    expect(await problemsOf(build({ manifest: { name: 'app', version: '1.0.0', _deep: deep } }))).toEqual([
      'the manifest nests objects and arrays more than 64 levels deep; the limit is 64',
    ]);
  });
});

describe('walking the source directory', () => {
  it('ends a walk through symlinks that fan out without a loop (depth), with default limits', async () => {
    // t/d0 .. t/d199, each with links a and b to the next: no loop, but 2^200 paths.
    for (let i = 0; i < 200; i++) await mkdir(join(src, 't', `d${i}`), { recursive: true });
    for (let i = 0; i < 199; i++) {
      await symlink(`../d${i + 1}`, join(src, 't', `d${i}`, 'a'));
      await symlink(`../d${i + 1}`, join(src, 't', `d${i}`, 'b'));
    }
    await writeFile(join(src, 't', 'd199', 'leaf.txt'), 'leaf');
    await symlink('t/d0', join(src, 'start'));
    const started = Date.now();
    const problems = await problemsOf(build({ exclude: ['t'] }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^"start(\/[ab])+\/?…" is 128 levels deep; readers refuse package paths of more than 128 segments \(maxPathDepth\), "package\/" included \(check for symlinks that fan out\)$/,
      ),
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
    await expectNoOutput();
  });

  it('ends a walk through symlinks that fan out without a loop (directory count)', async () => {
    // 4 links per level, 8 levels: 4^8 = 65,536 paths to the last level, all through 9 real directories.
    for (let i = 0; i <= 8; i++) await mkdir(join(src, 't', `d${i}`), { recursive: true });
    for (let i = 0; i < 8; i++) {
      for (const l of ['a', 'b', 'c', 'd']) await symlink(`../d${i + 1}`, join(src, 't', `d${i}`, l));
    }
    await symlink('t/d0', join(src, 'start'));
    const problems = await problemsOf(build({ exclude: ['t'], limits: { maxEntries: 300 } }));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the walk of ${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} entered more than 300 directories \\(the last "start(/[abcd])*"\\); a package may hold at most 300 entries with upack\\.json \\(maxEntries\\), the limit readers apply \\(`,
        ),
      ),
    ]);
  });

  it('names a file whose name is not valid UTF-8, and why', async () => {
    await mkdir(join(src, 'docs'));
    await writeFile(join(src, 'docs', 'ok.txt'), 'ok');
    await writeFile(
      Buffer.concat([Buffer.from(join(src, 'docs', 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]),
      'x',
    );
    expect(await problemsOf(build())).toEqual([
      'file name "docs/caf\\xe9.txt" is not valid UTF-8 (bytes shown as \\xNN); zip entry names in a package are UTF-8, so rename it or exclude it',
    ]);
    // Excluded, it is no problem.
    await expect(build({ exclude: ['docs/caf*'] })).resolves.toMatchObject({ fileCount: 1 });
  });
});

describe('files that change while the package is built', () => {
  // The first file is 16 blocks; the writer reads at most 8 blocks ahead, so at the first progress report
  // the later files have not been opened yet, and changing them then is a change "between listing and reading".
  const big = () => writeFile(join(src, 'a.bin'), Buffer.alloc(16 * 1024 * 1024, 7));

  it('fails when an empty file grows', async () => {
    await big();
    await writeFile(join(src, 'z.log'), '');
    let changed = false;
    const err = await build({
      compressionLevel: 0,
      onProgress: () => {
        if (changed) return;
        changed = true;
        void appendFile(join(src, 'z.log'), 'late line\n');
      },
    }).catch((e: unknown) => e);
    expect(changed).toBe(true);
    expect((err as Error).message).toMatch(
      /^"package\/z\.log" \(.*z\.log\) changed while the package was being built: it was 0 bytes when listed, now longer$/,
    );
    await expectNoOutput();
  });

  it('fails when a file shrinks', async () => {
    await big();
    await writeFile(join(src, 'y.txt'), 'x'.repeat(100));
    let changed = false;
    const err = await build({
      compressionLevel: 0,
      onProgress: () => {
        if (changed) return;
        changed = true;
        void truncate(join(src, 'y.txt'), 10);
      },
    }).catch((e: unknown) => e);
    expect(changed).toBe(true);
    expect((err as Error).message).toMatch(
      /^"package\/y\.txt" .* it was 100 bytes when listed, now shorter$/,
    );
    await expectNoOutput();
  });
});
