import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PackageFormatError } from '../../src/errors.js';
import { EntryGuard, InflateBudget } from '../../src/upack/entry-guard.js';

/** Runs `chunks` through guards sharing one budget; resolves with the bytes that got through. */
async function through(
  entries: { path: string; chunks: Buffer[]; size: number; crc?: number }[],
  limit: number,
): Promise<{ passed: number; error?: unknown }> {
  const budget = new InflateBudget('p.upack', limit);
  let passed = 0;
  try {
    for (const e of entries) {
      const data = Buffer.concat(e.chunks);
      const guard = new EntryGuard(
        'p.upack',
        { path: e.path, size: e.size, crc32: e.crc ?? crc32(data) },
        budget,
      );
      await pipeline(Readable.from(e.chunks), guard, async (source) => {
        for await (const c of source) passed += (c as Buffer).length;
      });
    }
    return { passed };
  } catch (error) {
    return { passed, error };
  }
}

describe('EntryGuard and InflateBudget', () => {
  it('stops at the total limit across entries even when every declared size looks fine', async () => {
    const chunk = Buffer.alloc(1000, 1);
    const { passed, error } = await through(
      [
        { path: 'package/a', chunks: [chunk, chunk], size: 2000 },
        { path: 'package/b', chunks: [chunk, chunk, chunk], size: 3000 },
      ],
      4000,
    );
    expect(error).toBeInstanceOf(PackageFormatError);
    expect((error as Error).message).toBe(
      'p.upack: entry "package/b" is refused: extraction has inflated more than 4000 bytes, the limit for a whole package (maxTotalSize)',
    );
    expect(passed).toBeLessThanOrEqual(4000); // nothing past the limit went on
  });

  it('refuses more bytes than declared at the first chunk over, and a wrong CRC at the end', async () => {
    const over = await through([{ path: 'x', chunks: [Buffer.alloc(10), Buffer.alloc(10)], size: 15 }], 1e9);
    expect((over.error as Error).message).toBe(
      'p.upack: entry "x" is refused: it holds more data than the 15 bytes its header declares',
    );
    expect(over.passed).toBeLessThanOrEqual(10);
    const bad = await through([{ path: 'y', chunks: [Buffer.from('hello')], size: 5, crc: 0xdeadbeef }], 1e9);
    expect((bad.error as Error).message).toBe(
      'p.upack: entry "y" is refused: its data does not match its CRC-32 (declared deadbeef, computed 3610a686): the package is damaged or was altered',
    );
  });

  it('passes data that matches its size and CRC', async () => {
    const ok = await through([{ path: 'z', chunks: [Buffer.from('hel'), Buffer.from('lo')], size: 5 }], 5);
    expect(ok).toEqual({ passed: 5 });
  });
});
