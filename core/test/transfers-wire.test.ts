// Exact wire shapes of the transfer endpoints, from the doc pages' examples. Uploads are checked with nock;
// downloads on a real socket (startServer), since plain-HTTP package bytes are read by core's own socket
// reader (raw-http.ts), which nock cannot see.

import { readFile, writeFile } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { startServer, type TestServer, tempDir } from './helpers.js';

const BASE = 'http://proget.server';
let dir: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer | undefined;
/** Requests the download tests expect, by "METHOD /path?query"; each is answered once. */
let routes: Map<string, Route>;
let unexpected: string[];
interface Route {
  status: number;
  body?: string | Buffer | object;
  headers?: OutgoingHttpHeaders;
  /** Request headers that must be present with these values. */
  reqheaders?: Record<string, string>;
}
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
beforeEach(async () => {
  dir = await tempDir();
  routes = new Map();
  unexpected = [];
});
afterEach(async () => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  expect(unexpected).toEqual([]);
  expect([...routes.keys()]).toEqual([]);
  await server?.close();
  server = undefined;
  await dir.remove();
});
const client = (url = BASE) => new ProGetClient({ url, apiKey: 'k', retries: 0 });

/** A real server that answers exactly the routes given, once each; anything else is a 501 and a failure. */
async function serve(table: Record<string, Route>): Promise<ProGetClient> {
  for (const [key, route] of Object.entries(table)) routes.set(key, route);
  server = await startServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const route = routes.get(key);
    const missing = Object.entries(route?.reqheaders ?? {}).filter(([n, v]) => req.headers[n] !== v);
    if (!route || missing.length > 0) {
      unexpected.push(route ? `${key} without ${missing.map(([n]) => n).join(', ')}` : key);
      res.writeHead(501).end();
      return;
    }
    routes.delete(key);
    const body =
      route.body === undefined || typeof route.body === 'string' || Buffer.isBuffer(route.body)
        ? route.body
        : JSON.stringify(route.body);
    res.writeHead(route.status, route.headers).end(body);
  });
  return client(server.url);
}

describe('universal downloads', () => {
  it('GET /upack/dev-feed/download/hdars/1.3.9', async () => {
    const c = await serve({
      'GET /upack/dev-feed/download/hdars/1.3.9': {
        status: 200,
        body: Buffer.from('PK\u0003\u0004upack'),
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': 'attachment; filename=hdars.1.3.9.upack',
        },
        reqheaders: { 'x-apikey': 'k' },
      },
    });
    const result = await c.universal.download('dev-feed', { name: 'hdars', version: '1.3.9' }, dir.path);
    expect(result.fileName).toBe('hdars.1.3.9.upack');
    expect(result.contentType).toBe('application/zip');
    expect(await readFile(join(dir.path, 'hdars.1.3.9.upack'), 'latin1')).toBe('PK\u0003\u0004upack');
  });

  it('contentOnly=tgz for the latest var-index-service (latest resolved first, never sent)', async () => {
    const c = await serve({
      'GET /upack/dev-feed/packages?group=initrode%2Fvendors%2Fabl&name=var-index-service': {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: {
          group: 'initrode/vendors/abl',
          name: 'var-index-service',
          latestVersion: '4.2.0',
          downloads: '3',
          versions: ['4.1.0', '4.2.0'],
        },
      },
      'GET /upack/dev-feed/download/initrode/vendors/abl/var-index-service/4.2.0?contentOnly=tgz': {
        status: 200,
        body: 'tgz-bytes',
        headers: {
          'Content-Type': 'application/x-compressed',
          'Content-Disposition': 'attachment; filename=var-index-service.4.2.0.tgz',
        },
      },
    });
    const result = await c.universal.download(
      'dev-feed',
      { group: 'initrode/vendors/abl', name: 'var-index-service', version: 'latest' },
      dir.path,
      { contentOnly: 'tgz' },
    );
    expect(result.path).toBe(join(dir.path, 'var-index-service.4.2.0.tgz'));
    expect(result.contentType).toBe('application/x-compressed');
  });

  it('download-file: package/example.txt', async () => {
    const c = await serve({
      'GET /upack/dev-feed/download-file/hdars/1.3.9?path=package%2Fexample.txt': {
        status: 200,
        body: 'example',
        headers: { 'Content-Type': 'text/plain', 'Content-Disposition': 'attachment; filename=example.txt' },
      },
    });
    const result = await c.universal.downloadFile(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      'package/example.txt',
      dir.path,
    );
    expect(result).toMatchObject({ fileName: 'example.txt', size: 7, contentType: 'text/plain' });
  });

  it('download-file 403 for a directory path', async () => {
    const c = await serve({
      'GET /upack/dev-feed/download-file/hdars/1.3.9?path=package': {
        status: 403,
        body: 'Path is a directory.',
      },
    });
    await expect(
      c.universal.downloadFile('dev-feed', { name: 'hdars', version: '1.3.9' }, 'package', dir.path),
    ).rejects.toMatchObject({ kind: 'forbidden', serverText: 'Path is a directory.' });
  });

  it('download-vpack', async () => {
    const c = await serve({
      'GET /upack/dev-feed/download-vpack/virtudyne/simdesk/bundle/1.0.0': {
        status: 200,
        body: 'vpack',
        headers: { 'Content-Disposition': 'attachment; filename=bundle.1.0.0.vpack' },
      },
    });
    const result = await c.universal.downloadVpack(
      'dev-feed',
      { group: 'virtudyne/simdesk', name: 'bundle', version: '1.0.0' },
      dir.path,
    );
    expect(result.fileName).toBe('bundle.1.0.0.vpack');
  });

  it('an HTML page answered to a package download is refused and nothing is saved', async () => {
    const c = await serve({
      'GET /upack/f/download/p/1.0.0': {
        status: 200,
        body: '<html><body>Sign in</body></html>',
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      },
    });
    await expect(
      c.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p.upack')),
    ).rejects.toMatchObject({ kind: 'invalid-response', message: expect.stringContaining('HTML page') });
    expect(await dir.files()).toEqual([]);
  });

  it('falls back to name.version.upack without Content-Disposition', async () => {
    const c = await serve({ 'GET /upack/f/download/p/1.0.0': { status: 200, body: 'x' } });
    const result = await c.universal.download('f', { name: 'p', version: '1.0.0' }, dir.path);
    expect(result.path).toBe(join(dir.path, 'p.1.0.0.upack'));
  });
});

describe('nodeHttpTransfers', () => {
  it('reads package bytes through node:http, where something patching it (nock here, VS Code elsewhere) sees them', async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'k' } })
      .get('/upack/dev-feed/download/hdars/1.3.9')
      .reply(200, Buffer.from('PK\u0003\u0004upack'), {
        'Content-Disposition': 'attachment; filename=hdars.1.3.9.upack',
      });
    const c = new ProGetClient({ url: BASE, apiKey: 'k', retries: 0, nodeHttpTransfers: true });
    const result = await c.universal.download('dev-feed', { name: 'hdars', version: '1.3.9' }, dir.path, {
      hashes: ['sha1'],
    });
    expect(await readFile(result.path, 'latin1')).toBe('PK\u0003\u0004upack');
    expect(result.size).toBe(9);
  });
});

describe('uploads', () => {
  it('curl-style PUT /upack/dev-feed/upload of a .upack; 201', async () => {
    const file = join(dir.path, 'hdars.upack');
    await writeFile(file, 'PK-upack-bytes');
    nock(BASE, {
      reqheaders: { 'content-type': 'application/zip', 'content-length': '14', 'x-apikey': 'k' },
      badheaders: ['transfer-encoding'],
    })
      .put('/upack/dev-feed/upload', 'PK-upack-bytes')
      .reply(201);
    const result = await client().universal.upload('dev-feed', file);
    expect(result.size).toBe(14);
    expect(result.sha1).toMatch(/^[0-9a-f]{40}$/);
  });

  it('Packages API PUT /api/packages/{feed}/upload', async () => {
    const file = join(dir.path, 'lib.1.0.0.nupkg');
    await writeFile(file, 'nupkg');
    nock(BASE, { reqheaders: { 'content-length': '5' } })
      .put('/api/packages/nuget/upload', 'nupkg')
      .reply(200);
    await client().packages.upload('nuget', file);
  });

  it('an upload rejected with 400 carries the server reason', async () => {
    const file = join(dir.path, 'bad.upack');
    await writeFile(file, 'not a zip');
    nock(BASE).put('/upack/dev-feed/upload').reply(400, 'Invalid package: upack.json is missing.');
    await expect(client().universal.upload('dev-feed', file)).rejects.toMatchObject({
      kind: 'bad-request',
      serverText: 'Invalid package: upack.json is missing.',
    });
  });
});

describe('packages API download', () => {
  it('GET /api/packages/{feed}/download?group=&name=&version=', async () => {
    const c = await serve({
      'GET /api/packages/npm/download?group=%40acme&name=lib&version=2.0.0': {
        status: 200,
        body: 'tgz',
        headers: { 'Content-Disposition': 'attachment; filename="lib-2.0.0.tgz"' },
      },
    });
    const result = await c.packages.download(
      'npm',
      { group: '@acme', name: 'lib', version: '2.0.0' },
      dir.path,
    );
    expect(result.fileName).toBe('lib-2.0.0.tgz');
  });
});
