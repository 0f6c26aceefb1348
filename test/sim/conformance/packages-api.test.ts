// api-notes §4–§6: the Packages API, feed management and /health.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { ADMIN, PUBLISH, raw, upack, VIEW, zipBuffer } from '../testing.js';

type Info = Record<string, unknown>;

describe('Packages API', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /api/packages/{feed} is a cheap probe', async () => {
    const r = await raw(sim.url, 'GET', '/api/packages/dev-feed', { headers: VIEW });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ id: 1, name: 'dev-feed', feedType: 'universal', packageType: 'upack' });
    const n = await raw(sim.url, 'GET', '/api/packages/NUGET-FEED', { headers: VIEW });
    expect(n.json()).toEqual({ id: 4, name: 'nuget-feed', feedType: 'nuget', packageType: 'nuget' });
    expect((await raw(sim.url, 'GET', '/api/packages/nope', { headers: VIEW })).status).toBe(404);
    expect(
      (await raw(sim.url, 'GET', '/api/packages/dev-feed', { headers: { 'X-ApiKey': 'bad' } })).status,
    ).toBe(403);
  });

  it('versions returns PackageVersionInfo with purl, hashes, size, published and numeric downloads', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/api/packages/dev-feed/versions?group=initrode/vendors/abl&name=ABLast',
      {
        headers: VIEW,
      },
    );
    const [info] = r.json<Info[]>();
    expect(info).toMatchObject({
      purl: 'pkg:universal/initrode/vendors/abl/ABLast@2.2.1',
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      version: '2.2.1',
      downloads: 55,
      totalDownloads: 55,
      listed: true,
      deprecated: false,
    });
    expect(info!.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(info!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info!.sha512).toMatch(/^[0-9a-f]{128}$/);
    expect(info!.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.isNaN(Date.parse(String(info!.published)))).toBe(false);
    const none = await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=nothing', { headers: VIEW });
    expect(none.json()).toEqual([]);
  });

  it('latest: one entry per package; stableOnly skips prereleases', async () => {
    const all = await raw(sim.url, 'GET', '/api/packages/dev-feed/latest', { headers: VIEW });
    const names = all.json<Info[]>().map((i) => `${i.name}@${i.version}`);
    expect(names).toEqual(
      expect.arrayContaining(['HDARS@1.3.10', 'ast-common@2.1.0-rc.1', 'var-index-service@5.3.10']),
    );
    const stable = await raw(
      sim.url,
      'GET',
      '/api/packages/dev-feed/latest?group=initrode/vendors-common&name=ast-common&stableOnly=true',
      { headers: VIEW },
    );
    expect(stable.json<Info[]>().map((i) => i.version)).toEqual(['2.0.0']);
  });

  it('download with latest-stable, latest-unstable and an exact version', async () => {
    const dl = (v: string) =>
      raw(
        sim.url,
        'GET',
        `/api/packages/dev-feed/download?group=initrode/vendors-common&name=ast-common&version=${v}`,
        {
          headers: VIEW,
        },
      );
    expect((await dl('latest-stable')).headers['content-disposition']).toBe(
      'attachment; filename=ast-common.2.0.0.upack',
    );
    expect((await dl('latest')).headers['content-disposition']).toBe(
      'attachment; filename=ast-common.2.0.0.upack',
    );
    expect((await dl('latest-unstable')).headers['content-disposition']).toBe(
      'attachment; filename=ast-common.2.1.0-rc.1.upack',
    );
    const exact = await dl('2.0.0');
    const info = await raw(
      sim.url,
      'GET',
      '/api/packages/dev-feed/versions?group=initrode/vendors-common&name=ast-common&version=2.0.0',
      { headers: VIEW },
    );
    expect(createHash('sha1').update(exact.body).digest('hex')).toBe(info.json<Info[]>()[0]!.sha1);
    expect((await dl('9.0.0')).status).toBe(404);
  });

  it('upload (PUT raw) answers 201; a second upload of the same version needs Overwrite', async () => {
    const body = await upack({ name: 'api-up', version: '1.0.0' });
    const r = await raw(sim.url, 'PUT', '/api/packages/dev-feed/upload', { headers: PUBLISH, body });
    expect(r.status).toBe(201);
    const again = await raw(sim.url, 'PUT', '/api/packages/dev-feed/upload', {
      headers: PUBLISH,
      body: await upack({ name: 'api-up', version: '1.0.0', title: 'changed' }),
    });
    expect(again.status).toBe(403);
    expect(again.text).toMatch(/already exists/);
    const over = await raw(sim.url, 'PUT', '/api/packages/dev-feed/upload', {
      headers: ADMIN,
      body: await upack({ name: 'api-up', version: '1.0.0', title: 'changed' }),
    });
    expect(over.status).toBe(201);
    const v = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=api-up&version=1.0.0', {
      headers: VIEW,
    });
    expect(v.json<Info>().title).toBe('changed');
    const bad = await raw(sim.url, 'PUT', '/api/packages/dev-feed/upload', {
      headers: PUBLISH,
      body: await zipBuffer([{ name: 'x.txt', data: 'x' }]),
    });
    expect(bad.status).toBe(400);
  });

  it('NuGet: versions, download as .nupkg, upload of a .nupkg', async () => {
    const v = await raw(sim.url, 'GET', '/api/packages/nuget-feed/versions?name=newtonsoft.json', {
      headers: VIEW,
    });
    const list = v.json<Info[]>();
    expect(list.map((i) => i.version)).toEqual(['13.0.2', '13.0.3']);
    expect(list[0]!.purl).toBe('pkg:nuget/Newtonsoft.Json@13.0.2');
    expect(list[0]).not.toHaveProperty('group');
    const d = await raw(
      sim.url,
      'GET',
      '/api/packages/nuget-feed/download?name=Newtonsoft.Json&version=latest',
      {
        headers: VIEW,
      },
    );
    expect(d.headers['content-disposition']).toBe('attachment; filename=Newtonsoft.Json.13.0.3.nupkg');
    const nupkg = await zipBuffer([
      {
        name: 'My.Lib.nuspec',
        data: '<package><metadata><id>My.Lib</id><version>1.0.0</version></metadata></package>',
      },
    ]);
    expect(
      (await raw(sim.url, 'PUT', '/api/packages/nuget-feed/upload', { headers: PUBLISH, body: nupkg }))
        .status,
    ).toBe(201);
    const mine = await raw(sim.url, 'GET', '/api/packages/nuget-feed/versions?name=My.Lib', {
      headers: VIEW,
    });
    expect(mine.json<Info[]>()).toHaveLength(1);
  });

  it('delete (POST) is 200 then 404; needs Feeds_DeletePackage', async () => {
    const path = '/api/packages/dev-feed/delete?group=virtudyne/simdesk&name=var-index-service&version=5.2.1';
    expect((await raw(sim.url, 'POST', path, { headers: PUBLISH })).status).toBe(403);
    expect((await raw(sim.url, 'POST', path, { headers: ADMIN })).status).toBe(200);
    expect((await raw(sim.url, 'POST', path, { headers: ADMIN })).status).toBe(404);
  });
});

describe('Feed management', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('GET /api/management/feeds/list returns feed objects with the documented fields', async () => {
    const r = await raw(sim.url, 'GET', '/api/management/feeds/list', { headers: VIEW });
    expect(r.status).toBe(200);
    const feeds = r.json<Record<string, unknown>[]>();
    expect(feeds.map((f) => f.name)).toEqual(['dev-feed', 'approved-feed', 'old-feed', 'nuget-feed']);
    expect(feeds[0]).toEqual({
      name: 'dev-feed',
      alternateNames: [],
      feedType: 'universal',
      description: 'Development builds',
      active: true,
      connectors: [],
      endpointUrl: `${sim.url}/upack/dev-feed/`,
      canPublish: true,
      deploymentRecordsEnabled: true,
      vulnerabilitiesEnabled: false,
      packageStatisticsEnabled: true,
      retentionRules: [],
    });
    expect(feeds[2]).toMatchObject({ name: 'old-feed', active: false });
    expect(feeds[3]).toMatchObject({ feedType: 'nuget', connectors: ['nuget.org'] });
  });

  it('a bad key gets [] from the list, a 403 from get; an unknown feed is a 404', async () => {
    const bad = { 'X-ApiKey': 'not-a-key' };
    const list = await raw(sim.url, 'GET', '/api/management/feeds/list', { headers: bad });
    expect(list.status).toBe(200);
    expect(list.json()).toEqual([]);
    expect((await raw(sim.url, 'GET', '/api/management/feeds/get/dev-feed', { headers: bad })).status).toBe(
      403,
    );
    const one = await raw(sim.url, 'GET', '/api/management/feeds/get/DEV-FEED', { headers: VIEW });
    expect(one.json()).toMatchObject({ name: 'dev-feed', feedType: 'universal' });
    expect((await raw(sim.url, 'GET', '/api/management/feeds/get/nope', { headers: VIEW })).status).toBe(404);
  });
});

describe('/health', () => {
  it('2023 and 2024 answer JSON; 2026 answers text OK unless format=json', async () => {
    for (const versionMode of ['2023', '2024'] as const) {
      const sim = await startSimulator({ versionMode });
      try {
        const r = await raw(sim.url, 'GET', '/health');
        expect(r.status).toBe(200);
        expect(r.json()).toMatchObject({
          applicationName: 'ProGet',
          versionNumber: versionMode === '2023' ? '2023.28 (Build 5)' : '2024.39 (Build 3)',
          databaseStatus: 'OK',
          licenseStatus: 'OK',
          serviceStatus: 'OK',
        });
        const body = r.json<Record<string, unknown>>();
        for (const k of [
          'releaseNumber',
          'extensionsInstalled',
          'databaseStatusDetails',
          'licenseStatusDetail',
          'serviceStatusDetail',
          'replicationStatus',
        ])
          expect(body).toHaveProperty(k);
      } finally {
        await sim.close();
      }
    }
    const sim = await startSimulator({ versionMode: '2026' });
    try {
      const t = await raw(sim.url, 'GET', '/health');
      expect(t.status).toBe(200);
      expect(t.headers['content-type']).toMatch(/^text\/plain/);
      expect(t.text).toBe('OK');
      const j = await raw(sim.url, 'GET', '/health?format=json');
      expect(j.json()).toMatchObject({ versionNumber: '2026.12', releaseNumber: '2026.12' });
      const h = await raw(sim.url, 'GET', '/health/json');
      expect(h.headers['content-type']).toMatch(/^application\/json/);
      expect(h.json()).toMatchObject({ releaseNumber: '2026.12', databaseStatus: 'OK' });
    } finally {
      await sim.close();
    }
    // /health/json arrived with ProGet 2026.
    const old = await startSimulator({ versionMode: '2024' });
    try {
      expect((await raw(old.url, 'GET', '/health/json')).status).toBe(404);
    } finally {
      await old.close();
    }
  });

  it('an Error status: 200 JSON in 2023, HTTP 500 with the JSON since 2024; 2026 plain /health says it as text', async () => {
    const expected = { '2023': 200, '2024': 500, '2026': 500 } as const;
    for (const versionMode of ['2023', '2024', '2026'] as const) {
      const sim = await startSimulator({
        versionMode,
        health: { databaseStatus: 'Error', databaseStatusDetails: 'Login failed' },
      });
      try {
        const r = await raw(sim.url, 'GET', versionMode === '2026' ? '/health?format=json' : '/health');
        expect(r.status).toBe(expected[versionMode]);
        expect(r.json()).toMatchObject({ databaseStatus: 'Error', databaseStatusDetails: 'Login failed' });
        if (versionMode === '2026') {
          const t = await raw(sim.url, 'GET', '/health');
          expect(t.status).toBe(500);
          expect(t.headers['content-type']).toMatch(/^text\/plain/);
          expect(t.text).toBe('ERROR: Login failed');
        }
      } finally {
        await sim.close();
      }
    }
  });

  it('health changes at run time (setHealth and POST /__sim/health)', async () => {
    const sim = await startSimulator({ versionMode: '2024' });
    try {
      sim.setHealth({ serviceStatus: 'Error', serviceStatusDetail: 'Service stopped' });
      expect((await raw(sim.url, 'GET', '/health')).status).toBe(500);
      await raw(sim.url, 'POST', '/__sim/health', {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ serviceStatus: 'OK', serviceStatusDetail: null }),
      });
      expect((await raw(sim.url, 'GET', '/health')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
