// The download file sink, in both of its write modes: in the threadpool (writev) and inline (writevSync,
// what the raw reader's downloads use). A write that fails must fail the stream and hand nothing back.

import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FILE_WRITE_BATCH, FileSink, INLINE_WRITE_BATCH } from '../src/transport/file-sink.js';
import { tempDir } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

/** The sink's file descriptor once it has opened its file (bounded: 2 s). */
async function openedFd(sink: FileSink): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const fd = (sink as unknown as { fd: number | undefined }).fd;
    if (fd !== undefined) return fd;
    await sleep(10);
  }
  throw new Error('the sink did not open its file');
}

/** Writes one chunk and waits until the sink has taken it. */
const writeOne = (sink: FileSink, chunk: Buffer) =>
  new Promise<void>((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve())));

const modes = [
  ['in the threadpool', false, FILE_WRITE_BATCH],
  ['inline', true, INLINE_WRITE_BATCH],
] as const;

it.each(modes)('writes every byte in order, in batches (%s)', async (_, inline, batch) => {
  // 3.5 batches of 16 KiB chunks, each chunk's bytes distinct: batches, then a partial last one.
  const chunks = Array.from({ length: (3.5 * batch) / (16 * 1024) }, (_, i) => Buffer.alloc(16 * 1024, i));
  const sizes: number[] = [];
  const path = join(dir.path, 'f');
  let out = 0;
  const sink = new FileSink(
    path,
    () => {},
    (chunk) => {
      out += chunk.length;
      sizes.push(readFileSync(path).length);
    },
    { inline },
  );
  await openedFd(sink);
  // One at a time, so no chunk waits in the stream's buffer and batches are exactly `batch` bytes.
  for (const chunk of chunks) await writeOne(sink, chunk);
  await new Promise<void>((resolve, reject) =>
    sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  expect(readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
  expect(sink.bytes).toBe(3.5 * batch);
  expect(out).toBe(3.5 * batch);
  // Handed back a batch at a time: the file had grown by whole batches when the first three came back.
  expect([...new Set(sizes)]).toEqual([batch, 2 * batch, 3 * batch, 3.5 * batch]);
});

it.each(modes)('a failed write fails the stream and hands nothing back (%s)', async (_, inline, batch) => {
  const path = join(dir.path, 'f');
  const returned: Buffer[] = [];
  const sink = new FileSink(
    path,
    () => {},
    (chunk) => returned.push(chunk),
    { inline },
  );
  // The sink's descriptor swapped for a read-only one of the same file: its next write fails with EBADF.
  // (Not closed under it: the number could be reused by another file while the test runs.)
  const fd = await openedFd(sink);
  (sink as unknown as { fd: number }).fd = openSync(path, 'r');
  const chunks = [Buffer.alloc(batch, 1), Buffer.alloc(batch, 2)];
  await expect(pipeline(Readable.from(chunks), sink)).rejects.toMatchObject({ code: 'EBADF' });
  expect(returned).toEqual([]);
  closeSync(fd);
});
