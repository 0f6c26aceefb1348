// Lying success, against tiny hostile servers: a write is never turned into a GET by a redirect, a
// redirect to a log-in or licensing page is said to be one, an HTML page is never an API's success, and
// what another origin answers stays out of messages.

import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../../src/index.js';
import { rejection, tempDir } from '../helpers.js';
import { head, type RawServer, rawServer } from './raw-server.js';

const KEY = 'k-hostile-redirect-4f9a2c';
const servers: RawServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(respond: Parameters<typeof rawServer>[0]): Promise<RawServer> {
  const s = await rawServer(respond);
  servers.push(s);
  return s;
}

/** A whole response on a connection that then closes. */
function reply(
  socket: Socket,
  status: string,
  headers: Record<string, string | number> = {},
  body = '',
): void {
  socket.end(
    head(status, { 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers }) + body,
  );
}

const LOGIN_PAGE =
  '<!doctype html><html><head><title>Log In</title></head><body>Log in to ProGet</body></html>';

const client = (url: string) => new ProGetClient({ url, apiKey: KEY, retries: 0 });
const record = {
  feed: 'f',
  name: 'app',
  version: '1.0.0',
  application: 'shop',
  description: 'd',
  target: 'prod',
};

describe('a write is never turned into a GET', () => {
  it.each([
    '301 Moved Permanently',
    '302 Found',
    '303 See Other',
  ])('a POST answered %s fails, naming where it was sent, and nothing follows it', async (status) => {
    const s = await serve((socket, req) => {
      if (req.method === 'POST') reply(socket, status, { Location: '/elsewhere/record' });
      else reply(socket, '200 OK', { 'Content-Type': 'text/html' }, '<html>ok</html>');
    });
    const error = await rejection(client(s.url).deployments.record(record));
    expect(error).toMatchObject({
      name: 'ProGetError',
      kind: 'invalid-response',
      status: Number(status.slice(0, 3)),
    });
    expect(error.message.split('\n')[0]).toBe(
      `Could not record deployment of app 1.0.0 to "prod": refused to follow a redirect that would turn the POST into a GET (to ${s.url}/elsewhere/record) (POST ${s.url}/api/package-deployment/ → ${status.slice(0, 3)})`,
    );
    expect(s.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('a PUT (upload) answered 302 fails and is not followed', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'p.upack');
      await writeFile(file, 'PK\u0003\u0004');
      const s = await serve((socket) => reply(socket, '302 Found', { Location: '/log-on-page' }));
      const error = await rejection(client(s.url).universal.upload('f', file));
      expect(error.message).toContain('refused to follow a redirect that would turn the PUT into a GET');
      expect(s.requests.map((r) => r.method)).toEqual(['PUT']);
    } finally {
      await dir.remove();
    }
  });

  it('a 307 of a write is followed within the origin, with its body; to another origin it is refused', async () => {
    const other = await serve((socket) => reply(socket, '200 OK'));
    let n = 0;
    const s = await serve((socket) => {
      n++;
      if (n === 1) reply(socket, '307 Temporary Redirect', { Location: '/api/package-deployment/again' });
      else if (n === 2) reply(socket, '200 OK');
      else reply(socket, '308 Permanent Redirect', { Location: `${other.url}/steal` });
    });
    await client(s.url).deployments.record(record);
    expect(s.requests.map((r) => `${r.method} ${r.path} ${r.body.length > 0}`)).toEqual([
      'POST /api/package-deployment/ true',
      'POST /api/package-deployment/again true',
    ]);
    const error = await rejection(client(s.url).deployments.record(record));
    expect(error.message).toContain(
      `refused to follow a redirect of a POST to another origin (${other.url})`,
    );
    expect(other.requests).toEqual([]);
  });
});

describe('log-in and licensing pages', () => {
  it.each([
    '/log-in?ReturnUrl=%2Fapi',
    '/login',
    '/account/login',
    '/Users/LogIn',
  ])('a read redirected to %s says the key was not accepted', async (location) => {
    const s = await serve((socket, req) => {
      if (req.path.startsWith('/api/')) reply(socket, '302 Found', { Location: location });
      else reply(socket, '200 OK', { 'Content-Type': 'text/html' }, LOGIN_PAGE);
    });
    const error = await rejection(client(s.url).feeds.list());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 302 });
    expect(error.message.split('\n')[0]).toBe(
      `Could not list feeds: redirected to a login page: the API key was not accepted (GET ${s.url}/api/management/feeds/list → 302)`,
    );
    expect(s.requests).toHaveLength(1);
  });

  it('a write redirected to a login page says so too, and nothing is recorded', async () => {
    const s = await serve((socket) => reply(socket, '302 Found', { Location: '/log-in' }));
    const error = await rejection(client(s.url).deployments.record(record));
    expect(error).toMatchObject({ kind: 'unauthorized' });
    expect(error.message).toContain('redirected to a login page: the API key was not accepted');
    expect(error.message).not.toContain(KEY);
  });

  it.each([
    ['a read', (c: ProGetClient) => c.feeds.list()],
    ['a write', (c: ProGetClient) => c.deployments.record(record)],
  ])('%s redirected to /administration/licensing: the server is not licensed', async (_what, call) => {
    const s = await serve((socket) =>
      reply(socket, '302 Found', { Location: '/administration/licensing?returnUrl=%2Fapi' }),
    );
    const error = await rejection(call(client(s.url)));
    expect(error).toMatchObject({ kind: 'server', status: 302 });
    expect(error.message).toContain('the ProGet server is not licensed (or not activated)');
    expect(error.message).toContain('Administration › Licensing');
  });
});

describe('an HTML page is never a success', () => {
  it('a 200 HTML page answered to a record fails', async () => {
    const s = await serve((socket) =>
      reply(socket, '200 OK', { 'Content-Type': 'text/html; charset=utf-8' }, LOGIN_PAGE),
    );
    const error = await rejection(client(s.url).deployments.record(record));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200 });
    expect(error.message.split('\n')[0]).toBe(
      `Could not record deployment of app 1.0.0 to "prod": the server answered with an HTML page, not the API's response, so nothing is known to have happened (POST ${s.url}/api/package-deployment/ → 200)`,
    );
  });

  it('an HTML page without a content type is recognised by its start', async () => {
    const s = await serve((socket) => reply(socket, '200 OK', {}, LOGIN_PAGE));
    const error = await rejection(
      client(s.url).promotions.promote({ name: 'app', version: '1.0.0', fromFeed: 'a', toFeed: 'b' }),
    );
    expect(error.message).toContain('the server answered with an HTML page');
  });

  it('an upload needs 200 or 201: 201 succeeds, 202 does not', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'p.upack');
      await writeFile(file, 'PK\u0003\u0004');
      let status = '201 Created';
      const s = await serve((socket) => reply(socket, status));
      await expect(client(s.url).universal.upload('f', file)).resolves.toMatchObject({ size: 4 });
      status = '202 Accepted';
      const error = await rejection(client(s.url).universal.upload('f', file));
      expect(error).toMatchObject({ kind: 'invalid-response', status: 202 });
      expect(error.message).toContain('the server answered 202, not 200 or 201 as the API does');
    } finally {
      await dir.remove();
    }
  });
});

describe('a read redirected to another origin', () => {
  it('goes without credentials, and the foreign body stays out of the message', async () => {
    const foreign = await serve((socket) =>
      reply(
        socket,
        '500 Internal Server Error',
        { 'Content-Type': 'text/plain' },
        `secret-ish foreign text ${'x'.repeat(50)}`,
      ),
    );
    const s = await serve((socket) => reply(socket, '302 Found', { Location: `${foreign.url}/mirror` }));
    const error = await rejection(client(s.url).feeds.list());
    expect(foreign.requests[0]!.headers['x-apikey']).toBeUndefined();
    expect(foreign.requests[0]!.headers.authorization).toBeUndefined();
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(error.message).not.toContain('foreign text');
    expect((error as { serverText?: string }).serverText).toBeUndefined();
  });

  it('a foreign page that is not JSON is not quoted either', async () => {
    const foreign = await serve((socket) =>
      reply(socket, '200 OK', { 'Content-Type': 'text/plain' }, 'not json at all'),
    );
    const s = await serve((socket) =>
      reply(socket, '301 Moved Permanently', { Location: `${foreign.url}/x` }),
    );
    const error = await rejection(client(s.url).feeds.list());
    expect(error.message).toContain('the response is not valid JSON');
    expect(error.message).not.toContain('not json at all');
  });

  it('a 401 there says the key was deliberately not sent to the other origin', async () => {
    const foreign = await serve((socket) =>
      reply(socket, '401 Unauthorized', { 'WWW-Authenticate': 'Basic' }),
    );
    const s = await serve((socket) =>
      reply(socket, '307 Temporary Redirect', { Location: `${foreign.url}/api` }),
    );
    const error = await rejection(client(s.url).feeds.list());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(error.message).toContain(
      `Hint: The request was redirected to another origin (${foreign.url}), and the API key is deliberately not sent to another origin`,
    );
    expect(error.message).not.toContain('check the API key');
  });

  it('a 401 from the configured origin still says to check the key', async () => {
    const s = await serve((socket) => reply(socket, '401 Unauthorized'));
    const error = await rejection(client(s.url).feeds.list());
    expect(error.message).toContain('check the API key');
    expect(error.message).not.toContain('another origin');
  });
});
