// SHA-1 (ProGet's package hash) and SHA-256, computed while bytes stream past, never over a buffered file.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExpectedHashes, FileHashes, HashAlgorithm } from './types.js';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256'];

const HEX_LENGTH: Record<HashAlgorithm, number> = { sha1: 40, sha256: 64 };

/** A pass-through stream that hashes and counts what flows through it; read `digest()` after it ends. */
export class HashingStream extends Transform {
  private readonly hasher = new PackageHasher();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }

  get bytes(): number {
    return this.hasher.bytes;
  }

  digest(): FileHashes {
    return this.hasher.digest();
  }
}

/**
 * Only the named hashes, fed by whoever owns the bytes (no stream stage of its own). With no algorithms it
 * does nothing: hashing is the dominant CPU cost of a transfer, so it is paid only when asked for.
 */
export class SelectedHashes {
  private readonly hashes: Array<[HashAlgorithm, Hash]>;

  constructor(algorithms: Iterable<HashAlgorithm>) {
    this.hashes = [...new Set(algorithms)].map((a) => [a, createHash(a)]);
  }

  get empty(): boolean {
    return this.hashes.length === 0;
  }

  update(chunk: Buffer): void {
    for (const [, hash] of this.hashes) hash.update(chunk);
  }

  /** Hex digests of the selected algorithms; call once, at the end. */
  digest(): Partial<Record<HashAlgorithm, string>> {
    const out: Partial<Record<HashAlgorithm, string>> = {};
    for (const [algorithm, hash] of this.hashes) out[algorithm] = hash.digest('hex');
    return out;
  }
}

/** SHA-1 + SHA-256 and the byte count of everything fed to it, fed by whoever owns the bytes. */
export class PackageHasher {
  private readonly hashes = new SelectedHashes(HASH_ALGORITHMS);
  private size = 0;
  private result?: FileHashes;

  update(chunk: Buffer): void {
    this.hashes.update(chunk);
    this.size += chunk.length;
  }

  get bytes(): number {
    return this.size;
  }

  /** The size and hex digests; the same object on every call. */
  digest(): FileHashes {
    this.result ??= { size: this.size, ...(this.hashes.digest() as Pick<FileHashes, 'sha1' | 'sha256'>) };
    return this.result;
  }
}

/**
 * Checks and normalizes the `hashes` and `expect` transfer options: unknown algorithms and malformed hex are
 * refused up front (a typo must not silently skip the check). Returns the algorithms to compute: those
 * asked for plus those with an expected value.
 */
export function hashPlan(
  requested: readonly HashAlgorithm[] | undefined,
  expected: ExpectedHashes | undefined,
  /** How the expected values are named in messages: the option they came from. */
  label = 'expect',
): { algorithms: HashAlgorithm[]; expected: ExpectedHashes; problems: string[] } {
  const problems: string[] = [];
  const algorithms = new Set<HashAlgorithm>();
  for (const a of requested ?? []) {
    if (HASH_ALGORITHMS.includes(a)) algorithms.add(a);
    else problems.push(`"hashes" has ${JSON.stringify(a)}; supported: ${HASH_ALGORITHMS.join(', ')}`);
  }
  const normalized: ExpectedHashes = {};
  for (const a of HASH_ALGORITHMS) {
    const value = expected?.[a];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[a]}}$`).test(value)) {
      problems.push(`${label}.${a} must be ${HEX_LENGTH[a]} hex digits, got ${JSON.stringify(value)}`);
      continue;
    }
    normalized[a] = value.toLowerCase();
    algorithms.add(a);
  }
  if (expected?.size !== undefined) {
    if (!Number.isSafeInteger(expected.size) || expected.size < 0) {
      problems.push(`${label}.size must be a whole number of bytes, got ${JSON.stringify(expected.size)}`);
    } else normalized.size = expected.size;
  }
  return { algorithms: HASH_ALGORITHMS.filter((a) => algorithms.has(a)), expected: normalized, problems };
}

/** What differs between the expected and the actual size and hashes, one line each; empty when all match. */
export function hashMismatches(
  expected: ExpectedHashes,
  actual: { size: number } & Partial<Record<HashAlgorithm, string>>,
): string[] {
  const out: string[] = [];
  if (expected.size !== undefined && expected.size !== actual.size) {
    out.push(`size is ${actual.size} bytes, expected ${expected.size}`);
  }
  for (const a of HASH_ALGORITHMS) {
    const want = expected[a];
    if (want !== undefined && want !== actual[a]) out.push(`${a} is ${actual[a]}, expected ${want}`);
  }
  return out;
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<FileHashes> {
  const hasher = new HashingStream();
  await pipeline(
    createReadStream(path),
    hasher,
    // discard: only the hashes matter
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    }),
    { signal },
  );
  return hasher.digest();
}
