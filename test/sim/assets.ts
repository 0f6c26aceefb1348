// Asset directories (feeds of type `asset`): /endpoints/{dir}/content|dir|delete/..., the multipart upload
// protocol of sca-api-notes §7.2, and the source side of `POST /upack/{feed}/import` (§7.3).
//
// Files live on disk under `{dataDir}/assets/{dir}/`; multipart parts under `{dataDir}/asset-parts/`, so an
// unfinished upload is never visible or importable. Where the notes say UNVERIFIED, `AssetOptions` decides.

import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Principal } from './auth.js';
import type { Call, Feed, Sim } from './context.js';
import { type FileHashes, PoolSession } from './hashing.js';
import { HttpError, hardClose, json, type SimResponse, text } from './http.js';
import type { AssetOptions, AssetPartFault, Privilege } from './types.js';
import { contentTypeFor } from './universal.js';

interface PartRecord {
  offset: number;
  size: number;
}

interface Upload {
  dir: string;
  path: string;
  totalSize: number;
  totalParts: number;
  parts: Map<number, PartRecord>;
  folder: string;
  /** Every part is written at its offset here, so complete is a rename (as a server on local disk can). */
  data: string;
  /**
   * Hashes of the parts that arrived in order, computed as they arrived (as the PUT hashes its body), so
   * an import after `complete` need not read the file again. Gone once a part comes out of order or an
   * already hashed part is replaced: the import then reads the file.
   */
  hash?: { session: PoolSession; upTo: number; busy: boolean };
}

/** A completed upload's hashes, valid while the file on disk is that same file (inode, size, mtime). */
interface HashedFile {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  hashes: FileHashes;
}

/** Uploads at least this big hash their parts as they arrive; smaller ones are hashed on import. */
const HASH_PARTS_FROM = 4 * 1024 * 1024;

interface ArmedFault {
  fault: AssetPartFault;
  seen: number;
}

/** One upload as `assetUploads()` reports it: what a "Feed Cleanup" run would delete. */
export interface AssetUploadState {
  directory: string;
  path: string;
  id: string;
  totalParts: number;
  receivedParts: number[];
}

interface AssetState {
  options: Required<Omit<AssetOptions, 'partFaults'>>;
  faults: ArmedFault[];
  uploads: Map<string, Upload>;
  /** Parts being received right now, per upload: a complete racing a part must not assemble half a file. */
  busy: Set<string>;
  /** Completed multipart files by path on disk, until imported or replaced. */
  hashed: Map<string, HashedFile>;
}

const states = new WeakMap<Sim, AssetState>();

/** Called once by startSimulator. */
export function configureAssets(sim: Sim, options: AssetOptions = {}): void {
  states.set(sim, {
    options: {
      repeatedPart: options.repeatedPart ?? 'replace',
      incompleteStatus: options.incompleteStatus ?? 400,
      unknownUploadStatus: options.unknownUploadStatus ?? 400,
      maxIdLength: options.maxIdLength ?? 128,
    },
    faults: [],
    uploads: new Map(),
    busy: new Set(),
    hashed: new Map(),
  });
  setAssetFaults(sim, options.partFaults ?? []);
}

function state(sim: Sim): AssetState {
  let s = states.get(sim);
  if (!s) {
    configureAssets(sim);
    s = states.get(sim)!;
  }
  return s;
}

export function setAssetFaults(sim: Sim, faults: AssetPartFault[]): void {
  for (const f of faults) {
    if (f.type !== 'reset' && f.type !== 'status')
      throw new Error(`Unknown asset part fault type ${f.type}.`);
    if (f.index === undefined && f.atFraction === undefined)
      throw new Error('An asset part fault needs "index" or "atFraction".');
  }
  state(sim).faults = faults.map((fault) => ({ fault, seen: 0 }));
}

export function assetUploads(sim: Sim): AssetUploadState[] {
  return [...state(sim).uploads.entries()].map(([key, u]) => ({
    directory: u.dir,
    path: u.path,
    id: key.slice(key.indexOf('|') + 1),
    totalParts: u.totalParts,
    receivedParts: [...u.parts.keys()].sort((a, b) => a - b),
  }));
}

/** The "Feed Cleanup" scheduled task: orphaned parts are deleted. Returns how many uploads it dropped. */
export async function runAssetCleanup(sim: Sim): Promise<number> {
  const s = state(sim);
  const n = s.uploads.size;
  for (const [key, u] of s.uploads) {
    s.uploads.delete(key);
    u.hash?.session.drop();
    await rm(u.folder, { recursive: true, force: true });
  }
  return n;
}

export function isAssetDirectory(feed: Feed): boolean {
  return feed.feedType.toLowerCase() === 'asset' || feed.feedType.toLowerCase() === 'assets';
}

function filesRoot(sim: Sim, dir: Feed): string {
  return join(sim.store.dataDir, 'assets', dir.name.toLowerCase());
}

/** `a\b/c` → `a/b/c` with each segment checked; '' for the root. */
function cleanPath(raw: string): string {
  const segments = raw.split(/[\\/]/).filter((s) => s !== '');
  for (const s of segments)
    if (s === '.' || s === '..' || s.includes('\0')) throw new HttpError(400, `Invalid path "${raw}".`);
  return segments.join('/');
}

function onDisk(sim: Sim, dir: Feed, path: string): string {
  return path === '' ? filesRoot(sim, dir) : join(filesRoot(sim, dir), ...path.split('/'));
}

/** Assets answer 401 (not 403) on any authorization failure (notes §2.2). */
function assetDirectory(sim: Sim, who: Principal, name: string, privilege: Privilege): Feed {
  const feed = sim.feed(name);
  if (feed && isAssetDirectory(feed) && !sim.can(who, privilege, feed.name))
    throw new HttpError(401, 'The specified API key does not have access to this asset directory.', {
      'WWW-Authenticate': 'Basic realm="ProGet"',
    });
  if (!feed || !isAssetDirectory(feed) || !feed.active)
    throw new HttpError(404, `Asset directory "${name}" was not found.`);
  return feed;
}

function int(q: URLSearchParams, name: string): number {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '')
    throw new HttpError(
      400,
      `The "${name}" argument is required: all arguments are required to initiate or continue a multipart upload.`,
    );
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, `Invalid "${name}" argument "${raw}".`);
  return n;
}

export async function assetsApi(sim: Sim, call: Call, dirName: string, rest: string[]): Promise<SimResponse> {
  const [op, ...segments] = rest;
  const path = cleanPath(segments.join('/'));
  switch (op) {
    case 'content': {
      if (call.method === 'GET' || call.method === 'HEAD') return download(sim, call, dirName, path);
      const multipart = call.query.get('multipart')?.toLowerCase();
      if (call.method === 'POST' && multipart === 'upload') return uploadPart(sim, call, dirName, path);
      if (call.method === 'POST' && multipart === 'complete') return complete(sim, call, dirName, path);
      if (multipart) throw new HttpError(400, `Invalid "multipart" argument "${multipart}".`);
      if (['PUT', 'POST', 'PATCH'].includes(call.method)) return uploadWhole(sim, call, dirName, path);
      throw new HttpError(405, `Method ${call.method} is not allowed here.`);
    }
    case 'dir': {
      if (call.method !== 'GET') throw new HttpError(405, `Method ${call.method} is not allowed here.`);
      const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_DownloadPackage');
      const recursive = /^true/i.test(call.query.get('recursive') ?? ''); // pgutil sends `false)`
      return json(200, await listing(sim, dir, path, recursive));
    }
    case 'delete': {
      if (call.method !== 'POST' && call.method !== 'DELETE')
        throw new HttpError(405, `Method ${call.method} is not allowed here.`);
      const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_DeletePackage');
      if (path === '') throw new HttpError(400, 'A path is required.');
      const recursive = /^true/i.test(call.query.get('recursive') ?? '');
      const target = onDisk(sim, dir, path);
      const info = await stat(target).catch(() => undefined);
      if (info?.isDirectory() && !recursive && (await readdir(target)).length > 0)
        throw new HttpError(400, `Folder "${path}" is not empty; use recursive=true.`);
      await rm(target, { recursive: true, force: true });
      return { status: 200, body: '' };
    }
    default:
      return text(404, 'Not Found');
  }
}

async function download(sim: Sim, call: Call, dirName: string, path: string): Promise<SimResponse> {
  const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_DownloadPackage');
  const file = onDisk(sim, dir, path);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new HttpError(404, `File "${path}" was not found.`);
  return {
    status: 200,
    headers: { 'Content-Type': contentTypeFor(path) },
    body: call.method === 'HEAD' ? undefined : createReadStream(file, { highWaterMark: 1024 * 1024 }),
    length: info.size,
  };
}

async function listing(sim: Sim, dir: Feed, path: string, recursive: boolean) {
  const out: Record<string, unknown>[] = [];
  const walk = async (rel: string, depth: number) => {
    const entries = await readdir(onDisk(sim, dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      const info = await stat(onDisk(sim, dir, child));
      out.push({
        name: e.name,
        ...(rel ? { parent: rel } : {}),
        type: e.isDirectory() ? 'dir' : contentTypeFor(e.name),
        ...(e.isDirectory() ? {} : { size: info.size, content: `content/${child}` }),
        created: info.birthtime.toISOString(),
        modified: info.mtime.toISOString(),
      });
      if (recursive && e.isDirectory() && depth < 32) await walk(child, depth + 1);
    }
  };
  await walk(path, 0);
  return out;
}

/** Body to a temp file beside the target, then renamed: a file is never seen half-written. */
async function receiveTo(call: Call, target: string): Promise<number> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}.tmp`;
  try {
    const n = await receiveInto(call, createWriteStream(temp));
    await rename(temp, target);
    return n;
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Pipes the body into `out`, counting bytes; a reset fault closes the connection after `afterBytes`. */
async function receiveInto(
  call: Call,
  out: NodeJS.WritableStream,
  reset?: { afterBytes: number },
  hash?: PoolSession,
): Promise<number> {
  let seen = 0;
  const socket: Socket = call.req.socket;
  const hashed = (chunk: Buffer) =>
    hash ? new Promise<Buffer>((resolve) => hash.write(chunk, () => resolve(chunk))) : chunk;
  await pipeline(
    call.body,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        if (reset && seen + chunk.length >= reset.afterBytes) {
          const keep = Math.max(0, reset.afterBytes - seen);
          seen += keep;
          if (keep > 0) yield await hashed(chunk.subarray(0, keep));
          hardClose(socket);
          throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
        }
        seen += chunk.length;
        yield await hashed(chunk);
      }
    },
    out,
  );
  return seen;
}

async function uploadWhole(sim: Sim, call: Call, dirName: string, path: string): Promise<SimResponse> {
  const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_AddPackage');
  if (path === '') throw new HttpError(400, 'A file path is required.');
  const target = onDisk(sim, dir, path);
  const exists = (await stat(target).catch(() => undefined))?.isFile() ?? false;
  // PUT only creates, PATCH only replaces, POST does either (§7.1).
  if (call.method === 'PUT' && exists) throw new HttpError(400, `File "${path}" already exists.`);
  if (call.method === 'PATCH' && !exists) throw new HttpError(404, `File "${path}" was not found.`);
  await receiveTo(call, target);
  return { status: 201, body: '' };
}

/** The fault (if any) for this part: counted once per matching part request. */
function partFault(s: AssetState, index: number, offset: number, size: number, total: number) {
  for (const armed of s.faults) {
    const f = armed.fault;
    let at: number | undefined;
    if (f.index !== undefined) {
      if (f.index !== index) continue;
      at = f.afterBytes ?? Math.floor(size / 2);
    } else {
      const byte = Math.floor(total * f.atFraction!);
      if (byte < offset || byte >= offset + size) continue;
      at = byte - offset;
    }
    armed.seen++;
    const after = f.after ?? 0;
    if (armed.seen <= after) continue;
    if (f.times !== undefined && armed.seen > after + f.times) continue;
    return { fault: f, at };
  }
  return undefined;
}

async function uploadPart(sim: Sim, call: Call, dirName: string, path: string): Promise<SimResponse> {
  const s = state(sim);
  const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_AddPackage');
  if (path === '') throw new HttpError(400, 'A file path is required.');
  const q = call.query;
  const id = uploadId(s, q);
  const index = int(q, 'index');
  const offset = int(q, 'offset');
  const totalSize = int(q, 'totalSize');
  const partSize = int(q, 'partSize');
  const totalParts = int(q, 'totalParts');
  if (totalParts < 1) throw new HttpError(400, 'Invalid "totalParts": at least one part is needed.');
  if (index >= totalParts)
    throw new HttpError(400, `Part index ${index} is out of range for ${totalParts} parts.`);
  if (offset + partSize > totalSize)
    throw new HttpError(
      400,
      `Part ${index} (offset ${offset}, ${partSize} bytes) ends past totalSize ${totalSize}.`,
    );
  const declared = call.req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== partSize)
    throw new HttpError(400, `Part ${index} declares partSize ${partSize} but sends ${declared} bytes.`);

  const key = `${dir.name.toLowerCase()}|${id}`;
  let upload = s.uploads.get(key);
  if (upload) {
    if (upload.totalSize !== totalSize || upload.totalParts !== totalParts || upload.path !== path)
      throw new HttpError(
        400,
        `Part ${index} disagrees with upload ${id}: totalSize ${totalSize}/${upload.totalSize}, ` +
          `totalParts ${totalParts}/${upload.totalParts}, path "${path}"/"${upload.path}".`,
      );
  } else {
    const folder = join(sim.store.dataDir, 'asset-parts', dir.name.toLowerCase(), id);
    upload = {
      dir: dir.name,
      path,
      totalSize,
      totalParts,
      parts: new Map(),
      folder,
      data: join(folder, 'data'),
      hash: totalSize >= HASH_PARTS_FROM ? { session: new PoolSession(), upTo: 0, busy: false } : undefined,
    };
    s.uploads.set(key, upload);
    await mkdir(folder, { recursive: true });
    await writeFile(upload.data, '');
  }
  for (const [i, p] of upload.parts) {
    if (i === index) {
      if (s.options.repeatedPart === 'reject')
        throw new HttpError(400, `Part ${index} was already uploaded.`);
      continue;
    }
    if (offset < p.offset + p.size && p.offset < offset + partSize)
      throw new HttpError(400, `Part ${index} overlaps part ${i}.`);
  }

  const hit = partFault(s, index, offset, partSize, totalSize);
  if (hit?.fault.type === 'status')
    throw new HttpError(hit.fault.status ?? 500, hit.fault.body ?? `Simulated failure of part ${index}.`);
  const hash = upload.hash;
  if (hash && offset < hash.upTo) {
    // A part already hashed is being replaced: its new bytes may differ.
    hash.session.drop();
    upload.hash = undefined;
  }
  const hashing = hash !== undefined && upload.hash === hash && offset === hash.upTo && !hash.busy;
  s.busy.add(key);
  let received = 0;
  try {
    // Unrecorded until it arrived whole: a cut part's bytes are overwritten when it is sent again.
    upload.parts.delete(index);
    if (hashing) {
      hash.busy = true;
      hash.session.mark();
    }
    const out = createWriteStream(upload.data, { flags: 'r+', start: offset, highWaterMark: 1024 * 1024 });
    received = await receiveInto(
      call,
      out,
      hit ? { afterBytes: hit.at } : undefined,
      hashing ? hash.session : undefined,
    );
  } finally {
    s.busy.delete(key);
    if (hashing) {
      hash.busy = false;
      // Only a part that arrived whole counts; a cut one is hashed again from its start when resent.
      if (received === partSize) hash.upTo += partSize;
      else hash.session.restore();
    }
  }
  if (received !== partSize)
    throw new HttpError(400, `Part ${index}: partSize is ${partSize} but ${received} bytes arrived.`);
  upload.parts.set(index, { offset, size: partSize });
  return { status: 200, body: '' };
}

function uploadId(s: AssetState, q: URLSearchParams): string {
  const id = q.get('id');
  if (!id) throw new HttpError(400, 'The "id" argument is required.');
  // The client picks it (any string): keep it to characters that are safe as a folder name here.
  if (id.length > s.options.maxIdLength || !/^[A-Za-z0-9._-]+$/.test(id) || /^\.+$/.test(id))
    throw new HttpError(400, `Invalid upload id "${id}".`);
  return id;
}

async function complete(sim: Sim, call: Call, dirName: string, path: string): Promise<SimResponse> {
  const s = state(sim);
  const dir = assetDirectory(sim, call.who(), dirName, 'Feeds_AddPackage');
  const id = uploadId(s, call.query);
  const key = `${dir.name.toLowerCase()}|${id}`;
  const upload = s.uploads.get(key);
  if (!upload) throw new HttpError(s.options.unknownUploadStatus, `No multipart upload with id "${id}".`);
  if (path !== '' && path !== upload.path)
    throw new HttpError(400, `Upload ${id} is for "${upload.path}", not "${path}".`);
  if (s.busy.has(key)) throw new HttpError(400, `Upload ${id} still has a part in progress.`);
  const missing: number[] = [];
  for (let i = 0; i < upload.totalParts; i++) if (!upload.parts.has(i)) missing.push(i);
  const ordered = [...upload.parts.values()].sort((a, b) => a.offset - b.offset);
  let next = 0;
  for (const p of ordered) {
    if (p.offset !== next) break;
    next += p.size;
  }
  if (missing.length > 0 || next !== upload.totalSize)
    throw new HttpError(
      s.options.incompleteStatus,
      missing.length > 0
        ? `Upload ${id} is missing part(s) ${missing.join(', ')} of ${upload.totalParts}.`
        : `Upload ${id}: the parts do not add up to totalSize ${upload.totalSize}.`,
    );
  const target = onDisk(sim, dir, upload.path);
  await mkdir(dirname(target), { recursive: true });
  await truncate(upload.data, upload.totalSize);
  const hash = upload.hash;
  let hashes: FileHashes | undefined;
  if (hash?.upTo === upload.totalSize) hashes = await hash.session.result();
  else hash?.session.drop();
  await rename(upload.data, target);
  s.uploads.delete(key);
  s.hashed.delete(target);
  if (hashes?.size === upload.totalSize) {
    const info = await stat(target, { bigint: true });
    s.hashed.set(target, { ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, hashes });
  }
  await rm(upload.folder, { recursive: true, force: true });
  return { status: 200, body: '' };
}

/**
 * The file `POST /upack/{feed}/import` reads when `assetDirectory` names an asset directory of this
 * simulator; undefined when it names none (the caller then falls back to its import directory).
 */
export async function assetImportSource(
  sim: Sim,
  assetDirectory: string | undefined,
  from: string,
): Promise<string | undefined> {
  if (!assetDirectory) return undefined;
  const dir = sim.feed(assetDirectory);
  if (!dir || !isAssetDirectory(dir)) return undefined;
  const path = cleanPath(from);
  const file = onDisk(sim, dir, path);
  const rel = relative(filesRoot(sim, dir), file);
  if (rel === '' || rel.startsWith(`..${sep}`)) throw new HttpError(400, `Invalid path "${from}".`);
  if (!(await stat(file).catch(() => undefined))?.isFile())
    throw new HttpError(404, `The specified package does not exist: ${from} in asset directory ${dir.name}.`);
  return file;
}

/** The hashes a completed multipart upload computed while its parts arrived, if `file` is still that file. */
async function hashedOnArrival(sim: Sim, file: string, source: string): Promise<FileHashes | undefined> {
  const s = state(sim);
  const known = s.hashed.get(source);
  if (!known) return undefined;
  s.hashed.delete(source);
  const info = await stat(file, { bigint: true });
  const same = info.ino === known.ino && info.size === known.size && info.mtimeNs === known.mtimeNs;
  return same ? known.hashes : undefined;
}

/**
 * The docs' fast path for an import from an asset directory with `deleteFromSource`: no copy. A hard link
 * into the store's temp area (hashed by reading it) stands in for the move, so the source is still there
 * if the import is refused; the caller removes the source once the package is committed. undefined when
 * linking is not possible (the caller copies instead).
 */
export async function assetImportLink(
  sim: Sim,
  source: string,
): Promise<{ tempPath: string; hashes: FileHashes } | undefined> {
  const tempPath = sim.store.tempPath();
  try {
    await link(source, tempPath);
    return {
      tempPath,
      hashes: (await hashedOnArrival(sim, tempPath, source)) ?? (await sim.store.hashFile(tempPath)),
    };
  } catch {
    await rm(tempPath, { force: true });
    return undefined;
  }
}
