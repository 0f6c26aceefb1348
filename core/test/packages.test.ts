import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { rejection } from './helpers.js';

const BASE = 'https://proget.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
const client = () => new ProGetClient({ url: BASE, apiKey: 'k', retries: 0 });

const INFO = {
  purl: 'pkg:nuget/Newtonsoft.Json@13.0.2',
  name: 'Newtonsoft.Json',
  version: '13.0.2',
  totalDownloads: 120,
  downloads: '7',
  published: '2023-11-28T06:23:46.92',
  publishedBy: 'SYSTEM',
  size: 2_000_000,
  listed: true,
  sha1: 'a'.repeat(40),
  sha256: 'b'.repeat(64),
  deprecated: false,
};

describe('packages API', () => {
  it('latest with filters', async () => {
    nock(BASE).get('/api/packages/nuget/latest?name=Newtonsoft.Json&stableOnly=true').reply(200, [INFO]);
    const list = await client().packages.latest('nuget', { name: 'Newtonsoft.Json', stableOnly: true });
    expect(list).toEqual([
      {
        purl: 'pkg:nuget/Newtonsoft.Json@13.0.2',
        group: '',
        name: 'Newtonsoft.Json',
        version: '13.0.2',
        totalDownloads: 120,
        downloads: 7,
        published: '2023-11-28T06:23:46.920Z',
        publishedBy: 'SYSTEM',
        size: 2_000_000,
        listed: true,
        md5: undefined,
        sha1: 'a'.repeat(40),
        sha256: 'b'.repeat(64),
        sha512: undefined,
        allowDownload: undefined,
        deprecated: false,
        deprecationReason: undefined,
      },
    ]);
  });

  it('versions of a grouped package; empty list when none', async () => {
    nock(BASE)
      .get('/api/packages/npm/versions?group=%40scope&name=lib')
      .reply(200, [{ ...INFO, group: '@scope', name: 'lib', version: '1.0.0' }]);
    nock(BASE).get('/api/packages/npm/versions?group=&name=none').reply(200, []);
    const list = await client().packages.versions('npm', { group: '@scope', name: 'lib' });
    expect(list[0]).toMatchObject({ group: '@scope', name: 'lib', version: '1.0.0' });
    expect(await client().packages.versions('npm', { name: 'none' })).toEqual([]);
  });

  it('versions with an exact version (`+` encoded)', async () => {
    nock(BASE).get('/api/packages/u/versions?group=&name=p&version=1.0.0%2Bb.7').reply(200, []);
    await client().packages.versions('u', { name: 'p', version: '1.0.0+b.7' });
  });

  it('delete sends POST with query parameters', async () => {
    nock(BASE).post('/api/packages/u/delete?group=a%2Fb&name=p&version=1.0.0').reply(200);
    await client().packages.delete('u', { group: 'a/b', name: 'p', version: '1.0.0' });
  });

  it('delete 404 is not-found', async () => {
    nock(BASE).post('/api/packages/u/delete?group=&name=p&version=1.0.0').reply(404, '');
    // The feed exists, so the 404 is about the package version.
    nock(BASE)
      .get('/api/packages/u')
      .reply(200, { id: 1, name: 'u', feedType: 'universal', packageType: 'upack' });
    expect((await rejection(client().packages.delete('u', { name: 'p', version: '1.0.0' }))).kind).toBe(
      'not-found',
    );
  });

  it('resolveVersion: latest-stable from the versions list', async () => {
    nock(BASE)
      .get('/api/packages/u/versions?group=&name=p')
      .reply(200, [
        { ...INFO, name: 'p', version: '1.0.0' },
        { ...INFO, name: 'p', version: '1.1.0-rc.1' },
      ]);
    expect(await client().packages.resolveVersion('u', { name: 'p', version: 'latest-stable' })).toBe(
      '1.0.0',
    );
  });

  it('latest-stable with only prereleases is not-found with a hint', async () => {
    nock(BASE)
      .get('/api/packages/u/versions?group=&name=p')
      .reply(200, [{ ...INFO, name: 'p', version: '1.1.0-rc.1' }]);
    const error = await rejection(
      client().packages.resolveVersion('u', { name: 'p', version: 'latest-stable' }),
    );
    expect(error.kind).toBe('not-found');
    expect(error.hint).toMatch(/prerelease/);
  });
});
