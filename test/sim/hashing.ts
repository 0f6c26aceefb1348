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
const fresh = () => workerData.algorithms.map((a) => [a, createHash(a)]);
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    let s = sessions.get(m.id);
    if (!s) sessions.set(m.id, (s = fresh()));
    for (const [, h] of s) h.update(m.chunk);
    parentPort.postMessage({ type: 'ack', id: m.id, bytes: m.chunk.byteLength });
  } else if (m.type === 'digest') {
    const s = sessions.get(m.id) ?? fresh();
    sessions.delete(m.id);
    parentPort.postMessage({ type: 'digest', id: m.id, digests: Object.fromEntries(s.map(([a, h]) => [a, h.digest('hex')])) });
  } else if (m.type === 'drop') {
    sessions.delete(m.id);
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
  readonly sessions = new Map<number, PooledHasher>();
  private nextId = 1;

  constructor(onBroken: () => void) {
    this.workers = GROUPS.map((algorithms, index) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { algorithms } });
      w.on('message', (m: WorkerMessage) => this.sessions.get(m.id)?.fromWorker(index, m));
      w.on('error', (err) => {
        onBroken();
        for (const s of this.sessions.values()) s.destroy(err);
      });
      // After the listeners: adding a 'message' listener refs the worker's port again, which kept every
      // process that had started a simulator alive after close().
      w.unref();
      return w;
    });
  }

  open(session: PooledHasher): number {
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

/** All four hashes on the worker pool; waits when the workers fall behind. */
export class PooledHasher extends Transform implements StreamHasher {
  private readonly pool = sharedPool();
  private readonly id = this.pool.open(this);
  private readonly inFlight = GROUPS.map(() => 0);
  private readonly digests: Partial<Record<Algorithm, string>> = {};
  private digestsPending = 0;
  private onDigests?: () => void;
  private continueWrite?: () => void;
  private size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    this.pool.workers.forEach((w, i) => {
      const copy = new Uint8Array(chunk);
      w.postMessage({ type: 'data', id: this.id, chunk: copy }, [copy.buffer]);
      this.inFlight[i]! += chunk.length;
    });
    if (Math.max(...this.inFlight) > IN_FLIGHT_LIMIT) this.continueWrite = () => cb(null, chunk);
    else cb(null, chunk);
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

  result(): Promise<FileHashes> {
    return new Promise((resolve) => {
      this.digestsPending = this.pool.workers.length;
      this.onDigests = () => {
        this.pool.sessions.delete(this.id);
        resolve({ size: this.size, ...(this.digests as Record<Algorithm, string>) });
      };
      for (const w of this.pool.workers) w.postMessage({ type: 'digest', id: this.id });
    });
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // Streams destroy themselves after finishing; only an abandoned session is dropped.
    if ((err || !this.writableFinished) && this.pool.sessions.delete(this.id)) {
      for (const w of this.pool.workers) w.postMessage({ type: 'drop', id: this.id });
    }
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
