// Lying success through the real deploy-record bundle, against tiny hostile servers written byte by byte:
// a write redirected to a log-in page, answered with an HTML page, or redirected to ProGet's licensing page
// must fail the step with one ::error:: (no stack trace, no key), never report `recorded=true`.

import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundlesReady, run, type Scratch, scratch, uniqueSecret } from './helpers.js';

const KEY = uniqueSecret('hostile-key');
const LOGIN_PAGE =
  '<!doctype html><html><head><title>Log In</title></head><body>Log in to ProGet</body></html>';

let server: Server | undefined;
const sockets = new Set<Socket>();
let dir: Scratch;

beforeAll(async () => {
  await bundlesReady();
  dir = await scratch('hostile-server');
});
afterAll(() => dir.remove());
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

interface Seen {
  method: string;
  path: string;
}

/** A server that answers each request head with `answer(request)`, the bytes exactly as returned. */
async function hostile(answer: (seen: Seen) => string): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end))?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      const [method = '', path = ''] = received.slice(0, received.indexOf('\r\n')).split(' ');
      const request = { method, path };
      seen.push(request);
      received = '';
      socket.end(answer(request), 'latin1');
    });
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, seen };
}

function response(status: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`HTTP/1.1 ${status}`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function recordStep(url: string) {
  return run('deploy-record', {
    workspace: dir.path,
    inputs: {
      server: url,
      'api-key': KEY,
      feed: 'rel-feed',
      package: 'app',
      version: '1.0.0',
      target: 'prod',
      retries: '0',
    },
  });
}

describe('deploy-record never reports a write that did not happen', () => {
  it.each([
    ['302', '/log-in?ReturnUrl=%2Fapi%2Fpackage-deployment'],
    ['303', '/account/login'],
  ])('a %s to a login page: one error that says the key was not accepted', async (status, location) => {
    const s = await hostile((req) =>
      req.path.startsWith('/api/') || req.path.startsWith('/upack/') || req.path.startsWith('/health')
        ? response(`${status} Redirect`, { Location: location })
        : response('200 OK', { 'Content-Type': 'text/html' }, LOGIN_PAGE),
    );
    const r = await recordStep(s.url);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.recorded).not.toBe('true');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('redirected to a login page: the API key was not accepted');
    // The login page itself was never fetched: no write turned into a GET.
    expect(s.seen.some((q) => q.path.startsWith('/log-in') || q.path.startsWith('/account'))).toBe(false);
    const printed = `${r.stdout}${r.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(KEY);
    expect(printed.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('a 200 HTML page answered to the record: one error, not recorded=true', async () => {
    // Reads answer as ProGet would (the step checks the feed and the version first); only the write lies.
    const json = (value: unknown) =>
      response('200 OK', { 'Content-Type': 'application/json' }, JSON.stringify(value));
    const s = await hostile((req) =>
      req.method === 'POST'
        ? response('200 OK', { 'Content-Type': 'text/html; charset=utf-8' }, LOGIN_PAGE)
        : req.path.startsWith('/api/management/feeds/get/')
          ? json({ name: 'rel-feed', feedType: 'universal', active: true })
          : req.path.startsWith('/upack/rel-feed/versions')
            ? json({ name: 'app', version: '1.0.0', published: '2026-01-01T00:00:00Z', size: 1 })
            : response('404 Not Found', { 'Content-Type': 'text/plain' }, 'not here'),
    );
    const r = await recordStep(s.url);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.recorded).not.toBe('true');
    expect(r.errors).toHaveLength(1);
    // The step's server check then adds what it found at that URL (no ProGet headers, no health report).
    expect(r.errors[0]).toBe(
      `Could not record deployment of app 1.0.0 to "prod": the server answered with an HTML page, not the API's response, so nothing is known to have happened (POST ${s.url}/api/package-deployment/ → 200)\nHint: Check that the URL points at ProGet itself, not a login page, proxy or another web application.\nServer check: This is not a ProGet API: No ProGet headers and no ProGet health report: /health?format=json answered HTTP 404 (text/plain); /health/json answered HTTP 404 (text/plain); /health answered HTTP 404 (text/plain). Give the base address of ProGet (where its home page is), e.g. https://proget.example.com, without /feeds, /upack or /api paths.`,
    );
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('a redirect to /administration/licensing: one error that says the server is not licensed', async () => {
    const s = await hostile(() => response('302 Found', { Location: '/administration/licensing' }));
    const r = await recordStep(s.url);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.recorded).not.toBe('true');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('the ProGet server is not licensed (or not activated)');
    expect(s.seen.some((q) => q.path.startsWith('/administration'))).toBe(false);
  });
});

describe('a flood of interim (1xx) responses', () => {
  it.each([
    ['100 Continue', 5_000],
    ['102 Processing', 20_000],
  ])('%s × %i, then the connection closes: one ::error::, no stack trace, no key', async (status, count) => {
    const s = await hostile(() => `HTTP/1.1 ${status}\r\n\r\n`.repeat(count));
    const r = await recordStep(s.url);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.recorded).toBe('false');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).not.toMatch(/Unexpected error|bug in proget-ci/);
    const printed = `${r.stdout}${r.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(KEY);
    expect(printed.join('\n')).not.toMatch(/\n\s+at /);
  });
});
