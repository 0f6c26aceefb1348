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
/** The Packages API probe `feeds.require` makes before a 404 is read as "package/version absent". */
const feedExists = (feed = 'dev-feed') =>
  nock(BASE)
    .get(`/api/packages/${feed}`)
    .reply(200, { id: 1, name: feed, feedType: 'universal', packageType: 'upack' });

// The doc page's examples, with its missing commas put back but its quirks (string downloads, missing
// group, `_` properties, string latestVersion) kept.
const PACKAGE_LIST = [
  { name: 'HDARS', latestVersion: '1.3.9', downloads: '1', versions: ['0.0.22', '1.3.7', '1.3.9'] },
  {
    group: 'initrode/vendors/abl',
    name: 'ABLast',
    latestVersion: '2.2.1',
    title: 'ast distribution files for ABL',
    icon: 'package://ablast.svg',
    description: 'This contains [ast distro](http://initrode-net.local/ast) files specific to ABL',
    downloads: '55',
    versions: ['2.2.1'],
  },
  {
    group: 'virtudyne/simdesk',
    name: 'var-index-service',
    latestVersion: '5.3.10',
    _sourceRoot: '$/global/vindex/branches/v5-hotfix',
    _deployTarget: '/var/vsimdesk/vindex',
    downloads: '17',
    versions: ['5.0.0', '5.2.1', '5.3.10'],
  },
];

describe('universal feed API', () => {
  it('meta', async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'k' } })
      .get('/upack/dev-feed/meta')
      .reply(200, {
        apiVersion: '1.3.0',
        name: 'dev-feed',
        description: 'Dev',
        version: '1.3.0',
        packageCount: 3,
        packageVersionCount: 7,
        services: ['VirtualPackages', 'RemotePackages', 'UploadPackage', 'Delete', 'DownloadContents'],
      });
    expect(await client().universal.meta('dev-feed')).toEqual({
      apiVersion: '1.3.0',
      name: 'dev-feed',
      description: 'Dev',
      version: '1.3.0',
      packageCount: 3,
      packageVersionCount: 7,
      services: ['VirtualPackages', 'RemotePackages', 'UploadPackage', 'Delete', 'DownloadContents'],
    });
  });

  it('lists packages, tolerating string downloads, missing group and `_` properties', async () => {
    nock(BASE).get('/upack/dev-feed/packages').query({ count: '1000' }).reply(200, PACKAGE_LIST);
    const list = await client().universal.listPackages('dev-feed', { count: 1000 });
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({
      group: '',
      name: 'HDARS',
      latestVersion: '1.3.9',
      downloads: 1,
      extra: {},
    });
    expect(list[1]).toMatchObject({
      group: 'initrode/vendors/abl',
      downloads: 55,
      icon: 'package://ablast.svg',
    });
    expect(list[2]!.extra).toEqual({
      _sourceRoot: '$/global/vindex/branches/v5-hotfix',
      _deployTarget: '/var/vsimdesk/vindex',
    });
  });

  it('lists the empty group with `group=`', async () => {
    nock(BASE).get('/upack/dev-feed/packages?group=').reply(200, [PACKAGE_LIST[0]]);
    expect(await client().universal.listPackages('dev-feed', { group: '' })).toHaveLength(1);
  });

  it('lists one group', async () => {
    nock(BASE)
      .get('/upack/dev-feed/packages')
      .query({ group: 'initrode/vendors/abl' })
      .reply(200, [PACKAGE_LIST[1]]);
    const list = await client().universal.listPackages('dev-feed', { group: 'initrode/vendors/abl' });
    expect(list[0]!.name).toBe('ABLast');
  });

  it('gets one package by name (object) or undefined on 404', async () => {
    nock(BASE)
      .get('/upack/dev-feed/packages')
      .query({ group: '', name: 'hdars' })
      .reply(200, { name: 'HDARS', downloads: '1', versions: ['0.0.22', '1.3.9', '1.3.10'] });
    nock(BASE)
      .get('/upack/dev-feed/packages')
      .query({ group: '', name: 'nope' })
      .reply(404, 'Package not found.');
    const pkg = await client().universal.getPackage('dev-feed', { name: 'hdars' });
    expect(pkg).toMatchObject({ name: 'HDARS', downloads: 1, versions: ['0.0.22', '1.3.9', '1.3.10'] });
    expect(await client().universal.getPackage('dev-feed', { name: 'nope' })).toBeUndefined();
  });

  it('gets a package in a group', async () => {
    nock(BASE)
      .get('/upack/dev-feed/packages')
      .query({ group: 'initrode/vendors/abl', name: 'ABLast' })
      .reply(200, PACKAGE_LIST[1]);
    const pkg = await client().universal.getPackage('dev-feed', {
      group: 'initrode/vendors/abl',
      name: 'ABLast',
    });
    expect(pkg?.title).toBe('ast distribution files for ABL');
  });

  it('gets one version, or undefined on 404; `+` is percent-encoded', async () => {
    nock(BASE).get('/upack/dev-feed/versions?group=&name=hdars&version=1.3.9').reply(200, {
      name: 'HDARS',
      version: '1.3.9',
      downloads: '1',
      published: '2016-01-07T06:51:51.403Z',
      isLocal: true,
      isCached: false,
      isVirtual: false,
    });
    nock(BASE)
      .get('/upack/dev-feed/versions?group=&name=hdars&version=1.0.0%2Bbuild.5')
      .reply(404, 'not found');
    const v = await client().universal.getVersion('dev-feed', { name: 'hdars', version: '1.3.9' });
    expect(v).toEqual({
      group: '',
      name: 'HDARS',
      version: '1.3.9',
      title: undefined,
      description: undefined,
      icon: undefined,
      dependencies: [],
      downloads: 1,
      published: '2016-01-07T06:51:51.403Z',
      isLocal: true,
      isCached: false,
      isVirtual: false,
      fileList: undefined,
      extra: {},
    });
    expect(
      await client().universal.getVersion('dev-feed', { name: 'hdars', version: '1.0.0+build.5' }),
    ).toBeUndefined();
  });

  it('gets a version with its file list', async () => {
    nock(BASE)
      .get('/upack/dev-feed/versions?group=&name=hdars&version=1.3.9&includeFileList=true')
      .reply(200, {
        name: 'HDARS',
        version: '1.3.9',
        downloads: '1',
        published: '2016-01-07T06:51:51.403Z',
        isLocal: true,
        isCached: false,
        isVirtual: false,
        fileList: [
          { name: 'assets/muth.png', date: '2015-01-01T01:52:51.403Z', size: 68012 },
          { name: 'assets/styles.css', date: '2015-01-01T01:52:51.403Z', size: 3021 },
          { name: 'index.htm', date: '2015-01-01T01:52:51.403Z', size: 1028 },
        ],
      });
    const v = await client().universal.getVersion(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      { includeFileList: true },
    );
    expect(v?.fileList).toEqual([
      { name: 'assets/muth.png', date: '2015-01-01T01:52:51.403Z', size: 68012 },
      { name: 'assets/styles.css', date: '2015-01-01T01:52:51.403Z', size: 3021 },
      { name: 'index.htm', date: '2015-01-01T01:52:51.403Z', size: 1028 },
    ]);
  });

  it('lists versions with dependencies and `_` properties', async () => {
    nock(BASE)
      .get('/upack/dev-feed/versions?count=1000')
      .reply(200, [
        {
          group: 'initrode/vendors/abl',
          name: 'ABLast',
          version: '2.2.1',
          title: 'ast distribution files for ABL',
          dependencies: ['initrode/vendors-common:ast-common:2.0.0'],
          downloads: '55',
          isLocal: false,
          isCached: true,
          isVirtual: false,
        },
        {
          group: 'virtudyne/simdesk',
          name: 'var-index-service',
          version: '5.0.10',
          _sourceRoot: '$/global/vindex/root',
          _deployTarget: '/var/vsimdesk/vindex/newv5',
          downloads: '18',
          isLocal: true,
          isCached: false,
          isVirtual: false,
        },
      ]);
    const list = await client().universal.listVersions('dev-feed', { count: 1000 });
    expect(list[0]).toMatchObject({
      dependencies: ['initrode/vendors-common:ast-common:2.0.0'],
      downloads: 55,
      isCached: true,
    });
    expect(list[1]!.extra).toEqual({
      _sourceRoot: '$/global/vindex/root',
      _deployTarget: '/var/vsimdesk/vindex/newv5',
    });
  });

  it('deletes with the group path kept and each segment escaped', async () => {
    nock(BASE).post('/upack/dev-feed/delete/initrode/vendors/abl/ABLast/2.2.1').reply(200);
    // Without a group, the server's version decides: a 2024+ server deletes the ungrouped package directly.
    nock(BASE)
      .post('/upack/dev-feed/delete/hdars/1.0.0%2Bb')
      .reply(200, '', { 'X-ProGet-Version': '24.0.39.3' });
    nock(BASE).get('/upack/dev-feed/versions?name=hdars').reply(200, [], { 'X-ProGet-Version': '24.0.39.3' });
    await client().universal.delete('dev-feed', {
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      version: '2.2.1',
    });
    await client().universal.delete('dev-feed', { group: '', name: 'hdars', version: '1.0.0+b' });
  });

  it('delete on a missing version is not-found, naming the version', async () => {
    const v = { 'X-ProGet-Version': '26.0.12.24' };
    nock(BASE).get('/upack/dev-feed/versions?name=hdars').reply(200, [], v);
    nock(BASE).post('/upack/dev-feed/delete/hdars/9.9.9').reply(404, 'Package not found', v);
    feedExists();
    nock(BASE)
      .get('/upack/dev-feed/packages?group=&name=hdars')
      .reply(200, { name: 'HDARS', versions: ['1.3.9'] }, v);
    const error = await rejection(client().universal.delete('dev-feed', { name: 'hdars', version: '9.9.9' }));
    expect(error.kind).toBe('not-found');
    expect(error.subject).toBe('version');
    expect(error.summary).toMatch(/^Version 9\.9\.9 of hdars was not found in feed "dev-feed"/);
  });

  it('refuses to delete "latest"', async () => {
    await expect(client().universal.delete('f', { name: 'p', version: 'latest' })).rejects.toThrow(
      /exact version/,
    );
  });

  it('imports from an asset directory', async () => {
    nock(BASE)
      .post('/upack/dev-feed/import', {
        assetDirectory: 'staging',
        from: 'big/pkg.upack',
        deleteFromSource: true,
      })
      .matchHeader('content-type', /application\/json/)
      .reply(201);
    await client().universal.import('dev-feed', {
      assetDirectory: 'staging',
      from: 'big/pkg.upack',
      deleteFromSource: true,
    });
  });

  it('searches (unsupported endpoint, best effort)', async () => {
    nock(BASE).get('/upack/dev-feed/search?query=abl&count=5').reply(200, [PACKAGE_LIST[1]]);
    const hits = await client().universal.search('dev-feed', 'abl', { count: 5 });
    expect(hits.map((h) => h.name)).toEqual(['ABLast']);
  });

  it('resolveVersion: latest includes prereleases, latest-stable does not, exact passes through', async () => {
    nock(BASE)
      .get('/upack/f/packages?group=&name=p')
      .times(2)
      .reply(200, { name: 'p', versions: ['1.2.0', '1.10.0', '2.0.0-beta.1', '1.9.9'] });
    const c = client();
    expect(await c.resolveVersion('f', { name: 'p' }, 'latest')).toBe('2.0.0-beta.1');
    expect(await c.resolveVersion('f', { name: 'p' }, 'latest-stable')).toBe('1.10.0');
    expect(await c.resolveVersion('f', { name: 'p' }, '1.2.0')).toBe('1.2.0');
  });

  it('resolveVersion on an unknown package is not-found', async () => {
    nock(BASE).get('/upack/f/packages?group=&name=p').reply(404, 'not found');
    const error = await rejection(client().resolveVersion('f', { name: 'p' }, 'latest'));
    expect(error.kind).toBe('not-found');
  });
});
