// Bad server answers: HTML error pages, malformed JSON, wrong content types and huge bodies. A scripted
// local server plays the misbehaving ProGet (or the proxy in front of it); the client must fail with a
// clear error and read only a bounded amount of what it is sent.

import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { ProGetClient, type ProGetError } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Scratch, scratch } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end();
let dir: Scratch;
const sockets = new Set<Socket>();
/** Bytes the server managed to write for the last response before the client hung up. */
let lastBytesSent = 0;

beforeAll(async () => {
  dir = await scratch('bad-server');
  server = createServer((req, res) => {
    res.on('close', () => {
      lastBytesSent = req.socket.bytesWritten;
    });
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server?.close(r));
  await dir?.remove();
});

beforeEach(() => {
  lastBytesSent = 0;
});

const client = (extra: { maxJsonBytes?: number } = {}) =>
  new ProGetClient({ url: base, apiKey: 'bad-server-key', retries: 0, ...extra });

async function failure(p: Promise<unknown>): Promise<ProGetError> {
  try {
    await p;
  } catch (e) {
    return e as ProGetError;
  }
  throw new Error('expected the call to fail');
}

const reply =
  (status: number, type: string | undefined, body: string): Handler =>
  (_req, res) => {
    res.writeHead(status, type === undefined ? {} : { 'content-type': type });
    res.end(body);
  };

/** Writes `chunk` again and again (chunked encoding) until the client goes away or `maxBytes` went out. */
const endless =
  (status: number, type: string, chunk: Buffer, maxBytes = 2 * 1024 ** 3): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    let sent = 0;
    const pump = () => {
      while (!res.destroyed && sent < maxBytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };

const LIST = `GET ${'{base}'}/upack/feed/packages`;
const where = (path = '/upack/feed/packages') => `(GET ${base}${path} → 200)`;
const NOT_PROGET_HINT =
  'Hint: Check that the URL points at ProGet itself, not a login page, proxy or another web application.';

describe('HTML where JSON was expected', () => {
  it('a 500 HTML error page: the status, the page reduced to text, the server hint', async () => {
    handler = reply(
      500,
      'text/html; charset=utf-8',
      "<!DOCTYPE html><html><head><title>Runtime Error</title><style>body{color:red}</style></head><body><h1>Server Error in '/' Application.</h1><p>Object reference not set to an instance of an object.</p><script>alert(1)</script></body></html>",
    );
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.kind).toBe('server');
    expect(e.message).toBe(
      `Could not list packages in feed "feed": HTTP 500 Internal Server Error (GET ${base}/upack/feed/packages → 500)\nServer said: Runtime Error Server Error in '/' Application. Object reference not set to an instance of an object.\nHint: The ProGet server failed; see its Diagnostic Center (Administration › Diagnostic Center) or the web server logs.`,
    );
  });

  it('a 200 login page (text/html): invalid-response naming the page', async () => {
    handler = reply(
      200,
      'text/html',
      '<html><head><title>Sign in</title></head><body>Please log in</body></html>',
    );
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not list packages in feed "feed": expected JSON but the server sent an HTML page ${where()}\nServer said: <html><head><title>Sign in</title></head><body>Please log in</body></html>\n${NOT_PROGET_HINT}`,
    );
  });

  it('an HTML page labelled application/json is still recognised as HTML', async () => {
    handler = reply(200, 'application/json', '  <!doctype html><html><body>Proxy error</body></html>');
    const e = await failure(client().feeds.list());
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not list feeds: expected JSON but the server sent an HTML page ${where('/api/management/feeds/list')}\nServer said: <!doctype html><html><body>Proxy error</body></html>\n${NOT_PROGET_HINT}`,
    );
  });
});

describe('malformed or unexpected JSON', () => {
  it('truncated JSON', async () => {
    handler = reply(200, 'application/json', '[{"name": "a", "latestVersion": "1.0');
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toMatch(
      /^Could not list packages in feed "feed": the response is not valid JSON \((Unterminated string in JSON at position 36|.+)\) \(GET .+ → 200\)\nServer said: \[\{"name": "a", "latestVersion": "1\.0\n/,
    );
    expect(e.message.endsWith(NOT_PROGET_HINT)).toBe(true);
  });

  it('an empty 200 body', async () => {
    handler = reply(200, 'application/json', '');
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.message).toBe(
      `Could not list packages in feed "feed": expected JSON but the response body was empty ${where()}\n${NOT_PROGET_HINT}`,
    );
  });

  it('plain text "OK" where JSON was expected (text/plain)', async () => {
    handler = reply(200, 'text/plain', 'OK');
    const e = await failure(client().promotions.list({ toFeed: 'prod' }));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not query promotions: the response is not valid JSON (Unexpected token 'O') (GET ${base}/api/promotions/list?toFeed=prod → 200)\nServer said: OK\n${NOT_PROGET_HINT}`,
    );
  });

  it('a JSON string where a list was expected', async () => {
    handler = reply(200, 'application/json', '"maintenance"');
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not list packages in feed "feed": Expected the package list as a JSON array, got string ${where()}`,
    );
  });

  it('JSON sent as application/octet-stream is still read (tolerated, not a failure)', async () => {
    handler = reply(
      200,
      'application/octet-stream',
      '[{"name":"a","latestVersion":"1.0.0","versions":["1.0.0"]}]',
    );
    const list = await client().universal.listPackages('feed');
    expect(list.map((p) => p.name)).toEqual(['a']);
  });
});

describe('wrong content types on downloads', () => {
  it('a 200 HTML page instead of a package: refused, nothing saved', async () => {
    handler = reply(200, 'text/html; charset=utf-8', '<html><body>Please sign in</body></html>');
    const target = join(dir.path, 'html-download');
    await rm(target, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(target);
    const e = await failure(client().universal.download('feed', { name: 'app', version: '1.0.0' }, target));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not download app 1.0.0: expected a package but the server sent an HTML page (Content-Type: text/html) (GET ${base}/upack/feed/download/app/1.0.0 → 200)\n${NOT_PROGET_HINT}`,
    );
    expect(await readdir(target)).toEqual([]);
  });
  it('the same through the Packages API download', async () => {
    handler = reply(200, 'application/xhtml+xml', '<html><body>SSO</body></html>');
    const dest = join(dir.path, 'html-packages-api.upack');
    const e = await failure(client().packages.download('feed', { name: 'app', version: '1.0.0' }, dest));
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not download app 1.0.0: expected a package but the server sent an HTML page (Content-Type: application/xhtml+xml) (GET ${base}/api/packages/feed/download?group=&name=app&version=1.0.0 → 200)\n${NOT_PROGET_HINT}`,
    );
    expect(existsSync(dest)).toBe(false);
    expect((await readdir(dir.path)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});

describe('huge bodies cost bounded memory', () => {
  it('a JSON body declared as 1 GiB is refused before it is read', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      res.write('['); // and never the rest
    };
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.message).toBe(
      `Could not list packages in feed "feed": the response (1073741824 bytes) is larger than the 67108864-byte limit for JSON ${where()}\n${NOT_PROGET_HINT}`,
    );
  });

  it('an endless JSON body stops at the limit: the server could send only a little more', async () => {
    handler = endless(200, 'application/json', Buffer.from(`[${'{"name":"x"},'.repeat(5000)}`));
    const limit = 1024 * 1024;
    const e = await failure(client({ maxJsonBytes: limit }).universal.listPackages('feed'));
    expect(e.message).toBe(
      `Could not list packages in feed "feed": the response is larger than the 1048576-byte limit for JSON ${where()}\n${NOT_PROGET_HINT}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(lastBytesSent).toBeGreaterThan(limit);
    // Socket buffers hold a few MiB at most; everything else was never sent because nobody read it.
    expect(lastBytesSent).toBeLessThan(limit + 16 * 1024 ** 2);
  });

  it(
    'an endless body at the default 64 MiB limit: bounded time and memory',
    { timeout: 60_000 },
    async () => {
      handler = endless(200, 'application/json', Buffer.alloc(256 * 1024, 0x20));
      const before = process.memoryUsage();
      let peak = 0;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.arrayBuffers - before.arrayBuffers);
      }, 5);
      const e = await failure(client().universal.listPackages('feed'));
      clearInterval(sampler);
      expect(e.message).toContain('the response is larger than the 67108864-byte limit for JSON');
      await new Promise((r) => setTimeout(r, 50));
      expect(lastBytesSent).toBeLessThan(64 * 1024 ** 2 + 16 * 1024 ** 2);
      // The limit (64 MiB) plus one copy while joining the chunks; an unbounded reader would keep growing.
      expect(peak).toBeLessThan(200 * 1024 ** 2);
    },
  );

  it('a 100 MiB error page: the message carries a short excerpt, the rest is never read', async () => {
    handler = endless(502, 'text/plain', Buffer.from('upstream exploded; '.repeat(1000)), 100 * 1024 ** 2);
    const e = await failure(client().universal.listPackages('feed'));
    expect(e.kind).toBe('server');
    expect(e.status).toBe(502);
    const [first, said, hint] = e.message.split('\n');
    expect(first).toBe(
      `Could not list packages in feed "feed": HTTP 502 Bad Gateway (GET ${base}/upack/feed/packages → 502)`,
    );
    expect(said).toMatch(/^Server said: (upstream exploded; )+[a-z ]*… \(\d+ more characters\)$/);
    expect(said!.length).toBeLessThan(600);
    expect(hint).toMatch(/^Hint: The ProGet server failed;/);
    expect(e.serverText!.length).toBeLessThan(600);
    await new Promise((r) => setTimeout(r, 50));
    expect(lastBytesSent).toBeLessThan(16 * 1024 ** 2);
  });
});

describe('the scripted server itself', () => {
  it('really serves what the cases rely on (control)', async () => {
    handler = reply(200, 'application/json', '[{"name":"ok","latestVersion":"1.0.0","versions":["1.0.0"]}]');
    expect((await client().universal.listPackages('feed')).map((p) => p.name)).toEqual(['ok']);
    expect(existsSync(dir.path)).toBe(true);
    expect(LIST).toContain('/upack/feed/packages');
  });
});
