// Reads and safely extracts .upack files. Packages come from servers and strangers: every entry name, type
// and size is checked against the central directory before any byte is inflated, and sizes are enforced
// again while streaming, so a lying header cannot smuggle more data than it declared.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { PackageFormatError } from '../errors.js';
import { checkManifest, type UpackManifest } from './manifest.js';
import { openZipFile } from './zip-file.js';

export interface ExtractLimits {
  /** Most entries a package may hold; checked against the zip's own count before reading any entry. */
  maxEntries?: number;
  /** Most uncompressed bytes all entries may add up to. */
  maxTotalSize?: number;
  /** Largest uncompressed/compressed ratio for one entry (zip bombs), checked above `ratioThreshold`. */
  maxCompressionRatio?: number;
  /** Entries smaller than this (uncompressed) are not ratio-checked: a small file of spaces is harmless. */
  ratioThreshold?: number;
  /** Largest upack.json accepted. */
  maxManifestSize?: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<Required<ExtractLimits>> = Object.freeze({
  maxEntries: 50_000,
  maxTotalSize: 4 * 1024 ** 3,
  // Deflate tops out near 1032:1; ordinary text and binaries stay well below 100:1.
  maxCompressionRatio: 250,
  ratioThreshold: 1024 ** 2,
  maxManifestSize: 1024 ** 2,
});

export interface PackageEntry {
  /** Path inside the zip with `/` separators (`\` is normalised), e.g. `package/bin/tool` or `upack.json`. */
  path: string;
  size: number;
  compressedSize: number;
  isDirectory: boolean;
}

export interface PackageContents {
  manifest: UpackManifest;
  /** Rule violations in an otherwise readable manifest (e.g. a tag with a space); empty when clean. */
  manifestProblems: string[];
  /** Allowed oddities worth a notice (e.g. a custom property without the recommended `_` prefix). */
  manifestWarnings: string[];
  /** A virtual package (.vpack): its manifest lists `contents`. */
  virtual: boolean;
  entries: PackageEntry[];
}

export interface ExtractedPackage {
  /** Absolute path of the directory now holding the `package/` content. */
  path: string;
  manifest: UpackManifest;
  fileCount: number;
  bytes: number;
}

const CONTENT_PREFIX = 'package/';
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

interface ScannedEntry extends PackageEntry {
  raw: yauzl.Entry;
}

/** Lists a package and reads its manifest; throws PackageFormatError on an unsafe or malformed package. */
export async function readPackage(path: string, limits: ExtractLimits = {}): Promise<PackageContents> {
  return withZip(path, async (zip) => {
    const lim = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
    const entries = await scanEntries(zip, path, lim);
    const { manifest, problems, warnings, virtual } = await loadManifest(zip, path, entries, lim);
    return {
      manifest,
      manifestProblems: problems,
      manifestWarnings: warnings,
      virtual,
      entries: entries.map(({ raw: _, ...e }) => e),
    };
  });
}

export async function readManifest(path: string, limits: ExtractLimits = {}): Promise<UpackManifest> {
  return (await readPackage(path, limits)).manifest;
}

/**
 * Streams one entry (e.g. `package/readme.md` or `upack.json`); its declared size is enforced. The package
 * is closed when the stream ends or is destroyed.
 */
export async function openEntryStream(
  path: string,
  entryPath: string,
  limits: ExtractLimits = {},
): Promise<Readable> {
  const lim = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const zip = await openZip(path);
  try {
    const wanted = entryPath.replace(/\\/g, '/');
    const entry = (await scanEntries(zip, path, lim)).find((e) => e.path === wanted);
    if (!entry) throw new PackageFormatError(`${path}: has no entry ${JSON.stringify(wanted)}`);
    if (entry.isDirectory) throw new PackageFormatError(`${path}: ${JSON.stringify(wanted)} is a directory`);
    const raw = await openRaw(zip, entry.raw);
    const guard = new SizeGuard(path, entry);
    raw.once('error', (err) => guard.destroy(asFormatError(err, path, entry.path) as Error));
    guard.once('close', () => {
      raw.destroy();
      zip.close();
    });
    return raw.pipe(guard);
  } catch (err) {
    zip.close();
    throw err;
  }
}

/**
 * Extracts the `package/` content (not upack.json or other metacontent) into `destDir`, which must not exist
 * or be empty. Writes into a temp directory beside it and renames at the end; nothing is left on failure.
 */
export async function extractPackage(
  path: string,
  destDir: string,
  limits: ExtractLimits = {},
): Promise<ExtractedPackage> {
  const lim = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const dest = resolve(destDir);
  await assertFreeDestination(dest);
  return withZip(path, async (zip) => {
    const entries = await scanEntries(zip, path, lim);
    const { manifest } = await loadManifest(zip, path, entries, lim);
    await mkdir(dirname(dest), { recursive: true });
    const temp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
    await mkdir(temp);
    try {
      let fileCount = 0;
      let bytes = 0;
      for (const entry of entries) {
        if (!entry.path.startsWith(CONTENT_PREFIX)) continue;
        const rel = entry.path.slice(CONTENT_PREFIX.length);
        if (rel === '') continue;
        if (process.platform === 'win32' && rel.includes(':')) {
          refuse(path, entry.path, "':' would create an alternate data stream on Windows");
        }
        const target = resolve(temp, rel);
        // Names were already checked; this catches anything path.resolve still reads as leaving the folder.
        if (!target.startsWith(temp + sep)) {
          refuse(path, entry.path, 'its path leaves the destination directory');
        }
        try {
          if (entry.isDirectory) {
            await mkdir(target, { recursive: true });
            continue;
          }
          await mkdir(dirname(target), { recursive: true });
          const guard = new SizeGuard(path, entry);
          // 'wx': never write through something already there (a duplicate or a planted link).
          await pipeline(await openRaw(zip, entry.raw), guard, createWriteStream(target, { flags: 'wx' }));
          fileCount++;
          bytes += guard.bytes;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // A file and a directory of the same name, or names equal on a case-insensitive file system.
          if (code === 'EEXIST' || code === 'ENOTDIR') {
            refuse(
              path,
              entry.path,
              'it clashes with another entry of the same name (or differing only in case)',
            );
          }
          throw asFormatError(err, path, entry.path);
        }
      }
      // rmdir, not rm: if something appeared in dest meanwhile, fail rather than delete it.
      await rmdir(dest).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await rename(temp, dest);
      return { path: dest, manifest, fileCount, bytes };
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  });
}

// ---- checks -------------------------------------------------------------------------------------------

/** Reads the whole central directory, refusing the package on the first unsafe entry. */
async function scanEntries(
  zip: yauzl.ZipFile,
  pkg: string,
  lim: Required<ExtractLimits>,
): Promise<ScannedEntry[]> {
  if (zip.entryCount > lim.maxEntries) {
    throw new PackageFormatError(
      `${pkg}: holds ${zip.entryCount} entries; the limit is ${lim.maxEntries} (raise maxEntries if this is expected)`,
    );
  }
  const entries: ScannedEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  const check = (raw: yauzl.Entry): void => {
    const name = yauzlExtras.getFileNameLowLevel(
      raw.generalPurposeBitFlag,
      (raw as unknown as { fileNameRaw: Buffer }).fileNameRaw,
      raw.extraFields,
      false, // not strict: '\' becomes '/' (packages built on Windows)
    );
    const problem = nameProblem(name);
    if (problem) refuse(pkg, name, problem);
    const isDirectory = name.endsWith('/');
    const mode = (raw.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK) refuse(pkg, name, 'it is a symbolic link, which packages may not contain');
    if (raw.isEncrypted()) refuse(pkg, name, 'it is encrypted');
    if (!isDirectory && raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
      const method = raw.compressionMethod;
      refuse(pkg, name, `it uses compression method ${method}; only store (0) and deflate (8) are supported`);
    }
    const key = isDirectory ? name.slice(0, -1) : name;
    if (seen.has(key)) refuse(pkg, name, 'the package holds this path more than once');
    seen.add(key);
    const size = raw.uncompressedSize;
    const compressedSize = raw.compressedSize;
    const ratio = size / Math.max(compressedSize, 1);
    if (!isDirectory && size > lim.ratioThreshold && ratio > lim.maxCompressionRatio) {
      refuse(
        pkg,
        name,
        `it expands ${compressedSize} bytes to ${size} (ratio ${Math.round(ratio)}:1, limit ${lim.maxCompressionRatio}:1): a likely zip bomb`,
      );
    }
    total += size;
    if (total > lim.maxTotalSize) {
      refuse(
        pkg,
        name,
        `the entries so far add up to ${total} bytes uncompressed; the limit is ${lim.maxTotalSize}`,
      );
    }
    entries.push({ path: name, size, compressedSize, isDirectory, raw });
  };
  // Callbacks, not a promise per entry: a 50,000-entry listing stays in the tens of milliseconds.
  await new Promise<void>((resolvePromise, reject) => {
    const stop = (err?: unknown) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      if (err === undefined) resolvePromise();
      else reject(err);
    };
    const onEntry = (raw: yauzl.Entry) => {
      try {
        check(raw);
      } catch (err) {
        return stop(err);
      }
      zip.readEntry();
    };
    const onEnd = () => stop();
    const onError = (err: Error) =>
      stop(new PackageFormatError(`${pkg}: has a damaged central directory (${err.message})`));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
  return entries;
}

function nameProblem(name: string): string | undefined {
  if (name === '' || name === '/') return 'its name is empty';
  if (name.includes('\0')) return 'its name contains a NUL character';
  if (name.startsWith('/')) return 'its path is absolute';
  if (/^[A-Za-z]:/.test(name)) return 'its path starts with a drive letter';
  if (name.split('/').includes('..')) return "its path contains a '..' segment that leaves the package";
  return undefined;
}

async function loadManifest(
  zip: yauzl.ZipFile,
  pkg: string,
  entries: ScannedEntry[],
  lim: Required<ExtractLimits>,
): Promise<{ manifest: UpackManifest; problems: string[]; warnings: string[]; virtual: boolean }> {
  const entry = entries.find((e) => e.path === 'upack.json');
  if (!entry || entry.isDirectory) {
    throw new PackageFormatError(
      `${pkg}: upack.json is missing from the root of the package; this is not a universal package`,
    );
  }
  if (entry.size > lim.maxManifestSize) {
    refuse(pkg, entry.path, `it is ${entry.size} bytes; the limit for a manifest is ${lim.maxManifestSize}`);
  }
  const chunks: Buffer[] = [];
  await pipeline(await openRaw(zip, entry.raw), new SizeGuard(pkg, entry), async (source) => {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  }).catch((err: unknown) => {
    throw asFormatError(err, pkg, entry.path);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Buffer.concat(chunks));
  } catch {
    refuse(pkg, entry.path, 'it is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    refuse(pkg, entry.path, `it is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    refuse(pkg, entry.path, 'it is not a JSON object');
  }
  const m = parsed as Record<string, unknown>;
  // Without a name and version the package cannot be identified; anything else is reported, not refused.
  const missing = ['name', 'version'].filter((k) => typeof m[k] !== 'string' || m[k] === '');
  if (missing.length) refuse(pkg, entry.path, `it has no ${missing.join(' or ')}`);
  const virtual = Object.hasOwn(m, 'contents');
  const { problems, warnings } = checkManifest(m, { virtual });
  return { manifest: m as unknown as UpackManifest, problems, warnings, virtual };
}

/** Passes an entry's bytes through, failing as soon as they exceed what its header declared, or fall short. */
class SizeGuard extends Transform {
  bytes = 0;

  constructor(
    private readonly pkg: string,
    private readonly entry: PackageEntry,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.entry.size) {
      callback(
        entryError(
          this.pkg,
          this.entry.path,
          `it holds more data than the ${this.entry.size} bytes its header declares`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.size) {
      callback(
        entryError(
          this.pkg,
          this.entry.path,
          `it holds ${this.bytes} bytes, not the ${this.entry.size} its header declares`,
        ),
      );
      return;
    }
    callback();
  }
}

// ---- yauzl plumbing -----------------------------------------------------------------------------------

// yauzl 3 exports this; @types/yauzl (2.x) does not list it.
const yauzlExtras = yauzl as unknown as {
  getFileNameLowLevel(
    flags: number,
    raw: Buffer,
    extraFields: yauzl.Entry['extraFields'],
    strict: boolean,
  ): string;
};

async function withZip<T>(path: string, use: (zip: yauzl.ZipFile) => Promise<T>): Promise<T> {
  const zip = await openZip(path);
  try {
    return await use(zip);
  } finally {
    zip.close();
  }
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  // decodeStrings off: names are decoded and checked here, so refusals carry our reasons, not yauzl's.
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  try {
    const zip = await openZipFile(path, options);
    // Failures that matter surface through the call that hit them; a late one (closing the file) must
    // not become an unhandled 'error' event that kills the process.
    zip.on('error', () => {});
    return zip;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw err; // ENOENT, EACCES...: not about the format
    throw new PackageFormatError(`${path}: is not a readable zip file (${(err as Error).message})`);
  }
}

function openRaw(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolvePromise(stream)));
  });
}

async function assertFreeDestination(dest: string): Promise<void> {
  const s = await stat(dest).catch(() => undefined);
  if (!s) return;
  if (!s.isDirectory() || (await readdir(dest)).length > 0) {
    throw new Error(`Cannot extract into ${dest}: it already exists and is not an empty directory`);
  }
}

function entryError(pkg: string, name: string, reason: string): PackageFormatError {
  return new PackageFormatError(`${pkg}: entry ${JSON.stringify(name)} is refused: ${reason}`);
}

function refuse(pkg: string, name: string, reason: string): never {
  throw entryError(pkg, name, reason);
}

/** Bad data (zlib or yauzl complaints) becomes a PackageFormatError; disk errors (ENOSPC...) stay as they are. */
function asFormatError(err: unknown, pkg: string, name: string): unknown {
  if (err instanceof PackageFormatError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && !code.startsWith('Z_')) return err;
  const message = (err as Error).message;
  // yauzl's own size check (kept as a second guard) can fire before ours; say it in the same words.
  const declared = /too many bytes in the stream\. expected (\d+)/.exec(message);
  if (declared)
    return entryError(pkg, name, `it holds more data than the ${declared[1]} bytes its header declares`);
  const short = /not enough bytes in the stream\. expected (\d+)\. got only (\d+)/.exec(message);
  if (short)
    return entryError(pkg, name, `it holds ${short[2]} bytes, not the ${short[1]} its header declares`);
  return entryError(pkg, name, `its data is damaged (${message})`);
}
