// Package hashes (MD5, SHA-1, SHA-256, SHA-512) computed while bytes stream past. Large streams hash on a
// small pool of worker threads, two algorithms each, so a 1 GiB upload is not limited by one core doing all
// four; small files (seed packages) hash inline, which is faster than a round trip to a worker.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';

export interface FileHashes {
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  sha512: string;
}

type Algorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';
const ALGORITHMS: Algorithm[] = ['md5', 'sha1', 'sha256', 'sha512'];

export interface StreamHasher extends Transform {
  result(): Promise<FileHashes>;
}

/** All four hashes on the calling thread. */
export class InlineHasher extends Transform implements StreamHasher {
  private readonly hashes = ALGORITHMS.map((a) => [a, createHash(a)] as [Algorithm, Hash]);
  private size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    for (const [, h] of this.hashes) h.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  async result(): Promise<FileHashes> {
    const d = Object.fromEntries(this.hashes.map(([a, h]) => [a, h.digest('hex')])) as Record<
      Algorithm,
      string
    >;
    return { size: this.size, ...d };
  }
}

// Balanced by cost: SHA-256 and MD5 on one worker, SHA-1 and SHA-512 on the other.
const GROUPS: Algorithm[][] = [
  ['sha256', 'md5'],
  ['sha1', 'sha512'],
];

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const sessions = new Map();
const marks = new Map();
const fresh = () => workerData.algorithms.map((a) => [a, createHash(a)]);
const session = (id) => {
  let s = sessions.get(id);
  if (!s) sessions.set(id, (s = fresh()));
  return s;
};
const copy = (s) => s.map(([a, h]) => [a, h.copy()]);
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    for (const [, h] of session(m.id)) h.update(m.chunk);
    parentPort.postMessage({ type: 'ack', id: m.id, bytes: m.chunk.byteLength });
  } else if (m.type === 'mark') {
    marks.set(m.id, copy(session(m.id)));
  } else if (m.type === 'restore') {
    const mark = marks.get(m.id);
    sessions.set(m.id, mark ? copy(mark) : fresh());
  } else if (m.type === 'digest') {
    const s = session(m.id);
    sessions.delete(m.id);
    marks.delete(m.id);
    parentPort.postMessage({ type: 'digest', id: m.id, digests: Object.fromEntries(s.map(([a, h]) => [a, h.digest('hex')])) });
  } else if (m.type === 'drop') {
    sessions.delete(m.id);
    marks.delete(m.id);
  }
});
`;

/** Bytes a session may have in flight per worker before the stream waits (memory bound). */
const IN_FLIGHT_LIMIT = 16 * 1024 * 1024;

type WorkerMessage =
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'digest'; id: number; digests: Partial<Record<Algorithm, string>> };

class HashPool {
  readonly workers: Worker[];
  readonly sessions = new Map<number, PoolSession>();
  private nextId = 1;

  constructor(onBroken: () => void) {
    this.workers = GROUPS.map((algorithms, index) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { algorithms } });
      w.on('message', (m: WorkerMessage) => this.sessions.get(m.id)?.fromWorker(index, m));
      w.on('error', (err) => {
        onBroken();
        for (const s of this.sessions.values()) s.fail(err);
      });
      // After the listeners: adding a 'message' listener refs the worker's port again, which kept every
      // process that had started a simulator alive after close().
      w.unref();
      return w;
    });
  }

  open(session: PoolSession): number {
    const id = this.nextId++;
    this.sessions.set(id, session);
    return id;
  }
}

let pool: HashPool | undefined;
function sharedPool(): HashPool {
  pool ??= new HashPool(() => {
    pool = undefined;
  });
  return pool;
}

/**
 * All four hashes of one byte sequence on the worker pool, fed in pieces that may come from several
 * streams (a multipart upload's parts). `mark` and `restore` take back every byte written after the mark:
 * a part cut halfway is hashed again from its start when it is resent.
 */
export class PoolSession {
  private readonly pool = sharedPool();
  private readonly id = this.pool.open(this);
  private readonly inFlight = GROUPS.map(() => 0);
  private readonly digests: Partial<Record<Algorithm, string>> = {};
  private digestsPending = 0;
  private onDigests?: () => void;
  private continueWrite?: () => void;
  private failure?: (err: Error) => void;
  private size = 0;
  private markedSize = 0;
  /** Told when a worker dies (a stream stage destroys itself). */
  onFail?: (err: Error) => void;

  /** `next` runs once the workers are not too far behind (at once, usually). */
  write(chunk: Buffer, next: () => void): void {
    this.size += chunk.length;
    this.pool.workers.forEach((w, i) => {
      const copy = new Uint8Array(chunk);
      w.postMessage({ type: 'data', id: this.id, chunk: copy }, [copy.buffer]);
      this.inFlight[i]! += chunk.length;
    });
    if (Math.max(...this.inFlight) > IN_FLIGHT_LIMIT) this.continueWrite = next;
    else next();
  }

  mark(): void {
    this.markedSize = this.size;
    for (const w of this.pool.workers) w.postMessage({ type: 'mark', id: this.id });
  }

  restore(): void {
    this.size = this.markedSize;
    for (const w of this.pool.workers) w.postMessage({ type: 'restore', id: this.id });
  }

  get bytes(): number {
    return this.size;
  }

  fromWorker(index: number, m: WorkerMessage): void {
    if (m.type === 'ack') {
      this.inFlight[index]! -= m.bytes;
      if (this.continueWrite && Math.max(...this.inFlight) <= IN_FLIGHT_LIMIT / 2) {
        const r = this.continueWrite;
        this.continueWrite = undefined;
        r();
      }
      return;
    }
    Object.assign(this.digests, m.digests);
    if (--this.digestsPending === 0) this.onDigests?.();
  }

  /** The digests of everything written (and not taken back); the session ends. */
  result(): Promise<FileHashes> {
    return new Promise((resolve, reject) => {
      this.failure = reject;
      this.digestsPending = this.pool.workers.length;
      this.onDigests = () => {
        this.pool.sessions.delete(this.id);
        resolve({ size: this.size, ...(this.digests as Record<Algorithm, string>) });
      };
      for (const w of this.pool.workers) w.postMessage({ type: 'digest', id: this.id });
    });
  }

  /** Ends the session without digests. */
  drop(): void {
    if (this.pool.sessions.delete(this.id)) {
      for (const w of this.pool.workers) w.postMessage({ type: 'drop', id: this.id });
    }
  }

  /** A worker died: whoever waits on this session hears it. */
  fail(err: Error): void {
    this.failure?.(err);
    this.onFail?.(err);
  }
}

/** All four hashes on the worker pool, as a stream stage; waits when the workers fall behind. */
export class PooledHasher extends Transform implements StreamHasher {
  private readonly session = new PoolSession();
  constructor() {
    super();
    this.session.onFail = (err) => this.destroy(err);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.session.write(chunk, () => cb(null, chunk));
  }

  result(): Promise<FileHashes> {
    return this.session.result();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // Streams destroy themselves after finishing; only an abandoned session is dropped.
    if (err || !this.writableFinished) this.session.drop();
    cb(err);
  }
}

const drain = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

/** Hash a file on disk: inline when small, on the pool when large. */
export async function hashFile(path: string): Promise<FileHashes> {
  const { size } = await stat(path);
  const hasher: StreamHasher = size > 4 * 1024 * 1024 ? new PooledHasher() : new InlineHasher();
  await pipeline(createReadStream(path), hasher, drain());
  return hasher.result();
}
