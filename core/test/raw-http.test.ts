// core's own plain-HTTP reader for package bytes (raw-http.ts), against a TCP server that writes exactly
// the bytes each test gives it, split wherever the test says.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { RAW_READ_BLOCK, type RawResponse, rawGet } from '../src/transport/raw-http.js';
import { tempDir } from './helpers.js';

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** A server that records each request head and answers with `respond(socket, head)`. */
async function tcpServer(
  respond: (socket: Socket, head: string) => void,
): Promise<{ url: string; heads: string[] }> {
  const heads: string[] = [];
  server = createServer((socket) => {
    sockets.add(socket);
    let received = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      if (received.includes('\r\n\r\n')) return;
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = received.slice(0, end);
        heads.push(head);
        respond(socket, head);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, heads };
}

/** Writes the pieces one at a time, each in its own turn of the event loop, then maybe ends. */
async function writePieces(socket: Socket, pieces: Array<string | Buffer>, end = true): Promise<void> {
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (end) socket.end();
}

function get(url: string, path = '/file', headers: Record<string, string> = {}, signal?: AbortSignal) {
  return rawGet(new URL(path, url), headers, {
    signal: signal ?? new AbortController().signal,
    socketTimeout: 10_000,
  });
}

/**
 * A body whose every 4-byte word says where it is: a chunk can be checked against its offset, and a block
 * read into again while a view of it was still out shows.
 */
function positional(size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) body.writeUInt32LE(i, i);
  return body;
}

async function bodyOf(message: RawResponse): Promise<string> {
  return text(message);
}

/**
 * Reads the body chunk by chunk as pushed ('data' events, as pipe and pipeline read it; an async iterator
 * would join what is buffered into new buffers), pausing the stream while `each` is busy.
 */
function eachChunk(message: RawResponse, each: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    message.on('data', (chunk: Buffer) => {
      const busy = each(chunk);
      if (busy) {
        message.pause();
        busy.then(() => message.resume(), reject);
      }
    });
    message.on('end', resolve);
    message.on('error', reject);
  });
}

describe('raw plain-HTTP reader', () => {
  it('sends one GET with the given headers and Connection: close', async () => {
    const s = await tcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const { message } = await get(s.url, '/upack/f/download/p/1.0.0?contentOnly=zip', { 'X-ApiKey': 'k' });
    expect(await bodyOf(message)).toBe('ok');
    const lines = s.heads[0]!.split('\r\n');
    expect(lines[0]).toBe('GET /upack/f/download/p/1.0.0?contentOnly=zip HTTP/1.1');
    expect(lines).toContain(`host: ${new URL(s.url).host}`);
    expect(lines).toContain('x-apikey: k');
    expect(lines).toContain('connection: close');
  });

  it('parses status, reason and headers (repeated ones joined, set-cookie kept apart)', async () => {
    const s = await tcpServer((socket) =>
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n' +
          'Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 4\r\n\r\ngone',
      ),
    );
    const { message } = await get(s.url);
    expect(message.statusCode).toBe(404);
    expect(message.statusMessage).toBe('Not Found');
    expect(message.headers).toMatchObject({ 'content-type': 'text/plain', 'x-a': '1, 2' });
    expect(message.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await bodyOf(message)).toBe('gone');
    expect(message.complete).toBe(true);
  });

  it('takes a head and body split at every byte boundary', async () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world';
    for (const cut of [1, 5, 17, 30, 36, 37, 38, wire.length - 1]) {
      const s = await tcpServer((socket) => void writePieces(socket, [wire.slice(0, cut), wire.slice(cut)]));
      const { message } = await get(s.url);
      expect(await bodyOf(message), `cut at ${cut}`).toBe('hello world');
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('skips 1xx responses before the real one', async () => {
    const s = await tcpServer((socket) =>
      socket.end(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
      ),
    );
    const { message } = await get(s.url);
    expect(message.statusCode).toBe(200);
    expect(await bodyOf(message)).toBe('x');
  });

  it('decodes chunked bodies, with extensions and trailers, split anywhere', async () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n1\r\n \r\nA\r\nchunked!!!\r\n0\r\nX-Trailer: t\r\n\r\n';
    const bodyStart = wire.indexOf('\r\n\r\n') + 4;
    for (let cut = bodyStart; cut < wire.length; cut += 3) {
      const s = await tcpServer(
        (socket) => void writePieces(socket, [wire.slice(0, cut), wire.slice(cut)], false),
      );
      const { message } = await get(s.url);
      // The connection is left open by the server: the reader ends at the last chunk, not at close.
      expect(await bodyOf(message), `cut at ${cut}`).toBe('hello chunked!!!');
      expect(message.complete).toBe(true);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('refuses a malformed chunk size', async () => {
    const s = await tcpServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'),
    );
    const { message } = await get(s.url);
    await expect(bodyOf(message)).rejects.toMatchObject({ code: 'HPE_INVALID_CHUNK_SIZE' });
  });

  it('reads to the end of the connection when the body has no length', async () => {
    const s = await tcpServer(
      (socket) => void writePieces(socket, ['HTTP/1.0 200 OK\r\n\r\nsome', ' bytes']),
    );
    const { message } = await get(s.url);
    expect(await bodyOf(message)).toBe('some bytes');
    expect(message.complete).toBe(true);
  });

  it('ends at Content-Length even if the server keeps the connection open', async () => {
    const s = await tcpServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'));
    const { message } = await get(s.url);
    expect(await bodyOf(message)).toBe('abc');
  });

  it('a body cut short fails as node:http does ("aborted", ECONNRESET)', async () => {
    const s = await tcpServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'),
    );
    const { message } = await get(s.url);
    await expect(bodyOf(message)).rejects.toMatchObject({ message: 'aborted', code: 'ECONNRESET' });
    expect(message.complete).toBe(false);
  });

  it('a connection closed before any response is "socket hang up"', async () => {
    const s = await tcpServer((socket) => socket.end());
    await expect(get(s.url)).rejects.toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
  });

  it('refuses what is not HTTP/1.x, a malformed header and an oversized head', async () => {
    const answers = [
      ['SSH-2.0-OpenSSH\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
      [`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`, 'HPE_HEADER_OVERFLOW'],
    ] as const;
    for (const [wire, code] of answers) {
      const s = await tcpServer((socket) => socket.end(wire));
      await expect(get(s.url), code).rejects.toMatchObject({ code });
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('refuses a header value with a line break before connecting, without echoing the value', async () => {
    const error = await get('http://127.0.0.1:9', '/f', { 'x-apikey': 'secret\r\nX-Evil: 1' }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHAR' });
    expect(String(error.message)).not.toContain('secret');
  });

  it('an abort mid-body destroys the response with the abort reason and closes the socket', async () => {
    const s = await tcpServer((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nstart'),
    );
    const controller = new AbortController();
    const { message } = await get(s.url, '/f', {}, controller.signal);
    const reading = bodyOf(message);
    const [serverSocket] = [...sockets];
    controller.abort(new Error('stop now'));
    await expect(reading).rejects.toThrow('stop now');
    await once(serverSocket!, 'close');
  });

  it('hands large bodies on intact under backpressure, in blocks of up to 1 MiB', async () => {
    const size = 24 * 1024 * 1024 + 123;
    const payload = positional(size);
    const s = await tcpServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      socket.end(payload);
    });
    const { message } = await get(s.url);
    const hash = createHash('sha256');
    let bytes = 0;
    let largest = 0;
    await eachChunk(message, (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      largest = Math.max(largest, chunk.length);
      // A slow consumer: the socket must pause rather than buffer the whole body.
      if (bytes % 7 === 0) return new Promise((resolve) => setImmediate(resolve));
    });
    expect(bytes).toBe(size);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(largest).toBeLessThanOrEqual(RAW_READ_BLOCK);
  });

  it('a later block never overwrites a chunk already handed on', async () => {
    // Two 1 MiB halves of different bytes: if a handed-over block were reused, the first would change.
    const half = RAW_READ_BLOCK;
    const s = await tcpServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${half * 4}\r\n\r\n`);
      for (let i = 0; i < 4; i++) socket.write(Buffer.alloc(half, 65 + i));
      socket.end();
    });
    const { message } = await get(s.url);
    const chunks: Buffer[] = [];
    await eachChunk(message, (chunk) => {
      chunks.push(chunk);
    });
    const all = Buffer.concat(chunks);
    for (let i = 0; i < 4; i++) {
      expect(
        all.subarray(i * half, (i + 1) * half).every((b) => b === 65 + i),
        `part ${i}`,
      ).toBe(true);
    }
  });
});

describe('recycled read blocks', () => {
  async function serveBody(body: Buffer): Promise<string> {
    const s = await tcpServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.end(body);
    });
    return s.url;
  }

  it('chunks given back are read into again: a few blocks serve the whole body, which arrives intact', async () => {
    const body = positional(32 * RAW_READ_BLOCK);
    const { message } = await get(await serveBody(body));
    const hash = createHash('sha256');
    const blocks = new Set<ArrayBufferLike>();
    let bytes = 0;
    await eachChunk(message, (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      blocks.add(chunk.buffer);
      message.recycle(chunk);
      if (bytes % 3 === 0) return new Promise((resolve) => setImmediate(resolve));
    });
    expect(bytes).toBe(body.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(blocks.size).toBeLessThanOrEqual(4);
  });

  it('a block is never read into while any view of it is still out', async () => {
    const body = positional(16 * RAW_READ_BLOCK);
    const { message } = await get(await serveBody(body));
    const held: Array<{ chunk: Buffer; at: number }> = [];
    let at = 0;
    let n = 0;
    await eachChunk(message, (chunk) => {
      // Every fifth chunk is kept (never given back); the rest go back at once.
      if (n++ % 5 === 0) held.push({ chunk, at });
      else message.recycle(chunk);
      at += chunk.length;
    });
    expect(at).toBe(body.length);
    expect(held.length).toBeGreaterThan(2);
    for (const { chunk, at: offset } of held) {
      expect(chunk.equals(body.subarray(offset, offset + chunk.length)), `chunk at ${offset}`).toBe(true);
    }
  });
});

describe('downloads through the raw reader', () => {
  it('a download cut short is retried and saved whole; a cut on the last try leaves no file', async () => {
    // Bytes that differ everywhere, so a block read into while a view of it was still unwritten shows.
    const bigBody = positional(12 * RAW_READ_BLOCK);
    let attempts = 0;
    const s = await tcpServer((socket) => {
      attempts++;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bigBody.length}\r\n\r\n`);
      if (attempts === 1) socket.end(bigBody.subarray(0, 1000));
      else socket.end(bigBody);
    });
    const dir = await tempDir();
    try {
      const client = new ProGetClient({ url: s.url, apiKey: 'k', retries: 1, retryBaseDelayMs: 1 });
      const result = await client.universal.download(
        'f',
        { name: 'p', version: '1.0.0' },
        join(dir.path, 'p.upack'),
      );
      expect(attempts).toBe(2);
      expect(result.size).toBe(bigBody.length);
      expect((await readFile(result.path)).equals(bigBody)).toBe(true);

      attempts = 0;
      const once = new ProGetClient({ url: s.url, apiKey: 'k', retries: 0 });
      await expect(
        once.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'q.upack')),
      ).rejects.toMatchObject({
        kind: 'network',
        message: expect.stringContaining('the connection closed before the response was complete'),
      });
      expect(await dir.files()).toEqual(['p.upack']);
    } finally {
      await dir.remove();
    }
  });

  it('a chunked package download is saved whole', async () => {
    const s = await tcpServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/zip\r\n\r\n');
      void writePieces(socket, ['4\r\nPK\u0003\u0004\r\n', '5\r\nupack\r\n', '0\r\n\r\n']);
    });
    const dir = await tempDir();
    try {
      const client = new ProGetClient({ url: s.url, apiKey: 'k', retries: 0 });
      const result = await client.universal.download('f', { name: 'p', version: '1.0.0' }, dir.path, {
        hashes: ['sha256'],
      });
      expect(await readFile(result.path, 'latin1')).toBe('PK\u0003\u0004upack');
      expect(result.sha256).toBe(createHash('sha256').update('PK\u0003\u0004upack', 'latin1').digest('hex'));
    } finally {
      await dir.remove();
    }
  });
});
