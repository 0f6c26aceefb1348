// Reads and safely extracts .upack files. Packages come from servers and strangers: every entry name, type
// and size is checked against the central directory before any byte is inflated, and sizes are enforced
// again while streaming, so a lying header cannot smuggle more data than it declared.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { PackageFormatError } from '../errors.js';
import { EntryGuard, entryError, InflateBudget } from './entry-guard.js';
import { checkManifest, jsonDepthProblem, MAX_MANIFEST_DEPTH, type UpackManifest } from './manifest.js';
import { auditLayout, type CentralRecord, unicodePathProblem } from './zip-audit.js';
import { type OpenedZip, openZipFile } from './zip-file.js';

export interface ExtractLimits {
  /** Most entries a package may hold; checked against the zip's own count before reading any entry. */
  maxEntries?: number;
  /**
   * Most uncompressed bytes all entries may add up to: checked against the sizes the entries declare, and
   * again against the bytes actually inflated while extracting, so a lying header cannot get past it.
   */
  maxTotalSize?: number;
  /**
   * Largest uncompressed/compressed ratio (zip bombs): for each entry larger than `ratioThreshold`, and for
   * the whole package (all declared sizes against the file's size, once they add up to more than
   * `ratioThreshold`).
   */
  maxCompressionRatio?: number;
  /** Below this many uncompressed bytes nothing is ratio-checked: a small file of spaces is harmless. */
  ratioThreshold?: number;
  /** Largest upack.json accepted. */
  maxManifestSize?: number;
  /** Deepest nesting of objects and arrays in upack.json. */
  maxManifestDepth?: number;
  /** Most path segments in one entry name (`package/a/b.txt` has 3). */
  maxPathDepth?: number;
}

/** The limits readers apply by default; buildPackage refuses to produce anything they would refuse. */
export const DEFAULT_EXTRACT_LIMITS: Readonly<Required<ExtractLimits>> = Object.freeze({
  maxEntries: 50_000,
  // Packages of several GiB (installers, images, datasets) are ordinary in a universal feed; ZIP64 carries
  // them. The ratio bound below is what stops a bomb; this one bounds the disk an extraction may fill.
  maxTotalSize: 32 * 1024 ** 3,
  // Deflate tops out near 1032:1; ordinary text and binaries stay well below 100:1.
  maxCompressionRatio: 250,
  ratioThreshold: 64 * 1024,
  maxManifestSize: 1024 ** 2,
  maxManifestDepth: MAX_MANIFEST_DEPTH,
  maxPathDepth: 128,
});

export interface PackageEntry {
  /** Path inside the zip with `/` separators (`\` is normalized), e.g. `package/bin/tool` or `upack.json`. */
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
  /** yauzl's record, kept only for the entries a caller will open (see scanEntries' `opens`). */
  raw?: yauzl.Entry;
  crc32: number;
}

const MANIFEST_ONLY = (name: string) => name === 'upack.json';

/** Lists a package and reads its manifest; throws PackageFormatError on an unsafe or malformed package. */
export async function readPackage(path: string, limits: ExtractLimits = {}): Promise<PackageContents> {
  return withZip(path, async (file) => {
    const lim = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
    const entries = await scanEntries(file, path, lim, MANIFEST_ONLY);
    const { manifest, problems, warnings, virtual } = await loadManifest(file.zip, path, entries, lim);
    return {
      manifest,
      manifestProblems: problems,
      manifestWarnings: warnings,
      virtual,
      entries: entries.map(({ raw: _, crc32: __, ...e }) => e),
    };
  });
}

export async function readManifest(path: string, limits: ExtractLimits = {}): Promise<UpackManifest> {
  return (await readPackage(path, limits)).manifest;
}

/**
 * Streams one entry (e.g. `package/readme.md` or `upack.json`); its declared size and CRC-32 are enforced
 * (the stream fails at the end if the data does not match). The package is closed when the stream ends or
 * is destroyed.
 */
export async function openEntryStream(
  path: string,
  entryPath: string,
  limits: ExtractLimits = {},
): Promise<Readable> {
  const lim = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  const file = await openZip(path);
  const zip = file.zip;
  try {
    const wanted = entryPath.replace(/\\/g, '/');
    const entry = (await scanEntries(file, path, lim, (name) => name === wanted)).find(
      (e) => e.path === wanted,
    );
    if (!entry) throw new PackageFormatError(`${path}: has no entry ${JSON.stringify(wanted)}`);
    if (entry.isDirectory) throw new PackageFormatError(`${path}: ${JSON.stringify(wanted)} is a directory`);
    const raw = await openRaw(zip, entry);
    const guard = new EntryGuard(path, entry, new InflateBudget(path, lim.maxTotalSize));
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
  return withZip(path, async (file) => {
    const zip = file.zip;
    const entries = await scanEntries(file, path, lim);
    const { manifest } = await loadManifest(zip, path, entries, lim);
    // Counts what is really inflated across all entries: the declared sizes were checked, this is the proof.
    const budget = new InflateBudget(path, lim.maxTotalSize);
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
          const guard = new EntryGuard(path, entry, budget);
          // 'wx': never write through something already there (a duplicate or a planted link).
          await pipeline(await openRaw(zip, entry), guard, createWriteStream(target, { flags: 'wx' }));
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

/**
 * Reads the whole central directory, refusing the package on the first unsafe entry. yauzl's record (about
 * 1 KB of heap) is kept only for entries `opens` names: listing a 50,000-entry package holds just the fields
 * of PackageEntry.
 */
async function scanEntries(
  file: OpenedZip,
  pkg: string,
  lim: Required<ExtractLimits>,
  opens: (name: string) => boolean = () => true,
): Promise<ScannedEntry[]> {
  const zip = file.zip;
  if (zip.entryCount > lim.maxEntries) {
    throw new PackageFormatError(
      `${pkg}: holds ${zip.entryCount} entries; the limit is ${lim.maxEntries} (raise maxEntries if this is expected)`,
    );
  }
  const entries: ScannedEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  const records: CentralRecord[] = [];
  const check = (raw: yauzl.Entry): void => {
    const fileNameRaw = (raw as unknown as { fileNameRaw: Buffer }).fileNameRaw;
    const name = yauzlExtras.getFileNameLowLevel(
      raw.generalPurposeBitFlag,
      fileNameRaw,
      raw.extraFields,
      false, // not strict: '\' becomes '/' (packages built on Windows)
    );
    const problem =
      nameProblem(name, lim.maxPathDepth) ??
      unicodePathProblem(fileNameRaw, raw.generalPurposeBitFlag, raw.extraFields);
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
    entries.push({
      path: name,
      size,
      compressedSize,
      isDirectory,
      crc32: raw.crc32,
      ...(opens(name) ? { raw } : {}),
    });
    records.push({
      name,
      fileNameRaw,
      generalPurposeBitFlag: raw.generalPurposeBitFlag,
      compressionMethod: raw.compressionMethod,
      crc32: raw.crc32,
      compressedSize,
      uncompressedSize: size,
      relativeOffsetOfLocalHeader: raw.relativeOffsetOfLocalHeader,
      fileNameLength: fileNameRaw.length,
      extraFieldLength: raw.extraFieldLength,
      fileCommentLength: raw.fileCommentLength,
    });
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
      stop(
        new PackageFormatError(
          `${pkg}: has a damaged central directory: record ${entries.length + 1} of the ${zip.entryCount} its end-of-archive record counts cannot be read (${err.message})`,
        ),
      );
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
  // The whole package against its file: many entries just under the per-entry threshold add up too.
  const allowed = Math.max(lim.ratioThreshold, lim.maxCompressionRatio * file.size);
  if (total > allowed) {
    throw new PackageFormatError(
      `${pkg}: its entries declare ${total} bytes uncompressed, ${Math.round(total / Math.max(file.size, 1))} times the ${file.size}-byte file (limit ${lim.maxCompressionRatio}:1): a likely zip bomb`,
    );
  }
  const finding = await auditLayout(file, (zip.comment as unknown as Buffer).length, records);
  if (finding) {
    if (finding.entry !== undefined) refuse(pkg, finding.entry, finding.reason);
    throw new PackageFormatError(`${pkg}: ${finding.reason}`);
  }
  return entries;
}

function nameProblem(name: string, maxDepth: number): string | undefined {
  if (name === '' || name === '/') return 'its name is empty';
  if (name.includes('\0')) return 'its name contains a NUL character';
  if (name.startsWith('/')) return 'its path is absolute';
  if (/^[A-Za-z]:/.test(name)) return 'its path starts with a drive letter';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return "its path contains a '..' segment that leaves the package";
  if (segments.length > maxDepth) {
    return `its path has ${segments.length} segments; the limit is ${maxDepth} (maxPathDepth)`;
  }
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
  const guard = new EntryGuard(pkg, entry, new InflateBudget(pkg, lim.maxManifestSize));
  await pipeline(await openRaw(zip, entry), guard, async (source) => {
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
  // JSON.parse itself copes with deep nesting; whatever walks the result later (validation, serialisation,
  // a UI) may recurse, so depth is bounded before parsing.
  const tooDeep = jsonDepthProblem(text, lim.maxManifestDepth);
  if (tooDeep) refuse(pkg, entry.path, tooDeep);
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

async function withZip<T>(path: string, use: (file: OpenedZip) => Promise<T>): Promise<T> {
  const file = await openZip(path);
  try {
    return await use(file);
  } finally {
    file.zip.close();
  }
}

async function openZip(path: string): Promise<OpenedZip> {
  // decodeStrings off: names are decoded and checked here, so refusals carry our reasons, not yauzl's.
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  try {
    const file = await openZipFile(path, options);
    // Failures that matter surface through the call that hit them; a late one (closing the file) must
    // not become an unhandled 'error' event that kills the process.
    file.zip.on('error', () => {});
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw err; // ENOENT, EACCES...: not about the format
    throw new PackageFormatError(`${path}: is not a readable zip file (${(err as Error).message})`);
  }
}

function openRaw(zip: yauzl.ZipFile, entry: ScannedEntry): Promise<Readable> {
  const raw = entry.raw;
  // A caller opening an entry it did not ask scanEntries to keep is a bug here, not a bad package.
  if (!raw) return Promise.reject(new Error(`internal: ${entry.path} was listed without its record`));
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(raw, (err, stream) => (err ? reject(err) : resolvePromise(stream)));
  });
}

async function assertFreeDestination(dest: string): Promise<void> {
  const s = await stat(dest).catch(() => undefined);
  if (!s) return;
  if (!s.isDirectory() || (await readdir(dest)).length > 0) {
    throw new Error(`Cannot extract into ${dest}: it already exists and is not an empty directory`);
  }
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
