// Zips crafted byte by byte to break a reader: zip bombs (overlapping entries, many small bombs, lying sizes)
// and archives where readers disagree on what they hold (a Unicode Path field, a short entry count, a local
// header with another name, bytes no entry owns, a wrong CRC). Each is refused with a reason by readPackage
// and extractPackage (leaving nothing behind), and the ones a user would publish by the publish step before
// any network call.
//
// How other readers see these files (UnZip 6.00 as Debian ships it, Python 3.11 zipfile; checked on these
// fixtures, before this reader refused them):
// - end record counting 2 of 3 records: Python lists and reads all 3, unzip lists all 3 with an error;
//   yauzl saw only 2, so the third file was invisible to our checks.
// - local header with another name: `unzip -t` warns "mismatching local filename" and goes on; Python
//   refuses to read that entry; yauzl never looked.
// - Unicode Path field naming another file (UTF-8 flag set): unzip and Python use the raw name
//   (readme.txt), yauzl used the field (run.exe).
// - overlapping records: unzip refuses ("overlapped components (possible zip bomb)"), Python 3.11 reads
//   the shared data once per record if the names allow; yauzl inflated it for every record.
// - wrong CRC: `unzip -t` reports "bad CRC 3610a686 (should be 12345678)", Python raises "Bad CRC-32";
//   yauzl extracted silently.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractPackage, openEntryStream, PackageFormatError, readPackage } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MANIFEST_ENTRY,
  type RawZipEntry,
  type RawZipOptions,
  unicodePathField,
  writeZip,
} from '../../core/test/upack/zip-writer.js';
import { bundlesReady, connectionCounter, run, type Scratch, scratch } from './helpers.js';
import { runStepInProcess } from './input-harness.js';

interface HostileCase {
  title: string;
  bytes: () => Buffer;
  /** The reason after "<file>: ", exact or as a pattern where byte offsets show. */
  reason: string | RegExp;
  /** Listing alone cannot see it (only reading the bytes does). */
  extractOnly?: boolean;
  /** Also give it to the publish step as an existing package. */
  publish?: boolean;
}

const text = (n: number, seed: string) => Buffer.from(seed.repeat(Math.ceil(n / seed.length)).slice(0, n));
const noise = (n: number) => randomBytes(n);
const refused = (name: string, why: string) => `entry ${JSON.stringify(name)} is refused: ${why}`;
const pkg = (entries: RawZipEntry[], options?: RawZipOptions) =>
  writeZip([MANIFEST_ENTRY, ...entries], options);
const OVERLAP = 'overlapping entries are how zip bombs repeat one compressed payload';
const HIDDEN = 'streaming zip readers could find a file there that the central directory does not list';
/** A complete local header and data for a file no central record lists. */
const smuggled = () => writeZip([{ name: 'package/hidden.sh', data: 'rm -rf ~' }]).subarray(0, 30 + 17 + 16);

const CASES: HostileCase[] = [
  // ---- zip bombs ----
  {
    title: 'bomb: two records share one payload',
    bytes: () =>
      pkg([
        { name: 'package/a.bin', data: noise(4000) },
        { name: 'package/b.bin', sameDataAs: 1 },
      ]),
    reason: refused('package/b.bin', `it shares its data with entry "package/a.bin"; ${OVERLAP}`),
    publish: true,
  },
  {
    title: 'bomb: ten records share one payload',
    bytes: () =>
      pkg([
        { name: 'package/0.bin', data: noise(2000) },
        ...Array.from({ length: 9 }, (_, i) => ({ name: `package/${i + 1}.bin`, sameDataAs: 1 })),
      ]),
    reason: refused('package/1.bin', `it shares its data with entry "package/0.bin"; ${OVERLAP}`),
  },
  {
    title: 'bomb: a record points into the middle of another entry',
    bytes: () =>
      pkg([
        { name: 'package/outer.bin', data: noise(3000) },
        { name: 'package/inner.bin', data: noise(10), offsetShift: -1500 },
      ]),
    reason: new RegExp(
      `^${esc(refused('package/inner.bin', 'its local header (byte '))}\\d+\\) lies inside the data of entry "package/outer.bin"; ${OVERLAP}$`,
    ),
  },
  {
    title: 'bomb: 200 entries of 60 KiB zeros, each under the per-entry threshold',
    bytes: () =>
      pkg(
        Array.from({ length: 200 }, (_, i) => ({ name: `package/z${i}.bin`, data: Buffer.alloc(60 * 1024) })),
      ),
    reason:
      /^its entries declare \d+ bytes uncompressed, \d+ times the \d+-byte file \(limit 250:1\): a likely zip bomb$/,
    publish: true,
  },
  {
    title: 'bomb: one 512 KiB entry of zeros (below the old 1 MiB threshold)',
    bytes: () => pkg([{ name: 'package/z.bin', data: Buffer.alloc(512 * 1024) }]),
    reason:
      /^entry "package\/z\.bin" is refused: it expands \d+ bytes to 524288 \(ratio \d+:1, limit 250:1\): a likely zip bomb$/,
  },
  {
    title: 'bomb: 200 KB of data declaring 4 GiB',
    bytes: () =>
      pkg([{ name: 'package/big.bin', data: noise(200_000), method: 0, declaredSize: 0xfffffffe }]),
    // Stored data must be as long as it declares; yauzl refuses the mismatch while listing.
    reason:
      'has a damaged central directory: record 2 of the 2 its end-of-archive record counts cannot be read (compressed/uncompressed size mismatch for stored file: 200000 != 4294967294)',
  },
  {
    title: 'bomb: deflated 200 KB declaring 4 GiB',
    bytes: () => pkg([{ name: 'package/big.bin', data: noise(200_000), declaredSize: 0xfffffffe }]),
    reason:
      /^entry "package\/big\.bin" is refused: it expands \d+ bytes to 4294967294 \(ratio \d+:1, limit 250:1\): a likely zip bomb$/,
    publish: true,
  },
  // ---- readers that would disagree ----
  {
    title: 'a Unicode Path field naming another file',
    bytes: () =>
      pkg([
        {
          name: 'package/readme.txt',
          data: 'x',
          centralExtra: unicodePathField('package/readme.txt', 'package/run.exe'),
        },
      ]),
    reason: refused(
      'package/run.exe',
      'its Unicode Path extra field (0x7075) names it "package/run.exe" while the name field says "package/readme.txt"; zip tools would disagree on which file this is',
    ),
    publish: true,
  },
  {
    title: 'a Unicode Path field with a stale CRC (ignored by some readers only)',
    bytes: () =>
      pkg([
        {
          name: 'package/readme.txt',
          data: 'x',
          centralExtra: unicodePathField('package/other.txt', 'package/../../evil'),
        },
      ]),
    reason: refused(
      'package/readme.txt',
      'its Unicode Path extra field (0x7075) names it "package/../../evil" while the name field says "package/readme.txt"; zip tools would disagree on which file this is',
    ),
  },
  {
    title: 'a Unicode Path field only in the local header',
    bytes: () =>
      pkg([
        {
          name: 'package/readme.txt',
          data: 'x',
          localExtra: unicodePathField('package/readme.txt', 'package/run.exe'),
        },
      ]),
    reason: refused(
      'package/readme.txt',
      'its local header’s Unicode Path extra field (0x7075) names it "package/run.exe" while the name field says "package/readme.txt"; zip tools would disagree on which file this is',
    ),
  },
  {
    title: 'an end record that hides the last central record',
    bytes: () =>
      pkg(
        [
          { name: 'package/a.txt', data: 'a' },
          { name: 'package/hidden.sh', data: 'rm -rf ~' },
        ],
        {
          eocdCount: 2,
        },
      ),
    reason:
      'its end-of-archive record counts 2 entries, but the central directory holds 63 more bytes of records; zip tools that read the whole directory would see files this reader does not',
    publish: true,
  },
  {
    title: 'an end record that hides two central records',
    bytes: () =>
      pkg(
        [
          { name: 'package/a.txt', data: 'a' },
          { name: 'package/b.txt', data: 'b' },
          { name: 'package/c.txt', data: 'c' },
        ],
        { eocdCount: 2 },
      ),
    reason:
      'its end-of-archive record counts 2 entries, but the central directory holds 118 more bytes of records; zip tools that read the whole directory would see files this reader does not',
  },
  {
    title: 'an end record that counts more records than there are',
    bytes: () => pkg([{ name: 'package/a.txt', data: 'a' }], { eocdCount: 3 }),
    reason:
      'has a damaged central directory: record 3 of the 3 its end-of-archive record counts cannot be read (unexpected end of file: read 22 of 46 bytes)',
  },
  {
    title: 'a local header with another name',
    bytes: () => pkg([{ name: 'package/readme.txt', data: 'x', localName: 'package/run.sh' }]),
    reason: refused(
      'package/readme.txt',
      'its local header names it "package/run.sh"; zip tools that read local headers (streaming extractors) would create a different file',
    ),
    publish: true,
  },
  {
    title: 'a local header with a climbing name',
    bytes: () => pkg([{ name: 'package/a.txt', data: 'x', localName: '../../a.txt' }]),
    reason: refused(
      'package/a.txt',
      'its local header names it "../../a.txt"; zip tools that read local headers (streaming extractors) would create a different file',
    ),
  },
  {
    title: 'a file no record lists, between the last entry and the central directory',
    bytes: () => pkg([{ name: 'package/a.txt', data: 'a' }], { beforeCentral: smuggled() }),
    reason: refused(
      'package/a.txt',
      `63 bytes that belong to no entry lie between it and the central directory; ${HIDDEN}`,
    ),
  },
  {
    title: 'a file no record lists, before the first entry',
    bytes: () => pkg([{ name: 'package/a.txt', data: 'a' }], { prefix: smuggled() }),
    reason: refused(
      'upack.json',
      `63 bytes that belong to no entry lie between the start of the file and this one; ${HIDDEN}`,
    ),
  },
  {
    title: 'a content file whose CRC-32 does not match',
    bytes: () => pkg([{ name: 'package/a.txt', data: 'hello', crc: 0x12345678 }]),
    reason: refused(
      'package/a.txt',
      'its data does not match its CRC-32 (declared 12345678, computed 3610a686): the package is damaged or was altered',
    ),
    extractOnly: true,
  },
  {
    title: 'a upack.json whose CRC-32 does not match',
    bytes: () =>
      writeZip([
        { ...MANIFEST_ENTRY, crc: 1 },
        { name: 'package/a.txt', data: 'a' },
      ]),
    reason:
      /^entry "upack\.json" is refused: its data does not match its CRC-32 \(declared 00000001, computed [0-9a-f]{8}\): the package is damaged or was altered$/,
    publish: true,
  },
  // ---- manifests that crash whatever walks them ----
  {
    title: 'upack.json nested 300,000 levels deep',
    bytes: () =>
      writeZip([
        {
          name: 'upack.json',
          data: `{"name":"a","version":"1.0.0","x":${'['.repeat(300_000)}${']'.repeat(300_000)}}`,
          method: 0,
        },
        { name: 'package/a.txt', data: 'a' },
      ]),
    reason: refused('upack.json', 'it nests objects and arrays more than 64 levels deep; the limit is 64'),
    publish: true,
  },
  {
    title: 'upack.json nested 65 levels deep in objects',
    bytes: () =>
      writeZip([
        {
          name: 'upack.json',
          data: `{"name":"a","version":"1.0.0","x":${'{"y":'.repeat(64)}1${'}'.repeat(64)}}`,
        },
        { name: 'package/a.txt', data: 'a' },
      ]),
    reason: refused('upack.json', 'it nests objects and arrays more than 64 levels deep; the limit is 64'),
  },
];

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let dir: Scratch;
const files = new Map<string, string>();

beforeAll(async () => {
  await bundlesReady();
  dir = await scratch('hostile-zip');
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

function expectReason(message: string, file: string, reason: string | RegExp): void {
  expect(message.startsWith(`${file}: `), message).toBe(true);
  const rest = message.slice(file.length + 2);
  if (typeof reason === 'string') expect(rest).toBe(reason);
  else expect(rest).toMatch(reason);
}

describe('hostile zips are refused with a reason', () => {
  it.each(CASES.filter((c) => !c.extractOnly))('readPackage: $title', async (c) => {
    const file = files.get(c.title)!;
    expectReason((await refusal(readPackage(file))).message, file, c.reason);
  });

  it.each(CASES)('extractPackage: $title leaves nothing behind', async (c) => {
    const file = files.get(c.title)!;
    const out = join(dir.path, `out-${CASES.indexOf(c)}`);
    expectReason((await refusal(extractPackage(file, join(out, 'dest')))).message, file, c.reason);
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });

  it.each(CASES.filter((c) => c.publish))('publish step: $title, before any network call', async (c) => {
    const file = files.get(c.title)!;
    const outcome = await runStepInProcess(
      'publish',
      { server: 'https://proget.example.com', 'api-key': 'k-123', feed: 'dev-feed', path: file },
      { workspace: dir.path },
    );
    expect(outcome.clientUses.filter((u) => u !== 'createClient')).toEqual([]);
    expectReason(outcome.failed ?? '', file, c.reason);
  });

  it.concurrent.each(
    CASES.filter((c) => c.publish),
  )('publish bundle: $title, no connection made', async (c) => {
    const file = files.get(c.title)!;
    const counter = await connectionCounter();
    try {
      const r = await run('publish', {
        workspace: dir.path,
        inputs: { server: counter.url, 'api-key': 'k-123', feed: 'dev-feed', path: file },
      });
      expect(counter.connections()).toBe(0);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expectReason(r.errors[0]!, file, c.reason);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await counter.close();
    }
  });

  it('a content entry with a wrong CRC fails openEntryStream at its end', async () => {
    const file = files.get('a content file whose CRC-32 does not match')!;
    const stream = await openEntryStream(file, 'package/a.txt');
    const read = (async () => {
      for await (const _ of stream) {
        // drain
      }
    })();
    expectReason((await refusal(read)).message, file, CASES.find((c) => c.extractOnly)!.reason);
  });
});

describe('what must still pass', () => {
  it.each([
    [
      '16 KiB of spaces (ratio far above 250:1, but tiny)',
      [{ name: 'package/blank.txt', data: text(16 * 1024, ' ') }],
    ],
    [
      'a Unicode Path field that agrees with the name',
      [
        {
          name: 'package/café.txt',
          data: 'x',
          centralExtra: unicodePathField('package/café.txt', 'package/café.txt'),
        },
      ],
    ],
    [
      'many small text files',
      Array.from({ length: 300 }, (_, i) => ({ name: `package/t${i}.txt`, data: text(2000, `line ${i}\n`) })),
    ],
  ] as [string, RawZipEntry[]][])('%s', async (_title, entries) => {
    const file = join(dir.path, `ok-${randomBytes(4).toString('hex')}.upack`);
    await writeFile(file, pkg(entries));
    await expect(readPackage(file)).resolves.toMatchObject({ manifest: { name: 'evil' } });
    const out = await extractPackage(file, join(dir.path, `ok-out-${randomBytes(4).toString('hex')}`));
    expect(out.fileCount).toBe(entries.length);
  });
});
