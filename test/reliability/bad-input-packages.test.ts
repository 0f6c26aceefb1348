// Hostile and broken packages: refused with a reason by readPackage and extractPackage (leaving nothing
// behind), and by the publish step when given as an existing .upack (before any network call).

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractPackage, PackageFormatError, readPackage } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_ENTRY, type RawZipEntry, writeZip } from '../../core/test/upack/zip-writer.js';
import { type Scratch, scratch } from './helpers.js';
import { runStepInProcess } from './input-harness.js';

interface PackageCase {
  title: string;
  bytes: () => Buffer;
  /** The reason after "<file>: ". */
  reason: string;
  /** Also give it to the publish step as an existing package. */
  publish?: boolean;
  extractOnly?: boolean;
}

const entry = (name: string, data: string | Buffer = 'x', extra: Partial<RawZipEntry> = {}): RawZipEntry => ({
  name,
  data,
  ...extra,
});
const withManifest = (...entries: RawZipEntry[]) => writeZip([MANIFEST_ENTRY, ...entries]);
const refused = (name: string, why: string) => `entry ${JSON.stringify(name)} is refused: ${why}`;
const manifest = (text: string | Buffer) => writeZip([entry('upack.json', text), entry('package/a.txt')]);

const CASES: PackageCase[] = [
  {
    title: 'zip-slip: ../ at the root',
    bytes: () => withManifest(entry('../evil.txt')),
    reason: refused('../evil.txt', "its path contains a '..' segment that leaves the package"),
    publish: true,
  },
  {
    title: 'zip-slip: climbing out of package/',
    bytes: () => withManifest(entry('package/../../evil.txt')),
    reason: refused('package/../../evil.txt', "its path contains a '..' segment that leaves the package"),
  },
  {
    title: 'zip-slip: Windows separators',
    bytes: () => withManifest(entry('package\\..\\..\\evil.txt')),
    reason: refused('package/../../evil.txt', "its path contains a '..' segment that leaves the package"),
  },
  {
    title: 'absolute path',
    bytes: () => withManifest(entry('/etc/cron.d/evil')),
    reason: refused('/etc/cron.d/evil', 'its path is absolute'),
    publish: true,
  },
  {
    title: 'drive-letter path',
    bytes: () => withManifest(entry('C:/Windows/evil.dll')),
    reason: refused('C:/Windows/evil.dll', 'its path starts with a drive letter'),
  },
  {
    title: 'NUL in a name',
    bytes: () => withManifest(entry('package/a\0.txt')),
    reason: refused('package/a\0.txt', 'its name contains a NUL character'),
  },
  {
    title: 'symlink entry',
    bytes: () => withManifest(entry('package/passwd', '/etc/passwd', { unixMode: 0o120777 })),
    reason: refused('package/passwd', 'it is a symbolic link, which packages may not contain'),
    publish: true,
  },
  {
    title: 'zip bomb (one entry, 16 MiB of zeros)',
    bytes: () => withManifest(entry('package/bomb.bin', Buffer.alloc(16 * 1024 * 1024))),
    reason: refused(
      'package/bomb.bin',
      'it expands 16310 bytes to 16777216 (ratio 1029:1, limit 250:1): a likely zip bomb',
    ),
    publish: true,
  },
  {
    title: '100,000 entries',
    bytes: () => {
      const entries: RawZipEntry[] = [MANIFEST_ENTRY];
      for (let i = 0; i < 100_000; i++) entries.push({ name: `package/f${i}`, method: 0 });
      return writeZip(entries);
    },
    reason: 'holds 100001 entries; the limit is 50000 (raise maxEntries if this is expected)',
    publish: true,
  },
  {
    title: 'the same path twice',
    bytes: () => withManifest(entry('package/a.txt'), entry('package/a.txt')),
    reason: refused('package/a.txt', 'the package holds this path more than once'),
  },
  {
    title: 'a header that declares less data than the entry holds',
    bytes: () => withManifest(entry('package/liar.bin', Buffer.alloc(100_000, 7), { declaredSize: 10 })),
    reason: refused('package/liar.bin', 'it holds more data than the 10 bytes its header declares'),
    // Listing reads only the central directory; the lie shows when the bytes are read.
    extractOnly: true,
  },
  {
    title: 'missing upack.json',
    bytes: () => writeZip([entry('package/a.txt')]),
    reason: 'upack.json is missing from the root of the package; this is not a universal package',
    publish: true,
  },
  {
    title: 'upack.json that is not JSON',
    bytes: () => manifest('{"name": "a", "version": '),
    reason: refused('upack.json', 'it is not valid JSON (Unexpected end of JSON input)'),
    publish: true,
  },
  {
    title: 'upack.json that is an array',
    bytes: () => manifest('[{"name":"a","version":"1.0.0"}]'),
    reason: refused('upack.json', 'it is not a JSON object'),
  },
  {
    title: 'upack.json without a version',
    bytes: () => manifest('{"name":"a"}'),
    reason: refused('upack.json', 'it has no version'),
  },
  {
    title: 'upack.json that is not UTF-8',
    bytes: () => manifest(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    reason: refused('upack.json', 'it is not valid UTF-8'),
  },
  {
    title: 'upack.json over 1 MiB',
    // Incompressible, so the size limit (not the ratio check) is what refuses it.
    bytes: () =>
      manifest(`{"name":"a","version":"1.0.0","description":"${randomBytes(786_432).toString('base64')}"}`),
    reason: refused('upack.json', `it is ${1024 * 1024 + 47} bytes; the limit for a manifest is 1048576`),
  },
  {
    title: 'not a zip at all',
    bytes: () => Buffer.from('<html>this is a login page</html>'),
    reason:
      'is not a readable zip file (End of central directory record signature not found. Either not a zip file, or file is truncated.)',
    publish: true,
  },
];

let dir: Scratch;
const files = new Map<string, string>();

beforeAll(async () => {
  dir = await scratch('packages');
  for (const [i, c] of CASES.entries()) {
    const path = join(dir.path, `case-${i}.upack`);
    await writeFile(path, c.bytes());
    files.set(c.title, path);
  }
});

afterAll(async () => {
  await dir?.remove();
});

async function refusal(p: Promise<unknown>): Promise<PackageFormatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PackageFormatError);
    return e as PackageFormatError;
  }
  throw new Error('expected the package to be refused');
}

describe('hostile or broken packages are refused with a reason', () => {
  it.each(CASES.filter((c) => !c.extractOnly))('readPackage: $title', async (c) => {
    const file = files.get(c.title)!;
    const e = await refusal(readPackage(file));
    expect(e.message).toBe(`${file}: ${c.reason}`);
  });

  it.each(CASES)('extractPackage: $title leaves nothing behind', async (c) => {
    const file = files.get(c.title)!;
    const out = join(dir.path, `out-${CASES.indexOf(c)}`);
    const e = await refusal(extractPackage(file, join(out, 'dest')));
    expect(e.message).toBe(`${file}: ${c.reason}`);
    expect(existsSync(join(out, 'dest'))).toBe(false);
    // Nothing next to the destination either (no temp directory, no escaped file).
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
    expect(existsSync(join(dir.path, 'evil.txt'))).toBe(false);
  });

  it.each(CASES.filter((c) => c.publish))('publish step: $title, before any network call', async (c) => {
    const file = files.get(c.title)!;
    const outcome = await runStepInProcess(
      'publish',
      { server: 'https://proget.example.com', 'api-key': 'k-123', feed: 'dev-feed', path: file },
      { workspace: dir.path },
    );
    expect(outcome.clientUses.filter((u) => u !== 'createClient')).toEqual([]);
    expect(outcome.failed).toBe(`${file}: ${c.reason}`);
  });
});
