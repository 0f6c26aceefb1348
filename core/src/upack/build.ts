// Builds a .upack from a directory: deterministic bytes (same input → same SHA-1), streamed, hashed while
// written, and published atomically (temp file beside the target, renamed at the end). The zip itself is
// written by zip-pipeline.ts (several files deflated at once, in bounded memory).

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { PackageFormatError, ValidationError } from '../errors.js';
import type { FileHashes, TransferProgress } from '../types.js';
import { assertValidManifest, manifestWarnings, serializeManifest, type UpackManifest } from './manifest.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, readPackage } from './read.js';
import { writeZip } from './zip-pipeline.js';

export interface BuildProgress extends TransferProgress {
  /** Content bytes read so far (`transferred`) of `total`. */
  transferred: number;
  total: number;
  filesDone: number;
  fileCount: number;
}

export interface BuildPackageOptions {
  sourceDir: string;
  manifest: UpackManifest;
  outFile: string;
  /**
   * Globs matched against paths relative to `sourceDir` with `/` separators; default `['**']`. Dot-files
   * and dot-directories are matched like any other name. A pattern that matches a directory selects
   * everything under it (`dist` is the same as `dist/**`).
   */
  include?: string[];
  /** Same syntax as `include`; an excluded directory is not even walked (e.g. `node_modules`). */
  exclude?: string[];
  /** zlib level 0–9 for compressible files; default 6. Already-compressed types are always stored. */
  compressionLevel?: number;
  /**
   * Store files with any execute bit as 0755 instead of 0644. Off by default: modes then do not depend on
   * the checkout (Windows has no execute bit), so the same content gives the same package everywhere.
   */
  preserveExecutable?: boolean;
  /**
   * The limits the package must meet, the same ones readers apply (default DEFAULT_EXTRACT_LIMITS): the
   * build refuses to produce a package that readPackage with these limits would refuse.
   */
  limits?: ExtractLimits;
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
}

export interface BuiltPackage extends FileHashes {
  /** Absolute path of the written package. */
  path: string;
  /** Content files under `package/` (upack.json not counted). */
  fileCount: number;
  /** Uncompressed size of those files. */
  contentBytes: number;
  /** The manifest exactly as written into upack.json. */
  manifest: UpackManifest;
  /** Allowed oddities worth a notice (e.g. a custom property without the recommended `_` prefix). */
  manifestWarnings: string[];
  /** The `include` and `exclude` patterns given that matched nothing during the walk (worth a warning). */
  unmatchedPatterns: { include: string[]; exclude: string[] };
}

/** Every entry gets this timestamp and a fixed mode, so rebuilds do not depend on mtimes or umask. */
export const FIXED_ENTRY_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));
const FILE_MODE = 0o644;
const EXECUTABLE_MODE = 0o755;
export const DEFAULT_COMPRESSION_LEVEL = 6;

/** Formats that deflate cannot shrink: storing them saves time and keeps the output just as small. */
const STORED_EXTENSIONS = new Set(
  (
    '.zip .gz .tgz .bz2 .xz .zst .lz4 .lzma .br .7z .rar .cab .jar .war .ear .nupkg .snupkg .upack .vpack ' +
    '.vsix .whl .apk .aab .ipa .crate .gem .docx .xlsx .pptx .odt .jpg .jpeg .png .gif .webp .avif .heic ' +
    '.mp3 .mp4 .m4a .m4v .mkv .mov .webm .ogg .opus .flac .woff .woff2 .dmg'
  ).split(' '),
);

interface SourceFile {
  /** Path inside `package/`, `/`-separated. */
  rel: string;
  /** Real path on disk (symlinks resolved). */
  abs: string;
  size: number;
  mode: number;
}

export async function buildPackage(options: BuildPackageOptions): Promise<BuiltPackage> {
  const { manifest, signal, onProgress } = options;
  signal?.throwIfAborted();
  assertValidManifest(manifest, 'upack.json');
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const manifestJson = Buffer.from(serializeManifest(manifest), 'utf8');
  if (manifestJson.length > limits.maxManifestSize) {
    throw new ValidationError('upack.json', [
      `the manifest is ${manifestJson.length} bytes as written; readers refuse more than ${limits.maxManifestSize} (maxManifestSize)`,
    ]);
  }
  const level = options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ValidationError('Build options', [
      `compressionLevel ${level} must be a whole number from 0 to 9`,
    ]);
  }

  const outPath = resolve(options.outFile);
  // Real paths, to recognise the output (and its temp file) if it lies inside sourceDir.
  const outDirBefore = await realpath(dirname(outPath)).catch(() => dirname(outPath));
  const tempName = `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`;
  const { files, unmatchedPatterns } = await collectFiles(
    options,
    limits,
    new Set([join(outDirBefore, basename(outPath)), join(outDirBefore, tempName)]),
  );
  await mkdir(dirname(outPath), { recursive: true });
  const outDir = await realpath(dirname(outPath));
  const finalPath = join(outDir, basename(outPath));
  const tempPath = join(outDir, tempName);
  const contentBytes = files.reduce((sum, f) => sum + f.size, 0);
  if (contentBytes + manifestJson.length > limits.maxTotalSize) {
    throw new ValidationError('Package contents', [
      `the selected files add up to ${contentBytes} bytes; readers refuse a package over ${limits.maxTotalSize} bytes uncompressed (maxTotalSize)`,
    ]);
  }

  const out = await open(tempPath, 'wx');
  let hashes: FileHashes;
  try {
    try {
      hashes = await writeZip({
        file: out,
        leading: [{ name: 'upack.json', data: manifestJson, mode: FILE_MODE }],
        sources: files.map((f) => ({
          name: `package/${f.rel}`,
          path: f.abs,
          size: f.size,
          mode: options.preserveExecutable && f.mode & 0o111 ? EXECUTABLE_MODE : FILE_MODE,
          store: STORED_EXTENSIONS.has(extname(f.rel).toLowerCase()),
        })),
        level,
        date: FIXED_ENTRY_DATE,
        signal,
        onProgress:
          onProgress &&
          ((p) =>
            onProgress({
              transferred: p.bytes,
              total: contentBytes,
              filesDone: p.filesDone,
              fileCount: files.length,
            })),
      });
    } finally {
      await out.close();
    }
    signal?.throwIfAborted();
    // Read back as a consumer would (central directory, layout, manifest): what the compression did to
    // the ratios is only known now, and a package our own reader refuses must not be published.
    await readPackage(tempPath, limits).catch((err: unknown) => {
      if (!(err instanceof PackageFormatError)) throw err;
      const reason = err.message.startsWith(`${tempPath}: `)
        ? err.message.slice(tempPath.length + 2)
        : err.message;
      throw new ValidationError('Package contents', [
        `readers would refuse the package built from these files: ${reason} (see the limits option)`,
      ]);
    });
    await rename(tempPath, finalPath);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw err;
  }
  return {
    path: finalPath,
    ...hashes,
    fileCount: files.length,
    contentBytes,
    manifest: JSON.parse(manifestJson.toString('utf8')) as UpackManifest,
    manifestWarnings: manifestWarnings(manifest),
    unmatchedPatterns,
  };
}

/**
 * The selected files, sorted by path, and the patterns that selected or excluded nothing; throws one
 * ValidationError for every unsafe or unreadable entry.
 */
async function collectFiles(
  options: BuildPackageOptions,
  limits: Required<ExtractLimits>,
  skip: ReadonlySet<string>,
): Promise<{ files: SourceFile[]; unmatchedPatterns: BuiltPackage['unmatchedPatterns'] }> {
  const include = options.include?.length ? options.include : ['**'];
  const exclude = options.exclude ?? [];
  const isIncluded = picomatch(include, { dot: true });
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  // A file is included when it or one of its parent directories matches; exclusion prunes whole directories.
  const included = (rel: string) => ancestorsAndSelf(rel).some((p) => isIncluded(p));
  // Which of the given patterns did anything, learnt during this one walk (only unused ones are tried).
  const unusedInclude = new Map(
    (options.include ?? []).map((p) => [p, picomatch(p, { dot: true })] as const),
  );
  const unusedExclude = new Map(exclude.map((p) => [p, picomatch(p, { dot: true })] as const));
  const markUsed = (unused: Map<string, (path: string) => boolean>, paths: string[]) => {
    for (const [pattern, matches] of unused) if (paths.some((p) => matches(p))) unused.delete(pattern);
  };

  const sourceDir = resolve(options.sourceDir);
  const rootStats = await stat(sourceDir).catch(() => undefined);
  if (!rootStats?.isDirectory()) {
    throw new ValidationError('Package contents', [`sourceDir ${sourceDir} is not a directory`]);
  }
  const root = await realpath(sourceDir);
  const problems: string[] = [];
  const files: SourceFile[] = [];
  const escapes = (target: string) => {
    const r = relative(root, target);
    return r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r);
  };

  // The walk is bounded like the package: links that fan out (a/x -> b, a/y -> b, b/x -> c, ...) loop
  // nowhere yet multiply the tree, so the count of directories and the depth are capped, not just loops.
  const maxFiles = limits.maxEntries - 1; // upack.json is an entry too
  const maxDirs = limits.maxEntries;
  const maxDepth = limits.maxPathDepth - 1; // "package/" is the first segment
  const tooMany = (what: string) =>
    new ValidationError('Package contents', [
      `${what}; a package may hold at most ${limits.maxEntries} entries with upack.json (maxEntries), the limit readers apply${options.limits?.maxEntries === undefined ? ' by default' : ''} (exclude what does not belong, or check for symlinks that fan out)`,
    ]);
  let dirsWalked = 0;

  // Depth-first with an explicit stack; `chain` holds the real paths of the directories above, to spot loops.
  const stack: { real: string; rel: string; chain: string[] }[] = [{ real: root, rel: '', chain: [root] }];
  while (stack.length) {
    options.signal?.throwIfAborted();
    const dir = stack.pop()!;
    if (++dirsWalked > maxDirs) {
      throw tooMany(
        `the walk of ${sourceDir} entered more than ${maxDirs} directories (the last "${dir.rel}")`,
      );
    }
    for (const entry of await readdir(dir.real, { withFileTypes: true, encoding: 'buffer' })) {
      const name = utf8(entry.name);
      if (name === undefined) {
        const shown = `${dir.rel ? `${dir.rel}/` : ''}${escapeBytes(entry.name)}`;
        const lossy = dir.rel ? `${dir.rel}/${entry.name.toString('utf8')}` : entry.name.toString('utf8');
        if (!isExcluded(lossy) && included(lossy)) {
          problems.push(
            `file name "${shown}" is not valid UTF-8 (bytes shown as \\xNN); zip entry names in a package are UTF-8, so rename it or exclude it`,
          );
        }
        continue;
      }
      const rel = dir.rel ? `${dir.rel}/${name}` : name;
      if (isExcluded(rel)) {
        if (unusedExclude.size) markUsed(unusedExclude, [rel]);
        continue;
      }
      const depth = rel.split('/').length;
      if (depth > maxDepth) {
        throw new ValidationError('Package contents', [
          `"${rel.length > 200 ? `${rel.slice(0, 200)}…` : rel}" is ${depth} levels deep; readers refuse package paths of more than ${limits.maxPathDepth} segments (maxPathDepth), "package/" included (check for symlinks that fan out)`,
        ]);
      }
      let real = join(dir.real, name);
      let kind: 'file' | 'dir' | 'other';
      if (entry.isSymbolicLink()) {
        const target = await realpath(real).catch(() => undefined);
        if (target === undefined) {
          if (included(rel)) problems.push(`symlink "${rel}" points to a missing target`);
          continue;
        }
        if (escapes(target)) {
          // An escaping file link outside the selection is harmless; a directory link might hold selected
          // files, so it is refused unless excluded.
          const targetIsFile = (await stat(target)).isFile();
          if (targetIsFile && !included(rel)) continue;
          problems.push(
            `symlink "${rel}" points outside ${sourceDir} (to ${target}); a package may only contain files from inside its source directory (exclude the link or copy the file in)`,
          );
          continue;
        }
        real = target;
        const s = await stat(target);
        kind = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
      } else {
        kind = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
      }

      if (kind === 'dir') {
        const loops = dir.chain.includes(real) || dir.real.startsWith(`${real}${sep}`);
        if (loops) {
          problems.push(`symlink "${rel}" loops back to a directory that contains it (${real})`);
          continue;
        }
        stack.push({ real, rel, chain: [...dir.chain, real] });
        continue;
      }
      if (!included(rel) || skip.has(real)) continue;
      if (kind === 'other') {
        problems.push(`"${rel}" is not a regular file (a socket, pipe or device) and cannot be packaged`);
      } else if (name.includes('\\')) {
        problems.push(`file name "${rel}" contains '\\', which zip readers treat as a path separator`);
      } else {
        const s = await stat(real);
        files.push({ rel, abs: real, size: s.size, mode: s.mode });
        if (unusedInclude.size) markUsed(unusedInclude, ancestorsAndSelf(rel));
        if (files.length > maxFiles) throw tooMany(`more than ${maxFiles} files in ${sourceDir} match`);
      }
    }
  }
  if (problems.length) throw new ValidationError('Package contents', problems);
  if (files.length === 0) {
    const filters = `include ${JSON.stringify(include)}${exclude.length ? ` and exclude ${JSON.stringify(exclude)}` : ''}`;
    throw new ValidationError('Package contents', [
      `no files in ${sourceDir} match ${filters}; a package needs at least one file`,
    ]);
  }
  // Ordinal order of the full path, so the archive does not depend on readdir order.
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return {
    files,
    unmatchedPatterns: { include: [...unusedInclude.keys()], exclude: [...unusedExclude.keys()] },
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(name: Buffer): string | undefined {
  try {
    return UTF8.decode(name);
  } catch {
    return undefined;
  }
}

/** A name with bytes outside printable ASCII shown as \xNN, so an undecodable name can be named. */
function escapeBytes(name: Buffer): string {
  return [...name]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

function ancestorsAndSelf(rel: string): string[] {
  const parts = rel.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
