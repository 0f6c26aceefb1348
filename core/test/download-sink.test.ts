// saveResponse's file sink hands each chunk back (ResponseContext.recycle) only once its bytes are in the
// file: the raw reader reads into a handed-back block again at once, so an early hand-back would let the
// socket overwrite bytes still waiting to be written.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { saveResponse } from '../src/transport/download.js';
import type { ResponseContext } from '../src/transport/transport.js';
import { tempDir } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

function fakeResponse(
  chunks: Buffer[],
  recycle: (chunk: Buffer) => void,
  rawReader: boolean,
): ResponseContext {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const unused = () => {
    throw new Error('not used by saveResponse');
  };
  return {
    status: 200,
    headers: { 'content-length': String(total) },
    url: 'http://proget.test/f',
    body: Readable.from([]),
    raw: () => Readable.from(chunks, { objectMode: false }),
    recycle,
    rawReader,
    signal: new AbortController().signal,
    readText: unused,
    readJson: unused,
    touch: () => {},
    detach: unused,
    retryable: (e) => e,
  };
}

// rawReader: the raw reader's downloads write inline (writevSync, 256 KiB batches); node:http's in the threadpool.
it.each([
  ['in the threadpool', false],
  ['inline', true],
])('hands every chunk back, each only after its bytes are in the file (written %s)', async (_, rawReader) => {
  // 40 chunks of 100 KiB with distinct bytes: several write batches, and a last partial one.
  const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100 * 1024, i + 1));
  const offsets = new Map<Buffer, number>();
  let at = 0;
  for (const c of chunks) {
    offsets.set(c, at);
    at += c.length;
  }
  const returned: Buffer[] = [];
  const early: string[] = [];
  const response = fakeResponse(
    chunks,
    (chunk) => {
      returned.push(chunk);
      const part = readdirSync(dir.path).find((f) => f.endsWith('.part'));
      const onDisk = part ? readFileSync(join(dir.path, part)) : Buffer.alloc(0);
      const offset = offsets.get(chunk)!;
      if (!onDisk.subarray(offset, offset + chunk.length).equals(chunk)) early.push(`chunk at ${offset}`);
    },
    rawReader,
  );
  const result = await saveResponse(response, {
    destPath: join(dir.path, 'p.upack'),
    fallbackName: 'p.upack',
    operation: 'download p',
  });
  expect(early).toEqual([]);
  expect(returned).toHaveLength(chunks.length);
  expect(new Set(returned)).toEqual(new Set(chunks));
  expect(result.size).toBe(at);
  expect(readFileSync(result.path).equals(Buffer.concat(chunks))).toBe(true);
});
