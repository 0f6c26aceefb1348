// promotions-query-api.txt examples and api-notes §2/§3 (promote).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { ADMIN, PROMOTE, PUBLISH, raw, upack, VIEW } from '../testing.js';

type Entry = {
  group?: string;
  package: string;
  packageType: string;
  version: string;
  promotions: {
    fromFeed: string;
    toFeed: string;
    date: string;
    user: string;
    comments: string;
    id: number;
  }[];
};

describe('Query Package Promotions', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('curl -X GET --header "X-ApiKey: ..." /api/promotions/list?package=...&version=... answers an array', async () => {
    const r = await raw(sim.url, 'GET', '/api/promotions/list?package=ABLast&version=2.2.1', {
      headers: VIEW,
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const list = r.json<Entry[]>();
    expect(list).toEqual([
      {
        group: 'initrode/vendors/abl',
        package: 'ABLast',
        packageType: 'upack',
        version: '2.2.1',
        promotions: [
          {
            fromFeed: 'dev-feed',
            toFeed: 'approved-feed',
            date: '2023-11-28T06:23:46.92Z',
            user: 'SYSTEM',
            comments: 'Approved for production use',
            id: 1,
          },
        ],
      },
    ]);
  });

  it('all filters together (the npm-style example shape) and case-insensitive matching', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/api/promotions/list?fromFeed=DEV-FEED&toFeed=approved-feed&group=Initrode/Vendors/ABL&package=ablast&version=2.2.1',
      { headers: VIEW },
    );
    expect(r.json<Entry[]>()).toHaveLength(1);
  });

  it('no match is 200 [] (the NuGet example with toFeed equal to fromFeed)', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/api/promotions/list?fromFeed=nuget-unapproved&toFeed=nuget-unapproved&package=myNugetPackage&version=1.2.3',
      { headers: VIEW },
    );
    expect(r.status).toBe(200);
    expect(r.json()).toEqual([]);
  });

  it('query key and Basic api:KEY work; no key is a 401 challenge; a bad key is a 403', async () => {
    expect((await raw(sim.url, 'GET', '/api/promotions/list?key=demo-view-key')).status).toBe(200);
    const basic = Buffer.from('api:demo-view-key').toString('base64');
    expect(
      (await raw(sim.url, 'GET', '/api/promotions/list', { headers: { Authorization: `Basic ${basic}` } }))
        .status,
    ).toBe(200);
    const anon = await raw(sim.url, 'GET', '/api/promotions/list');
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toMatch(/^Basic/);
    expect(
      (await raw(sim.url, 'GET', '/api/promotions/list', { headers: { 'X-ApiKey': 'nope' } })).status,
    ).toBe(403);
  });

  it('ProGet 2023 writes dates without a zone suffix (yyyy-MM-ddThh:mm:ss)', async () => {
    const old = await startSimulator({ seed: 'demo', versionMode: '2023' });
    try {
      const r = await raw(old.url, 'GET', '/api/promotions/list?package=ABLast', { headers: VIEW });
      expect(r.json<Entry[]>()[0]!.promotions[0]!.date).toBe('2023-11-28T06:23:46');
    } finally {
      await old.close();
    }
  });

  it('anonymous with Feeds_ViewFeed sees promotions without a key', async () => {
    const open = await startSimulator({ seed: 'demo', anonymous: ['Feeds_ViewFeed'] });
    try {
      const r = await raw(open.url, 'GET', '/api/promotions/list');
      expect(r.status).toBe(200);
      expect(r.json<Entry[]>()).toHaveLength(1);
    } finally {
      await open.close();
    }
  });
});

describe('Promote a package (api-notes §2)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  const promote = (body: unknown, headers: Record<string, string> = PROMOTE) =>
    raw(sim.url, 'POST', '/api/promotions/promote', {
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('copies the version to toFeed, keeps it in fromFeed, answers 200 with an empty body, records SYSTEM', async () => {
    const r = await promote({
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      name: 'HDARS',
      version: '1.3.9',
      comments: 'ok',
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    for (const feed of ['dev-feed', 'approved-feed']) {
      const v = await raw(sim.url, 'GET', `/upack/${feed}/versions?name=hdars&version=1.3.9`, {
        headers: VIEW,
      });
      expect(v.status).toBe(200);
    }
    const a = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: VIEW });
    const b = await raw(sim.url, 'GET', '/upack/approved-feed/download/hdars/1.3.9', { headers: VIEW });
    expect(a.body.equals(b.body)).toBe(true);
    const list = await raw(sim.url, 'GET', '/api/promotions/list?package=HDARS&version=1.3.9', {
      headers: VIEW,
    });
    const [entry] = list.json<Entry[]>();
    expect(entry).not.toHaveProperty('group');
    expect(entry!.promotions[0]).toMatchObject({
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      user: 'SYSTEM',
      comments: 'ok',
    });
    expect(Number.isNaN(Date.parse(entry!.promotions[0]!.date))).toBe(false);
  });

  it('accepts form bodies with packageName/groupName and the key as a form field', async () => {
    const form = new URLSearchParams({
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      packageName: 'var-index-service',
      groupName: 'virtudyne/simdesk',
      version: '5.2.1',
      key: 'demo-promote-key',
    });
    const r = await raw(sim.url, 'POST', '/api/promotions/promote', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(r.status).toBe(200);
    const v = await raw(
      sim.url,
      'GET',
      '/upack/approved-feed/versions?group=virtudyne/simdesk&name=var-index-service',
      {
        headers: VIEW,
      },
    );
    expect(v.json<{ version: string }[]>().map((x) => x.version)).toEqual(['5.2.1']);
  });

  it('JSON API_Key authenticates too; latest resolves to the absolute latest', async () => {
    const r = await promote(
      {
        API_Key: 'demo-promote-key',
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
        group: 'initrode/vendors-common',
        name: 'ast-common',
        version: 'latest',
      },
      {},
    );
    expect(r.status).toBe(200);
    const list = await raw(sim.url, 'GET', '/api/promotions/list?package=ast-common', { headers: VIEW });
    expect(list.json<Entry[]>()[0]!.version).toBe('2.1.0-rc.1');
  });

  it('rejects missing fields, unknown feeds and packages with 400 text', async () => {
    const missing = await promote({ fromFeed: 'dev-feed', name: 'HDARS' });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/toFeed, version/);
    expect(
      (await promote({ fromFeed: 'dev-feed', toFeed: 'nope', name: 'HDARS', version: '1.3.9' })).status,
    ).toBe(400);
    const gone = await promote({
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      name: 'HDARS',
      version: '9.9.9',
    });
    expect(gone.status).toBe(400);
    expect(gone.text).toMatch(/not found/);
  });

  it('feeds of different types cannot promote to each other; promotionTarget is enforced', async () => {
    const admin = await startSimulator({
      seed: 'demo',
      feeds: [{ name: 'other-universal', feedType: 'universal' }],
    });
    try {
      const post = (body: unknown) =>
        raw(admin.url, 'POST', '/api/promotions/promote', {
          headers: { ...ADMIN, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const types = await post({
        fromFeed: 'nuget-feed',
        toFeed: 'dev-feed',
        name: 'Newtonsoft.Json',
        version: '13.0.2',
      });
      expect(types.status).toBe(400);
      expect(types.text).toMatch(/same feed type/);
      const target = await post({
        fromFeed: 'dev-feed',
        toFeed: 'other-universal',
        name: 'HDARS',
        version: '1.3.9',
      });
      expect(target.status).toBe(400);
      expect(target.text).toMatch(/can only be promoted to approved-feed/);
    } finally {
      await admin.close();
    }
  });

  it('a key without Promote is a 403; no key is a 401', async () => {
    const body = { fromFeed: 'dev-feed', toFeed: 'approved-feed', name: 'HDARS', version: '1.3.10' };
    const r = await promote(body, PUBLISH);
    expect(r.status).toBe(403);
    expect(r.text).toBe('The specified API key does not have the proper permissions to perform this action.');
    expect((await promote(body, {})).status).toBe(401);
  });

  it('the Free edition refuses promotion through the API', async () => {
    const free = await startSimulator({ seed: 'demo', edition: 'Free' });
    try {
      const r = await raw(free.url, 'POST', '/api/promotions/promote', {
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          fromFeed: 'dev-feed',
          toFeed: 'approved-feed',
          name: 'HDARS',
          version: '1.3.10',
        }),
      });
      expect(r.status).toBe(403);
      expect(r.text).toMatch(/paid edition/);
      expect(r.headers['x-proget-edition']).toBe('free');
    } finally {
      await free.close();
    }
  });

  it('promoting a freshly uploaded package works end to end', async () => {
    const up = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...ADMIN, 'Content-Type': 'application/zip' },
      body: await upack({ name: 'fresh', version: '0.1.0' }),
    });
    expect(up.status).toBe(201);
    expect(
      (await promote({ fromFeed: 'dev-feed', toFeed: 'approved-feed', name: 'fresh', version: '0.1.0' }))
        .status,
    ).toBe(200);
    const v = await raw(sim.url, 'GET', '/api/packages/approved-feed/versions?name=fresh', { headers: VIEW });
    expect(v.json<unknown[]>()).toHaveLength(1);
  });
});
