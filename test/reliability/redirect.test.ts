// Redirects to another origin: the second server gets neither X-ApiKey nor Authorization, whether the
// client is used directly or through a bundled sub-action; bodies are never sent across origins.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { ProGetClient, type ProGetError } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundlesReady, run, type Scratch, scratch, sha1, uniqueSecret } from './helpers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

interface Recorder {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function recorder(
  answer: (seen: Seen, res: import('node:http').ServerResponse) => void,
): Promise<Recorder> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => {
      bodyBytes += c.length;
    });
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes };
      seen.push(s);
      answer(s, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const PACKAGE_BYTES = Buffer.from('PK\u0003\u0004 pretend package bytes');
const KEY = uniqueSecret('redirect-key');
const PASSWORD = uniqueSecret('redirect-pw');

let other: Recorder;
let origin: Recorder;
let dir: Scratch;

beforeAll(async () => {
  dir = await scratch('redirect');
  // The other origin: a CDN or a hostile host. It answers whatever it is asked.
  other = await recorder((s, res) => {
    if (s.url.includes('/download/')) {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PACKAGE_BYTES.length });
      res.end(PACKAGE_BYTES);
    } else if (s.url.startsWith('/api/promotions/list')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    } else if (s.url.startsWith('/upack/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not here');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    }
  });
  // The configured server: redirects everything under /upack and /api to the other origin, except one
  // same-origin hop used as the control.
  origin = await recorder((s, res) => {
    if (s.url.startsWith('/same/')) {
      res.writeHead(302, { location: s.url.slice('/same'.length) }).end();
    } else if (s.url.startsWith('/upack/feed/packages')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    } else {
      res.writeHead(s.method === 'GET' ? 302 : 307, { location: `${other.url}${s.url}` }).end();
    }
  });
});

afterAll(async () => {
  await other?.close();
  await origin?.close();
  await dir?.remove();
});

beforeEach(() => {
  other.seen.length = 0;
  origin.seen.length = 0;
});

const credentialHeaders = (h: IncomingHttpHeaders) =>
  Object.entries(h).filter(([name]) => name === 'x-apikey' || name === 'authorization' || name === 'cookie');

describe('cross-origin redirects carry no credentials', () => {
  for (const [label, options] of [
    ['an API key', { apiKey: KEY }],
    ['a username and password', { username: 'robot', password: PASSWORD }],
  ] as const) {
    it(`a download redirected to another origin (${label}): followed, without credentials`, async () => {
      const client = new ProGetClient({ url: origin.url, retries: 0, ...options });
      const result = await client.universal.download(
        'feed',
        { name: 'app', version: '1.0.0' },
        join(dir.path, `${label}.upack`),
        { hashes: ['sha1'] },
      );
      expect(result.sha1).toBe(sha1(PACKAGE_BYTES));
      expect(origin.seen).toHaveLength(1);
      expect(credentialHeaders(origin.seen[0]!.headers).length).toBeGreaterThan(0); // control
      expect(other.seen.map((s) => s.url)).toEqual(['/upack/feed/download/app/1.0.0']);
      expect(credentialHeaders(other.seen[0]!.headers)).toEqual([]);
      for (const secret of [KEY, PASSWORD, Buffer.from(`robot:${PASSWORD}`).toString('base64')]) {
        expect(JSON.stringify(other.seen[0]!.headers)).not.toContain(secret);
      }
    });
  }

  it('a same-origin redirect keeps the credentials (control)', async () => {
    // /same/upack/feed/packages → 302 → /upack/feed/packages on the same origin.
    const client = new ProGetClient({ url: `${origin.url}/same`, apiKey: KEY, retries: 0 });
    expect(await client.universal.listPackages('feed')).toEqual([]);
    expect(origin.seen.map((s) => s.url)).toEqual(['/same/upack/feed/packages', '/upack/feed/packages']);
    expect(origin.seen.map((s) => s.headers['x-apikey'])).toEqual([KEY, KEY]);
    expect(other.seen).toEqual([]);
  });

  it('an upload redirected to another origin is refused: the other server receives nothing', async () => {
    const file = await dir.file('up.upack', PACKAGE_BYTES);
    const client = new ProGetClient({ url: origin.url, apiKey: KEY, retries: 0 });
    const e = (await client.universal.upload('feed', file).catch((err: unknown) => err)) as ProGetError;
    expect(e.kind).toBe('invalid-response');
    expect(e.message).toBe(
      `Could not upload ${file} to feed "feed": refused to follow a redirect of a PUT to another origin (${other.url}) (PUT ${origin.url}/upack/feed/upload → 307)\nHint: Point the ProGet URL at the final address (including https) so no redirect is needed.`,
    );
    expect(other.seen).toEqual([]);
  });

  it('the promote-check bundle, redirected wholesale: the other origin never sees the key', async () => {
    await bundlesReady();
    const r = await run('promote-check', {
      workspace: dir.path,
      inputs: {
        server: origin.url,
        'api-key': KEY,
        package: 'app',
        version: '1.0.0',
        'to-feed': 'prod',
        retries: '0',
      },
    });
    expect(other.seen.length).toBeGreaterThan(0);
    for (const s of other.seen) expect(credentialHeaders(s.headers), s.url).toEqual([]);
    expect(origin.seen.every((s) => s.headers['x-apikey'] === KEY)).toBe(true);
    const printed = `${r.stdout}${r.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(KEY);
    expect(r.masks).toEqual([KEY]);
  });
});
