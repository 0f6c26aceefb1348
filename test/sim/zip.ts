// Reading and writing package archives on disk: yauzl reads the real zip (manifest, file list, single
// entries), archiver writes new ones. Everything streams; no package is held in memory.

import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import archiver from 'archiver';
import yauzl from 'yauzl';

export interface ZipEntryInfo {
  /** Entry name with `/` separators (backslashes converted). */
  name: string;
  size: number;
  date: Date;
  isDirectory: boolean;
}

export interface ZipListing {
  entries: ZipEntryInfo[];
  /** Text of the root `upack.json`, if present. */
  manifestText?: string;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

/** Visit every entry in order; `visit` may await (e.g. to consume the entry's stream). */
async function walk(zip: yauzl.ZipFile, visit: (entry: yauzl.Entry) => Promise<boolean | undefined>) {
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      zip.removeAllListeners('entry');
      zip.removeAllListeners('end');
      err ? reject(err) : resolve();
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      visit(entry).then(
        (stop) => (stop ? finish() : zip.readEntry()),
        (err: Error) => finish(err),
      );
    });
    zip.on('end', () => finish());
    zip.on('error', (err: Error) => finish(err));
    zip.readEntry();
  });
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new Error('upack.json is too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function normalize(name: string): string {
  return name.replace(/\\/g, '/');
}

export async function listZip(path: string): Promise<ZipListing> {
  const zip = await openZip(path);
  try {
    const listing: ZipListing = { entries: [] };
    await walk(zip, async (entry) => {
      const name = normalize(entry.fileName);
      const isDirectory = name.endsWith('/');
      listing.entries.push({ name, size: entry.uncompressedSize, date: entry.getLastModDate(), isDirectory });
      if (!isDirectory && name.toLowerCase() === 'upack.json') {
        listing.manifestText = (await readAll(await openStream(zip, entry), MAX_MANIFEST_BYTES)).toString(
          'utf8',
        );
      }
      return false;
    });
    return listing;
  } finally {
    zip.close();
  }
}

export type EntryLookup =
  | { kind: 'file'; stream: Readable; size: number; date: Date }
  | { kind: 'directory' }
  | { kind: 'missing' };

/** Open one entry for streaming; the zip closes when the stream ends. */
export async function openZipEntry(path: string, wanted: string): Promise<EntryLookup> {
  const target = normalize(wanted).replace(/^\/+/, '');
  const targetLower = target.toLowerCase().replace(/\/+$/, '');
  const zip = await openZip(path);
  let found: EntryLookup = { kind: 'missing' };
  try {
    await walk(zip, async (entry) => {
      const name = normalize(entry.fileName);
      const lower = name.toLowerCase();
      if (lower === targetLower && !name.endsWith('/')) {
        const stream = await openStream(zip, entry);
        found = { kind: 'file', stream, size: entry.uncompressedSize, date: entry.getLastModDate() };
        return true;
      }
      if (lower.replace(/\/+$/, '') === targetLower || lower.startsWith(`${targetLower}/`)) {
        found = { kind: 'directory' };
      }
      return false;
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  const result = found as EntryLookup;
  if (result.kind === 'file') {
    result.stream.once('close', () => zip.close());
  } else {
    zip.close();
  }
  return result;
}

export interface NewEntry {
  name: string;
  data: Buffer | string;
  date?: Date;
}

/** The archive of the `package/` directory, as zip or tar.gz, produced while it is read. */
export function contentArchive(path: string, format: 'zip' | 'tgz'): Readable {
  const archive =
    format === 'zip'
      ? archiver('zip', { zlib: { level: 6 } })
      : archiver('tar', { gzip: true, gzipOptions: { level: 6 } });
  // If the reader goes away, stop feeding entries and close the zip.
  let current: Readable | undefined;
  let aborted = false;
  const abort = () => {
    aborted = true;
    current?.destroy();
  };
  archive.once('close', abort);
  archive.once('error', abort);
  (async () => {
    const zip = await openZip(path);
    try {
      await walk(zip, async (entry) => {
        if (aborted) return true;
        const name = normalize(entry.fileName);
        if (!name.startsWith('package/') || name.endsWith('/')) return false;
        const relative = name.slice('package/'.length);
        if (relative === '') return false;
        const stream = await openStream(zip, entry);
        current = stream;
        archive.append(stream, { name: relative, date: entry.getLastModDate() });
        await finished(stream);
        current = undefined;
        return false;
      });
    } finally {
      zip.close();
    }
    if (!aborted) await archive.finalize();
  })().catch((err: Error) => {
    if (!aborted) archive.destroy(err);
  });
  return archive;
}

/**
 * Write a new package: `upack.json` first, then every entry of `source` (a zip) with `prefix` put in front of
 * its name (`package/` when converting a plain content zip), skipping the source's own `upack.json` when
 * the manifest is replaced.
 */
export async function writePackage(
  destination: string,
  manifest: Record<string, unknown>,
  source: string | undefined,
  prefix: string,
  date = new Date(),
): Promise<void> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const out = createWriteStream(destination);
  archive.pipe(out);
  archive.append(JSON.stringify(manifest, null, 2), { name: 'upack.json', date });
  if (source) {
    const zip = await openZip(source);
    try {
      await walk(zip, async (entry) => {
        const name = normalize(entry.fileName);
        if (prefix === '' && name.toLowerCase() === 'upack.json') return false;
        if (name.endsWith('/')) return false;
        const stream = await openStream(zip, entry);
        archive.append(stream, { name: prefix + name, date: entry.getLastModDate() });
        await finished(stream);
        return false;
      });
    } finally {
      zip.close();
    }
  }
  await archive.finalize();
  await finished(out);
}

/** Write a small zip from in-memory entries (seed packages, virtual packages). Deterministic for fixed dates. */
export async function writeZip(destination: string, entries: NewEntry[]): Promise<void> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const out = createWriteStream(destination);
  archive.pipe(out);
  const fixed = new Date('2015-01-01T01:52:50Z');
  for (const e of entries) archive.append(e.data, { name: e.name, date: e.date ?? fixed });
  await archive.finalize();
  await finished(out);
}
