// One transfer suite, run against both download paths: core's raw reader (the default) and node:http
// (`nodeHttpTransfers: true`). Whatever one path does with a body, the other must do too.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient, type ProGetClientOptions } from '../../src/index.js';
import { rejection, tempDir } from '../helpers.js';
import { head, positional, type RawServer, rawServer, writePieces } from './raw-server.js';

const paths = [
  { path: 'raw reader', nodeHttpTransfers: false },
  { path: 'node:http', nodeHttpTransfers: true },
];

let server: RawServer | undefined;
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => {
  await server?.close();
  await dir?.remove();
  server = undefined;
  dir = undefined;
});

const id = { name: 'p', version: '1.0.0' };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe.each(paths)('downloads through $path', ({ nodeHttpTransfers }) => {
  const client = (url: string, extra: Partial<ProGetClientOptions> = {}) =>
    new ProGetClient({ url, apiKey: 'k', retries: 0, nodeHttpTransfers, ...extra });

  async function setUp(respond: Parameters<typeof rawServer>[0]) {
    server = await rawServer(respond);
    dir = await tempDir();
    return { url: server.url, dir: dir.path };
  }

  it.each([
    0,
    1,
    4093,
    300_000,
    3 * 1024 * 1024 + 7,
  ])('saves %i bytes framed by Content-Length', async (size) => {
    const bytes = positional(size);
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Type': 'application/zip', 'Content-Length': size }));
      socket.end(bytes);
    });
    const result = await client(s.url).universal.download('f', id, join(s.dir, 'p.upack'), {
      hashes: ['sha256'],
    });
    expect(result.size).toBe(size);
    expect(result.sha256).toBe(sha256(bytes));
    expect((await readFile(result.path)).equals(bytes)).toBe(true);
  });

  it('saves a chunked body with extensions and trailers, arriving in pieces', async () => {
    const s = await setUp(async (socket) => {
      socket.write(head('200 OK', { 'Transfer-Encoding': 'chunked' }));
      await writePieces(socket, ['3;ext=1\r\nab', 'c\r\n', '2\r\nde\r', '\n0\r\nX-Trailer: t\r\n', '\r\n']);
    });
    const result = await client(s.url).universal.download('f', id, join(s.dir, 'p.upack'));
    expect(await readFile(result.path, 'latin1')).toBe('abcde');
  });

  it('saves a body delimited by the end of the connection', async () => {
    const s = await setUp(async (socket) => {
      socket.write(head('200 OK', { 'Content-Type': 'application/octet-stream' }));
      await writePieces(socket, ['first ', 'second ', 'third']);
    });
    const result = await client(s.url).universal.download('f', id, join(s.dir, 'p.upack'));
    expect(await readFile(result.path, 'latin1')).toBe('first second third');
  });

  it('a body shorter than its Content-Length fails and leaves nothing behind', async () => {
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Length': 1000 }));
      socket.end(Buffer.alloc(10));
    });
    const error = await rejection(client(s.url).universal.download('f', id, join(s.dir, 'p.upack')));
    expect(error).toMatchObject({ name: 'ProGetError', kind: 'network' });
    expect(error.message).toMatch(
      /^Could not download p 1\.0\.0 from feed "f": (the connection closed before the response was complete|the download ended after 10 of 1000 bytes)/,
    );
    expect(await dir!.files()).toEqual([]);
  });

  it('a connection reset mid-body fails and leaves nothing behind', async () => {
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Length': 100_000 }));
      socket.write(Buffer.alloc(5000));
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    const error = await rejection(client(s.url).universal.download('f', id, join(s.dir, 'p.upack')));
    expect(error).toMatchObject({ name: 'ProGetError', kind: 'network' });
    expect(await dir!.files()).toEqual([]);
  });

  it('a broken chunked body fails and leaves nothing behind', async () => {
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Transfer-Encoding': 'chunked' }));
      socket.end('zz\r\nab\r\n0\r\n\r\n');
    });
    const error = await rejection(client(s.url).universal.download('f', id, join(s.dir, 'p.upack')));
    expect(error).toMatchObject({ name: 'ProGetError', kind: 'network' });
    expect(await dir!.files()).toEqual([]);
  });

  it('into a directory, takes the file name from Content-Disposition, reduced to a base name', async () => {
    const s = await setUp((socket) => {
      socket.write(
        head('200 OK', {
          'Content-Disposition': 'attachment; filename="../../evil.upack"',
          'Content-Length': 2,
        }),
      );
      socket.end('PK');
    });
    const result = await client(s.url).universal.download('f', id, s.dir);
    expect(result.path).toBe(join(s.dir, 'evil.upack'));
    expect(await dir!.files()).toEqual(['evil.upack']);
  });

  it('a hash mismatch fails, names both hashes and saves nothing', async () => {
    const bytes = Buffer.from('the real bytes');
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Length': bytes.length }));
      socket.end(bytes);
    });
    const wrong = '0'.repeat(64);
    const error = await rejection(
      client(s.url).universal.download('f', id, join(s.dir, 'p.upack'), { expect: { sha256: wrong } }),
    );
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(sha256(bytes));
    expect(await dir!.files()).toEqual([]);
  });

  it('an abort mid-body stops the download as cancelled and leaves nothing behind', async () => {
    const controller = new AbortController();
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Length': 1_000_000 }));
      socket.write(Buffer.alloc(1000));
      setTimeout(() => controller.abort(), 30);
    });
    const error = await rejection(
      client(s.url).universal.download('f', id, join(s.dir, 'p.upack'), { signal: controller.signal }),
    );
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(error.message).toMatch(/^Could not download p 1\.0\.0 from feed "f": the operation was cancelled/);
    expect(await dir!.files()).toEqual([]);
  });

  it('an HTML page is not a package', async () => {
    const s = await setUp((socket) => {
      const page = '<html><body>Log in</body></html>';
      socket.write(head('200 OK', { 'Content-Type': 'text/html', 'Content-Length': page.length }));
      socket.end(page);
    });
    const error = await rejection(client(s.url).universal.download('f', id, join(s.dir, 'p.upack')));
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect(error.message).toContain('expected a package but the server sent an HTML page');
    expect(await dir!.files()).toEqual([]);
  });

  it('a file already at the target path is kept when the download fails', async () => {
    const s = await setUp((socket) => {
      socket.write(head('200 OK', { 'Content-Length': 50 }));
      socket.end('short');
    });
    await writeFile(join(s.dir, 'p.upack'), 'old');
    await rejection(client(s.url).universal.download('f', id, join(s.dir, 'p.upack')));
    expect(await readFile(join(s.dir, 'p.upack'), 'utf8')).toBe('old');
    expect(await dir!.files()).toEqual(['p.upack']);
  });
});
