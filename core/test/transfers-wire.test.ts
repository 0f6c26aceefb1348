// Exact wire shapes of the transfer endpoints, from the doc pages' examples (nock).

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { tempDir } from './helpers.js';

const BASE = 'http://proget.server';
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  await dir.remove();
});
const client = () => new ProGetClient({ url: BASE, apiKey: 'k', retries: 0 });

describe('universal downloads', () => {
  it('GET /upack/dev-feed/download/hdars/1.3.9', async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'k' } })
      .get('/upack/dev-feed/download/hdars/1.3.9')
      .reply(200, Buffer.from('PK\u0003\u0004upack'), {
        'Content-Type': 'application/zip',
        'Content-Disposition': 'attachment; filename=hdars.1.3.9.upack',
      });
    const result = await client().universal.download(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      dir.path,
    );
    expect(result.fileName).toBe('hdars.1.3.9.upack');
    expect(result.contentType).toBe('application/zip');
    expect(await readFile(join(dir.path, 'hdars.1.3.9.upack'), 'latin1')).toBe('PK\u0003\u0004upack');
  });

  it('contentOnly=tgz for the latest var-index-service (latest resolved first, never sent)', async () => {
    nock(BASE)
      .get('/upack/dev-feed/packages?group=initrode%2Fvendors%2Fabl&name=var-index-service')
      .reply(200, {
        group: 'initrode/vendors/abl',
        name: 'var-index-service',
        latestVersion: '4.2.0',
        downloads: '3',
        versions: ['4.1.0', '4.2.0'],
      });
    nock(BASE)
      .get('/upack/dev-feed/download/initrode/vendors/abl/var-index-service/4.2.0?contentOnly=tgz')
      .reply(200, 'tgz-bytes', {
        'Content-Type': 'application/x-compressed',
        'Content-Disposition': 'attachment; filename=var-index-service.4.2.0.tgz',
      });
    const result = await client().universal.download(
      'dev-feed',
      { group: 'initrode/vendors/abl', name: 'var-index-service', version: 'latest' },
      dir.path,
      { contentOnly: 'tgz' },
    );
    expect(result.path).toBe(join(dir.path, 'var-index-service.4.2.0.tgz'));
    expect(result.contentType).toBe('application/x-compressed');
  });

  it('download-file: package/example.txt', async () => {
    nock(BASE)
      .get('/upack/dev-feed/download-file/hdars/1.3.9?path=package%2Fexample.txt')
      .reply(200, 'example', {
        'Content-Type': 'text/plain',
        'Content-Disposition': 'attachment; filename=example.txt',
      });
    const result = await client().universal.downloadFile(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      'package/example.txt',
      dir.path,
    );
    expect(result).toMatchObject({ fileName: 'example.txt', size: 7, contentType: 'text/plain' });
  });

  it('download-file 403 for a directory path', async () => {
    nock(BASE)
      .get('/upack/dev-feed/download-file/hdars/1.3.9?path=package')
      .reply(403, 'Path is a directory.');
    await expect(
      client().universal.downloadFile('dev-feed', { name: 'hdars', version: '1.3.9' }, 'package', dir.path),
    ).rejects.toMatchObject({ kind: 'forbidden', serverText: 'Path is a directory.' });
  });

  it('download-vpack', async () => {
    nock(BASE)
      .get('/upack/dev-feed/download-vpack/virtudyne/simdesk/bundle/1.0.0')
      .reply(200, 'vpack', { 'Content-Disposition': 'attachment; filename=bundle.1.0.0.vpack' });
    const result = await client().universal.downloadVpack(
      'dev-feed',
      { group: 'virtudyne/simdesk', name: 'bundle', version: '1.0.0' },
      dir.path,
    );
    expect(result.fileName).toBe('bundle.1.0.0.vpack');
  });

  it('an HTML page answered to a package download is refused and nothing is saved', async () => {
    nock(BASE)
      .get('/upack/f/download/p/1.0.0')
      .reply(200, '<html><body>Sign in</body></html>', { 'Content-Type': 'text/html; charset=utf-8' });
    await expect(
      client().universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p.upack')),
    ).rejects.toMatchObject({ kind: 'invalid-response', message: expect.stringContaining('HTML page') });
    expect(await dir.files()).toEqual([]);
  });

  it('falls back to name.version.upack without Content-Disposition', async () => {
    nock(BASE).get('/upack/f/download/p/1.0.0').reply(200, 'x');
    const result = await client().universal.download('f', { name: 'p', version: '1.0.0' }, dir.path);
    expect(result.path).toBe(join(dir.path, 'p.1.0.0.upack'));
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
    nock(BASE)
      .get('/api/packages/npm/download?group=%40acme&name=lib&version=2.0.0')
      .reply(200, 'tgz', { 'Content-Disposition': 'attachment; filename="lib-2.0.0.tgz"' });
    const result = await client().packages.download(
      'npm',
      { group: '@acme', name: 'lib', version: '2.0.0' },
      dir.path,
    );
    expect(result.fileName).toBe('lib-2.0.0.tgz');
  });
});
