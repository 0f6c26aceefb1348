// Every example request of universal-feed-api.txt, sent as curl would, against the demo seed.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { ADMIN, PUBLISH, raw, tgzEntries, upack, VIEW, zipBuffer, zipEntries } from '../testing.js';

type Obj = Record<string, unknown>;

describe('Universal Feed API: list packages', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /upack/dev-feed/packages?name=hdars returns one object with string downloads and no group', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=hdars', { headers: VIEW });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json<Obj>();
    expect(Array.isArray(body)).toBe(false);
    expect(body.name).toBe('HDARS');
    expect(typeof body.downloads).toBe('string');
    expect(body.versions).toEqual(['0.0.22', '1.3.7', '1.3.9', '1.3.10']);
    expect('group' in body).toBe(false);
    expect(body.latestVersion).toBe('1.3.10');
  });

  it('GET /upack/dev-feed/packages?count=1000 lists the page packages with their latest metadata', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?count=1000', { headers: VIEW });
    expect(r.status).toBe(200);
    const list = r.json<Obj[]>();
    const byName = new Map(list.map((p) => [p.name, p]));
    expect(byName.get('HDARS')).toMatchObject({ latestVersion: '1.3.10', downloads: '155' });
    expect(byName.get('ABLast')).toEqual({
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      latestVersion: '2.2.1',
      title: 'ast distribution files for ABL',
      icon: 'package://ablast.svg',
      description: 'This contains [ast distro](http://initrode-net.local/ast) files specific to ABL',
      downloads: '55',
      versions: ['2.2.1'],
    });
    expect(byName.get('var-index-service')).toEqual({
      group: 'virtudyne/simdesk',
      name: 'var-index-service',
      latestVersion: '5.3.10',
      _sourceRoot: '$/global/vindex/branches/v5-hotfix',
      _deployTarget: '/var/vsimdesk/vindex',
      downloads: '53',
      versions: ['5.0.10', '5.2.1', '5.3.10'],
    });
    // The empty group sorts first, as on the page.
    expect(list[0]!.name).toBe('HDARS');
    // latestVersion is the absolute latest, prereleases included.
    expect(byName.get('ast-common')).toMatchObject({ latestVersion: '2.1.0-rc.1' });
  });

  it('GET /upack/dev-feed/packages?group=initrode/vendors/abl matches the group exactly', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?group=initrode/vendors/abl', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.json<Obj[]>().map((p) => p.name)).toEqual(['ABLast']);
    const partial = await raw(sim.url, 'GET', '/upack/dev-feed/packages?group=initrode', { headers: VIEW });
    expect(partial.json()).toEqual([]);
  });

  it('group= with no value means the empty group; count limits the array', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?group=', { headers: VIEW });
    expect(r.json<Obj[]>().map((p) => p.name)).toEqual(['HDARS']);
    const one = await raw(sim.url, 'GET', '/upack/dev-feed/packages?count=1', { headers: VIEW });
    expect(one.json<Obj[]>()).toHaveLength(1);
  });

  it('name without group searches only the empty group; unknown name is a 404 with a message', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=ABLast', { headers: VIEW });
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/not found/i);
    const grouped = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/packages?group=initrode/vendors/abl&name=ablast',
      {
        headers: VIEW,
      },
    );
    expect(grouped.status).toBe(200);
    expect(grouped.json<Obj>().name).toBe('ABLast');
  });

  it('feed, group and name match case-insensitively and keep stored casing', async () => {
    const r = await raw(sim.url, 'GET', '/upack/DEV-Feed/packages?group=INITRODE/Vendors/ABL&name=ablAST', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.json<Obj>()).toMatchObject({ group: 'initrode/vendors/abl', name: 'ABLast' });
  });
});

describe('Universal Feed API: list versions', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /upack/dev-feed/versions?name=hdars&version=1.3.9 returns the page object', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.9', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      name: 'HDARS',
      version: '1.3.9',
      downloads: '1',
      published: '2016-01-07T06:51:51.403Z',
      isLocal: true,
      isCached: false,
      isVirtual: false,
    });
  });

  it('GET /upack/dev-feed/versions?count=1000 has every version with its own manifest properties', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/versions?count=1000', { headers: VIEW });
    const list = r.json<Obj[]>();
    const ablast = list.find((v) => v.name === 'ABLast')!;
    expect(ablast).toMatchObject({
      group: 'initrode/vendors/abl',
      version: '2.2.1',
      dependencies: ['initrode/vendors-common:ast-common:2.0.0'],
      downloads: '55',
      isLocal: false,
      isCached: true,
      isVirtual: false,
    });
    const vindex = list.filter((v) => v.name === 'var-index-service');
    expect(vindex.map((v) => [v.version, v._sourceRoot, v._deployTarget, v.downloads])).toEqual([
      ['5.0.10', '$/global/vindex/root', '/var/vsimdesk/vindex/newv5', '18'],
      ['5.2.1', '$/global/vindex/branches/5.2', '/var/vsimdesk/vindex/2tmp', '18'],
      ['5.3.10', '$/global/vindex/branches/v5-hotfix', '/var/vsimdesk/vindex', '17'],
    ]);
    expect(list.filter((v) => v.name === 'HDARS').map((v) => v.version)).toEqual([
      '0.0.22',
      '1.3.7',
      '1.3.9',
      '1.3.10',
    ]);
    expect(list.find((v) => v.name === 'simdesk-bundle')).toMatchObject({ isVirtual: true });
  });

  it('includeFileList=true lists the real files under package/ with sizes and dates', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/versions?name=hdars&version=1.3.9&includeFileList=true',
      {
        headers: VIEW,
      },
    );
    expect(r.status).toBe(200);
    const body = r.json<{ fileList: { name: string; size: number; date: string }[] }>();
    expect(body.fileList.map((f) => f.name).sort()).toEqual([
      'assets/muth.png',
      'assets/styles.css',
      'example.txt',
      'index.htm',
    ]);
    const pkg = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: VIEW });
    const files = await zipEntries(pkg.body);
    for (const f of body.fileList) {
      expect(f.size).toBe(files.get(`package/${f.name}`)!.length);
      expect(Number.isNaN(Date.parse(f.date))).toBe(false);
    }
  });

  it('count limits the versions array, but is ignored when a name is given', async () => {
    const all = await raw(sim.url, 'GET', '/upack/dev-feed/versions?count=2', { headers: VIEW });
    expect(all.json<Obj[]>()).toHaveLength(2);
    const named = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&count=2', { headers: VIEW });
    expect(named.json<Obj[]>()).toHaveLength(4);
  });

  it('unknown version is a 404; group filters versions', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=9.9.9', {
      headers: VIEW,
    });
    expect(r.status).toBe(404);
    const g = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/versions?group=virtudyne/simdesk&name=var-index-service',
      {
        headers: VIEW,
      },
    );
    expect(g.json<Obj[]>()).toHaveLength(3);
  });
});

describe('Universal Feed API: download', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /upack/dev-feed/download/hdars/1.3.9 streams the .upack with zip headers', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: VIEW });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    expect(r.headers['content-disposition']?.toLowerCase()).toBe('attachment; filename=hdars.1.3.9.upack');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const files = await zipEntries(r.body);
    expect(JSON.parse(files.get('upack.json')!.toString())).toMatchObject({
      name: 'HDARS',
      version: '1.3.9',
    });
    const info = await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=HDARS&version=1.3.9', {
      headers: VIEW,
    });
    const [pvi] = info.json<{ sha1: string; sha256: string; size: number }[]>();
    expect(createHash('sha1').update(r.body).digest('hex')).toBe(pvi!.sha1);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(pvi!.sha256);
    expect(pvi!.size).toBe(r.body.length);
  });

  it('the page example with the wrong group (initrode/vendors/abl/var-index-service) is a 404', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/download/initrode/vendors/abl/var-index-service?contentOnly=tgz&latest',
      { headers: VIEW },
    );
    expect(r.status).toBe(404);
  });

  it('contentOnly=tgz&latest gives a gzipped tar of package/ for the latest version', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/download/virtudyne/simdesk/var-index-service?contentOnly=tgz&latest',
      {
        headers: VIEW,
      },
    );
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-compressed');
    expect(r.headers['content-disposition']).toBe('attachment; filename=var-index-service.5.3.10.tgz');
    const files = tgzEntries(r.body);
    expect([...files.keys()].sort()).toEqual(['bin/vindex.sh', 'config/vindex.conf']);
    expect(files.get('config/vindex.conf')!.toString()).toContain('version=5.3.10');
  });

  it('contentOnly without a value is a zip of package/ named .zip', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9?contentOnly', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    expect(r.headers['content-disposition']).toBe('attachment; filename=HDARS.1.3.9.zip');
    const files = await zipEntries(r.body);
    expect([...files.keys()].sort()).toEqual([
      'assets/muth.png',
      'assets/styles.css',
      'example.txt',
      'index.htm',
    ]);
    expect(files.get('assets/muth.png')!.subarray(1, 4).toString()).toBe('PNG');
  });

  it('no version and no latest is a 400; latest picks the highest version', async () => {
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars', { headers: VIEW })).status).toBe(400);
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars?latest', { headers: VIEW });
    expect(r.headers['content-disposition']).toBe('attachment; filename=HDARS.1.3.10.upack');
  });

  it('downloads are counted', async () => {
    const before = (
      await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.7', { headers: VIEW })
    ).json<Obj>();
    await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.7', { headers: VIEW });
    const after = (
      await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.7', { headers: VIEW })
    ).json<Obj>();
    expect(Number(after.downloads)).toBe(Number(before.downloads) + 1);
  });
});

describe('Universal Feed API: download-file and download-vpack', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /upack/dev-feed/download-file/hdars/1.3.9?path=package/example.txt', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/download-file/hdars/1.3.9?path=package/example.txt',
      {
        headers: VIEW,
      },
    );
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.headers['content-disposition']).toBe('attachment; filename=example.txt');
    expect(r.text).toBe('HDARS 1.3.9 example file.\n');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
  });

  it('GET /upack/dev-feed/download-file/hdars?latest&path=upack.json', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/download-file/hdars?latest&path=upack.json', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['content-disposition']).toBe('attachment; filename=upack.json');
    expect(r.json()).toEqual({ name: 'HDARS', version: '1.3.10' });
  });

  it('missing file 404, directory 403, no version 400, unknown package 404', async () => {
    const get = (p: string) => raw(sim.url, 'GET', p, { headers: VIEW });
    expect((await get('/upack/dev-feed/download-file/hdars/1.3.9?path=package/nope.txt')).status).toBe(404);
    expect((await get('/upack/dev-feed/download-file/hdars/1.3.9?path=package/assets')).status).toBe(403);
    expect((await get('/upack/dev-feed/download-file/hdars?path=upack.json')).status).toBe(400);
    expect((await get('/upack/dev-feed/download-file/nothing/1.0.0?path=upack.json')).status).toBe(404);
  });

  it('download-vpack returns a virtual package and refuses a regular one', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/download-vpack/virtudyne/simdesk/simdesk-bundle?latest',
      {
        headers: VIEW,
      },
    );
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename=simdesk-bundle.1.0.0.vpack');
    const files = await zipEntries(r.body);
    expect([...files.keys()]).toEqual(['upack.json']);
    expect(JSON.parse(files.get('upack.json')!.toString()).contents).toEqual([
      'virtudyne/simdesk/var-index-service:5.3.10',
    ]);
    const bad = await raw(sim.url, 'GET', '/upack/dev-feed/download-vpack/hdars/1.3.9', { headers: VIEW });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/not a virtual package/);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/download-vpack/hdars', { headers: VIEW })).status,
    ).toBe(400);
  });
});

describe('Universal Feed API: upload', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  const versionOf = async (query: string) =>
    raw(sim.url, 'GET', `/upack/dev-feed/versions?${query}&includeFileList=true`, { headers: VIEW });

  it('curl PUT .../upload --upload-file hdars.upack (a complete package) is a 201', async () => {
    const body = await upack(
      { name: 'HDARS', version: '1.4.0', title: 'HDARS' },
      { 'index.htm': '<h1>1.4</h1>' },
    );
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(r.status).toBe(201);
    const v = await versionOf('name=hdars&version=1.4.0');
    expect(v.json<Obj>()).toMatchObject({ name: 'HDARS', version: '1.4.0', title: 'HDARS' });
    // Stored byte for byte.
    const d = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.4.0', { headers: VIEW });
    expect(d.body.equals(body)).toBe(true);
  });

  it('PUT /upload/initrode/vendors/abl/var-index-service?version=5.3.9 with JSON content-url is refused plainly', async () => {
    const r = await raw(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload/initrode/vendors/abl/var-index-service?version=5.3.9',
      {
        headers: { ...PUBLISH, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          'content-url': 'http://sdbuildsv1/latest-stable?project=vindex&branch=v5-hotfix',
          _sourceRoot: '$/global/vindex/branches/v5-hotfix',
          _deployTarget: '/var/vsimdesk/vindex',
        }),
      },
    );
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/content-url is not supported by this simulator/);
  });

  it('the same request with content-b64 builds the package from path, query and JSON', async () => {
    const content = await zipBuffer([{ name: 'bin/vindex.sh', data: 'echo 5.3.9' }]);
    const r = await raw(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload/initrode/vendors/abl/var-index-service?version=5.3.9',
      {
        headers: { ...PUBLISH, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          'content-b64': content.toString('base64'),
          _sourceRoot: '$/global/vindex/branches/v5-hotfix',
          _deployTarget: '/var/vsimdesk/vindex',
        }),
      },
    );
    expect(r.status).toBe(201);
    const v = await versionOf('group=initrode/vendors/abl&name=var-index-service&version=5.3.9');
    expect(v.json<Obj>()).toMatchObject({
      group: 'initrode/vendors/abl',
      name: 'var-index-service',
      version: '5.3.9',
      _sourceRoot: '$/global/vindex/branches/v5-hotfix',
      _deployTarget: '/var/vsimdesk/vindex',
      fileList: [expect.objectContaining({ name: 'bin/vindex.sh', size: 10 })],
    });
  });

  it('Upload-Http content.zip with name, group and version in the query converts a plain zip', async () => {
    const content = await zipBuffer([{ name: 'ext.dll', data: 'MZ' }]);
    const r = await raw(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload?name=MyExtension&group=Products&version=1.2.3',
      {
        headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
        body: content,
      },
    );
    expect(r.status).toBe(201);
    const d = await raw(sim.url, 'GET', '/upack/dev-feed/download/Products/MyExtension/1.2.3', {
      headers: VIEW,
    });
    const files = await zipEntries(d.body);
    expect([...files.keys()]).toEqual(['upack.json', 'package/ext.dll']);
    expect(JSON.parse(files.get('upack.json')!.toString())).toEqual({
      name: 'MyExtension',
      group: 'Products',
      version: '1.2.3',
    });
  });

  it('Invoke-RestMethod with Basic USERNAME:PASSWORD, title and description in the query', async () => {
    const content = await zipBuffer([{ name: 'a.txt', data: 'a' }]);
    const creds = Buffer.from('demo:demo-password').toString('base64');
    const query = `?name=PACKAGE_NAME&version=2.0.0&title=PACKAGE_TITLE&description=${encodeURIComponent('Some *markdown* text')}`;
    const r = await raw(sim.url, 'PUT', `/upack/dev-feed/upload${query}`, {
      headers: { 'Content-Type': 'application/zip', Authorization: `Basic ${creds}` },
      body: content,
    });
    expect(r.status).toBe(201);
    const v = await versionOf('name=package_name&version=2.0.0');
    expect(v.json<Obj>()).toMatchObject({ title: 'PACKAGE_TITLE', description: 'Some *markdown* text' });
  });

  it('form-encoded metadata with content-b64 and a comma-separated dependency list', async () => {
    const content = await zipBuffer([{ name: 'f.txt', data: 'f' }]);
    const form = new URLSearchParams({
      name: 'formpkg',
      version: '1.0.0',
      dependencies: 'HDARS,initrode/vendors/abl:ABLast:2.2.1',
      'content-b64': content.toString('base64'),
    });
    const r = await raw(sim.url, 'POST', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(r.status).toBe(201);
    const v = await versionOf('name=formpkg&version=1.0.0');
    expect(v.json<Obj>().dependencies).toEqual(['HDARS', 'initrode/vendors/abl:ABLast:2.2.1']);
  });

  it('group= with no value uploads into the empty group without a group in upack.json', async () => {
    const content = await zipBuffer([{ name: 'e.txt', data: 'e' }]);
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload?group=&name=nogroup&version=1.0.0', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: content,
    });
    expect(r.status).toBe(201);
    const f = await raw(sim.url, 'GET', '/upack/dev-feed/download-file/nogroup/1.0.0?path=upack.json', {
      headers: VIEW,
    });
    expect(f.json()).toEqual({ name: 'nogroup', version: '1.0.0' });
  });

  it('the same parameter in path and query with different values is a 400', async () => {
    const content = await zipBuffer([{ name: 'f.txt', data: 'f' }]);
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload/pathname/1.0.0?name=queryname', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: content,
    });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/"name" was specified more than once/);
    const same = await raw(sim.url, 'PUT', '/upack/dev-feed/upload/samename/1.0.0?name=samename', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: content,
    });
    expect(same.status).toBe(201);
  });

  it('path metadata matching the package upack.json (any casing) is accepted without rewriting it', async () => {
    const body = await upack({ name: 'PathMatch', version: '1.0.0' });
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload/pathmatch/1.0.0', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body,
    });
    expect(r.status).toBe(201);
    const d = await raw(sim.url, 'GET', '/upack/dev-feed/download/PathMatch/1.0.0', { headers: VIEW });
    expect(d.body.equals(body)).toBe(true);
  });

  it('query metadata that contradicts the package upack.json is a 400', async () => {
    const body = await upack({ name: 'conflict', version: '1.0.0' });
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload?version=2.0.0', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body,
    });
    expect(r.status).toBe(400);
  });

  it.each([
    [{ name: 'bad name', version: '1.0.0' }, /package name/],
    [{ name: 'x'.repeat(51), version: '1.0.0' }, /package name/],
    [{ name: 'ok', version: '1.0' }, /SemVer/],
    [{ name: 'ok', version: '1.0.0', group: '/lead' }, /group/],
    [{ name: 'ok', version: '1.0.0', group: 'a//b' }, /group/],
    [{ name: 'ok', version: '1.0.0', title: 't'.repeat(51) }, /title/],
    [{ name: 'ok', version: '1.0.0', projectUrl: 'not a url' }, /projectUrl/],
    [{ name: 'ok', version: '1.0.0', icon: 'ablast.svg' }, /icon/],
    [{ name: 'ok', version: '1.0.0', tags: ['1abc'] }, /tag/],
    [{ name: 'ok', version: '1.0.0', tags: ['a', 'A'] }, /Duplicate tag/],
    [{ name: 'ok', version: '1.0.0', dependencies: ['a:b:c:d:e'] }, /dependency/],
    [{ name: 'ok', version: '1.0.0', createdDate: 'yesterday' }, /createdDate/],
    [{ name: '..', version: '1.0.0' }, /"\." and "\.\." are not names/],
    [{ name: 'ok', version: '1.0.0', group: 'a/../b' }, /"\." and "\.\." are not group segments/],
    [{ version: '1.0.0' }, /name is required/],
  ])('manifest %j is rejected with a reason', async (manifest, reason) => {
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: await upack(manifest),
    });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.text).toMatch(reason);
  });

  it('a valid full manifest is accepted', async () => {
    const manifest = {
      name: 'full',
      version: '1.0.0-beta.1+build.5',
      group: 'a/b.c/d-e',
      title: 'Full',
      projectUrl: 'https://example.com/full',
      icon: 'package://icon.png',
      description: '# Full',
      shortDescription: 'short',
      tags: ['alpha', 'beta_2'],
      dependencies: ['x', 'g/x', 'g:x', 'g:x:*', 'g:x:[1.0.0,2.0.0)', `g:x:1.0.0:${'a'.repeat(40)}`],
      createdDate: '2024-01-02T03:04:05Z',
      createdReason: 'Integration',
      createdUsing: 'test',
      createdBy: 'ci',
      repackageHistory: [],
      _commit: 'abc',
    };
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: await upack(manifest),
    });
    expect(r.text).toBe('');
    expect(r.status).toBe(201);
  });

  it('a body that is not a zip is a 400', async () => {
    const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: 'not a zip at all',
    });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/not a valid zip/);
  });
});

describe('Universal Feed API: delete, meta, import, search', () => {
  let sim: SimulatorHandle;
  let importDir: string;
  beforeAll(async () => {
    importDir = await mkdtemp(join(tmpdir(), 'sim-import-'));
    sim = await startSimulator({ seed: 'demo', importDir });
  });
  afterAll(async () => {
    await sim.close();
    await rm(importDir, { recursive: true, force: true });
  });

  it('DELETE /upack/dev-feed/delete/hdars/1.3.7 is a 200, then a 404', async () => {
    const r = await raw(sim.url, 'DELETE', '/upack/dev-feed/delete/hdars/1.3.7', { headers: ADMIN });
    expect(r.status).toBe(200);
    const v = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.7', {
      headers: VIEW,
    });
    expect(v.status).toBe(404);
    expect(
      (await raw(sim.url, 'DELETE', '/upack/dev-feed/delete/hdars/1.3.7', { headers: ADMIN })).status,
    ).toBe(404);
  });

  it('POST works for delete too, with a group path', async () => {
    const r = await raw(
      sim.url,
      'POST',
      '/upack/dev-feed/delete/virtudyne/simdesk/var-index-service/5.0.10',
      {
        headers: ADMIN,
      },
    );
    expect(r.status).toBe(200);
    const list = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/packages?group=virtudyne/simdesk&name=var-index-service',
      {
        headers: VIEW,
      },
    );
    expect(list.json<Obj>().versions).toEqual(['5.2.1', '5.3.10']);
  });

  it('GET /upack/dev-feed/meta describes the feed', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/meta', { headers: VIEW });
    expect(r.status).toBe(200);
    const m = r.json<Obj>();
    expect(m).toMatchObject({
      apiVersion: expect.any(String),
      name: 'dev-feed',
      description: 'Development builds',
    });
    expect(Number.isInteger(m.packageCount)).toBe(true);
    const listed = await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: VIEW });
    expect(m.packageCount).toBe(listed.json<Obj[]>().length);
    expect(m.packageVersionCount as number).toBeGreaterThan(m.packageCount as number);
    expect(m.services).toEqual(
      expect.arrayContaining([
        'VirtualPackages',
        'RemotePackages',
        'UploadPackage',
        'UploadContents',
        'Delete',
        'DownloadContents',
      ]),
    );
  });

  it('POST /upack/dev-feed/import takes a .upack from the import directory and deletes the source', async () => {
    const file = join(importDir, 'big.upack');
    await writeFile(file, await upack({ name: 'imported', version: '3.0.0' }));
    const r = await raw(sim.url, 'POST', '/upack/dev-feed/import', {
      headers: { ...ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: 'big.upack' }),
    });
    expect(r.status).toBe(201);
    expect(existsSync(file)).toBe(false);
    const v = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=imported&version=3.0.0', {
      headers: VIEW,
    });
    expect(v.status).toBe(200);
  });

  it('import with an asset directory and deleteFromSource:false keeps the file; bad paths fail', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(importDir, 'staging'), { recursive: true });
    const file = join(importDir, 'staging', 'k.upack');
    await writeFile(file, await upack({ name: 'kept', version: '1.0.0' }));
    const post = (body: unknown) =>
      raw(sim.url, 'POST', '/upack/dev-feed/import', {
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ from: 'k.upack', assetDirectory: 'staging', deleteFromSource: false })).status).toBe(
      201,
    );
    expect(existsSync(file)).toBe(true);
    expect((await post({ from: '../../etc/passwd' })).status).toBe(400);
    expect((await post({ from: 'missing.upack' })).status).toBe(404);
    expect((await post({})).status).toBe(400);
  });

  it('GET /upack/dev-feed/search?query= and term= find packages', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/search?query=ast&count=10', { headers: VIEW });
    expect(r.status).toBe(200);
    expect(r.json<Obj[]>().map((p) => p.name)).toEqual(expect.arrayContaining(['ABLast', 'ast-common']));
    const t = await raw(sim.url, 'GET', '/upack/dev-feed/search?term=hdars', { headers: VIEW });
    expect(t.json<Obj[]>().map((p) => p.name)).toEqual(['HDARS']);
  });

  it('the endpoint prefix itself is not an endpoint', async () => {
    const r = await raw(sim.url, 'GET', '/upack/dev-feed', { headers: VIEW });
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/not the endpoint you are looking for/);
  });

  it('a universal endpoint on a NuGet feed is a 400; an inactive feed is a 404', async () => {
    expect((await raw(sim.url, 'GET', '/upack/nuget-feed/packages', { headers: VIEW })).status).toBe(400);
    expect((await raw(sim.url, 'GET', '/upack/old-feed/packages', { headers: VIEW })).status).toBe(404);
    expect((await raw(sim.url, 'GET', '/upack/no-such-feed/packages', { headers: VIEW })).status).toBe(404);
  });
});
