// Servers that reflect the API key back: in the reason phrase, across the cut-off of a long body, in a
// redirect target's host name, inside text a JSON parser quotes, in encoded forms. No part of the key
// (no 4-character start of it, in any case) may reach an error message or its fields.

import { createServer, type Server, type Socket } from 'node:net';
import { ProGetClient } from '@proget-ci/core';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueSecret } from './helpers.js';

/** Mixed case, so a lower-cased reflection (a host name) is a different string. */
// Starts with letters no identifier or word here starts with: 'KeyRe…' matched core's own `keyRequired` in stacks.
const KEY = `Qz${uniqueSecret('Reflect').replace(/-/g, '')}`;

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** A server that answers every request with `bytes(port)`, then closes the connection. */
async function reflect(bytes: (port: number) => string): Promise<string> {
  const s = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.end(bytes(port), 'latin1');
    });
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  return `http://127.0.0.1:${port}`;
}

function response(status: string, headers: Record<string, string>, body: string): string {
  const lines = [
    `HTTP/1.1 ${status}`,
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    'Connection: close',
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Every text an error carries, and every start of the key (≥ 4 characters, any case) that must not be in it. */
function expectNoKey(error: unknown): void {
  const e = error as Record<string, unknown> & Error;
  const texts = [
    e.message,
    e.stack ?? '',
    String(e.serverText ?? ''),
    String(e.hint ?? ''),
    String(e.url ?? ''),
  ]
    .join('\n')
    .toLowerCase();
  const forms = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64')];
  for (const form of forms) {
    for (let n = form.length; n >= 4; n--) {
      // A start of the key that is also ordinary text ("key" words) would be noise: only its own prefixes.
      const prefix = form.slice(0, n).toLowerCase();
      if (
        n < 8 &&
        texts.includes(prefix) &&
        !texts.includes(`${prefix}${form.slice(n, n + 1).toLowerCase()}`)
      ) {
        continue;
      }
      expect(texts, `a ${n}-character start of the key leaked`).not.toContain(prefix);
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

const client = (url: string) => new ProGetClient({ url, apiKey: KEY, retries: 0 });
const record = { feed: 'f', name: 'app', version: '1.0.0', application: 'a', description: 'd', target: 't' };

describe('the key reflected by a server never reaches a message', () => {
  it('in the HTTP reason phrase, for a read and for a write', async () => {
    const url = await reflect(() => response(`403 Forbidden for ${KEY}`, {}, ''));
    for (const call of [client(url).feeds.list(), client(url).deployments.record(record)]) {
      const error = await failure(call);
      expect(error.message).toContain('HTTP 403 Forbidden for ***');
      expectNoKey(error);
    }
  });

  it.each([
    ['at the limit of the bytes read', 64 * 1024 - 7],
    ['at the limit of the server text kept', 500 - 9],
    ['anywhere in a short body', 20],
  ])('in a long error body, cut %s', async (_where, at) => {
    const url = await reflect(() =>
      response(
        '500 Internal Server Error',
        { 'Content-Type': 'text/plain' },
        `${'a'.repeat(at)}${KEY}${'b'.repeat(70_000)}`,
      ),
    );
    const error = await failure(client(url).feeds.list());
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expectNoKey(error);
  });

  it('in a body that is not JSON (the parser quotes it), cut at the excerpt', async () => {
    for (const at of [0, 300 - 6, 1000]) {
      const url = await reflect(() =>
        response('200 OK', { 'Content-Type': 'application/json' }, `${'x'.repeat(at)}${KEY} trailing`),
      );
      const error = await failure(client(url).feeds.list());
      expect(error.message).toContain('the response is not valid JSON');
      expectNoKey(error);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  it('URL-encoded and base64 forms, in an HTML error page', async () => {
    const body = `<html><title>Error</title><body>${encodeURIComponent(KEY)} / ${Buffer.from(KEY).toString('base64')}</body></html>`;
    const url = await reflect(() => response('502 Bad Gateway', { 'Content-Type': 'text/html' }, body));
    const error = await failure(client(url).feeds.list());
    expect(error.message).toContain('Server said: Error *** / ***');
    expectNoKey(error);
  });

  it.each([
    ['302', 'POST into a GET'],
    ['308', 'POST to another origin'],
  ])("in a write's %s redirect target's host name (lower-cased by URL parsing)", async (status, what) => {
    const url = await reflect((port) =>
      response(`${status} Redirect`, { Location: `http://${KEY}.example:${port}/x?key=${KEY}` }, ''),
    );
    const error = await failure(client(url).deployments.record(record));
    expect(error.message).toContain(`refused to follow a redirect`);
    expect(error.message).toContain(what.split(' ')[0]!);
    expect(error.message).toContain('http://***.example:');
    expectNoKey(error);
  });

  it('in the host name of a login page it redirects to', async () => {
    const url = await reflect((port) =>
      response('302 Found', { Location: `http://127.0.0.1:${port}/log-in?u=${KEY}` }, ''),
    );
    const error = await failure(client(url).feeds.list());
    expect(error.message).toContain('redirected to a login page');
    expectNoKey(error);
  });
});
