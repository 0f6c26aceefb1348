// The stored-or-deflate decision behind the zip pipeline: incompressible blocks are stored, anything deflate
// can shrink (text, data repeating within deflate's window, a block that is only partly random) is deflated.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entropyBits, SAMPLED_BLOCK_MIN, worthDeflating } from '../../src/upack/compressible.js';

const MiB = 1024 * 1024;

function text(size: number): Buffer {
  const words = ['package', 'feed', 'version', 'promote', 'deploy', 'the', 'of', 'and'];
  const out = Buffer.alloc(size);
  let x = 7;
  for (let at = 0; at < size; ) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    at += out.write(`${words[x % words.length]} `, at);
  }
  return out;
}

describe('worthDeflating', () => {
  it('stores random bytes and deflates text', async () => {
    expect(await worthDeflating(randomBytes(MiB))).toBe(false);
    expect(await worthDeflating(randomBytes(MiB), randomBytes(32 * 1024))).toBe(false);
    expect(await worthDeflating(text(MiB))).toBe(true);
  });

  it('deflates small blocks without looking', async () => {
    expect(await worthDeflating(randomBytes(SAMPLED_BLOCK_MIN - 1))).toBe(true);
    expect(await worthDeflating(randomBytes(SAMPLED_BLOCK_MIN))).toBe(false);
  });

  it('deflates random bytes that repeat within the 32 KiB window', async () => {
    // Every 8 KiB piece is random by itself; only the 32 KiB before it shows the repeat.
    const chunk = randomBytes(20 * 1024);
    const block = Buffer.alloc(MiB);
    for (let at = 0; at < MiB; at += chunk.length) chunk.copy(block, at);
    expect(entropyBits(block.subarray(0, 8 * 1024))).toBeGreaterThan(7.9);
    expect(await worthDeflating(block)).toBe(true);
  });

  it('primes the first piece with the previous block', async () => {
    const dictionary = randomBytes(32 * 1024);
    const block = randomBytes(MiB);
    dictionary.copy(block, 0, 24 * 1024); // the block starts with the last 8 KiB of the previous one
    expect(await worthDeflating(block)).toBe(false);
    expect(await worthDeflating(block, dictionary)).toBe(true);
  });

  it('deflates a block that is random only in part', async () => {
    const half = Buffer.concat([randomBytes(MiB / 2), text(MiB / 2)]);
    expect(await worthDeflating(half)).toBe(true);
    const middle = Buffer.concat([randomBytes(MiB / 4), text(MiB / 2), randomBytes(MiB / 4)]);
    expect(await worthDeflating(middle)).toBe(true);
  });

  it('deflates near-uniform bytes that still save over 1 %', async () => {
    // Random bytes with every 16th byte zero: entropy stays high, deflate still saves 1.9 %.
    const block = randomBytes(MiB);
    for (let i = 0; i < block.length; i += 16) block[i] = 0;
    expect(entropyBits(block.subarray(0, 8 * 1024))).toBeGreaterThan(7.5);
    expect(await worthDeflating(block)).toBe(true);
  });
});

describe('entropyBits', () => {
  it('is 0 for one repeated byte and 8 for every byte equally often', () => {
    expect(entropyBits(Buffer.alloc(1000, 65))).toBe(0);
    const all = Buffer.alloc(256 * 4);
    for (let i = 0; i < all.length; i++) all[i] = i & 0xff;
    expect(entropyBits(all)).toBeCloseTo(8, 10);
  });
});
