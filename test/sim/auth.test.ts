// api-notes §1: every way to pass a key, 401 vs 403, feed-scoped keys, pseudo-keys, and the request log.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_TEXT } from './auth.js';
import { type SimulatorHandle, startSimulator } from './index.js';
import { ADMIN, PROMOTE, PUBLISH, raw, upack, VIEW, zipBuffer } from './testing.js';

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('authentication and authorization', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  const endpoints = [
    ['GET', '/upack/dev-feed/packages'],
    ['GET', '/upack/dev-feed/versions?name=hdars'],
    ['GET', '/upack/dev-feed/download/hdars/1.3.9'],
    ['GET', '/api/packages/dev-feed/versions?name=HDARS'],
    ['GET', '/api/promotions/list'],
  ] as const;

  it.each(
    endpoints,
  )('%s %s: no key → 401 challenge, bad key → 403 text, good key → 200', async (method, path) => {
    const anon = await raw(sim.url, method, path);
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Basic realm="ProGet"');
    const bad = await raw(sim.url, method, path, { headers: { 'X-ApiKey': 'wrong-key' } });
    expect(bad.status).toBe(403);
    expect(bad.headers['content-type']).toMatch(/^text\/plain/);
    expect(bad.text).toBe(FORBIDDEN_TEXT);
    expect((await raw(sim.url, method, path, { headers: VIEW })).status).toBe(200);
  });

  it('/api/api-keys: no key or an unknown key → 403 without a challenge', async () => {
    for (const headers of [{}, { 'X-ApiKey': 'wrong-key' }, VIEW]) {
      const r = await raw(sim.url, 'GET', '/api/api-keys/list', { headers });
      expect(r.status).toBe(403);
      expect(r.headers['www-authenticate']).toBeUndefined();
    }
    expect((await raw(sim.url, 'GET', '/api/api-keys/list', { headers: ADMIN })).status).toBe(404);
  });

  it('management API: no key → 403 (no challenge), unknown key → 403, good key → 200', async () => {
    const path = '/api/management/feeds/get/dev-feed';
    const anon = await raw(sim.url, 'GET', path);
    expect(anon.status).toBe(403);
    expect(anon.headers['www-authenticate']).toBeUndefined();
    const bad = await raw(sim.url, 'GET', path, { headers: { 'X-ApiKey': 'wrong-key' } });
    expect(bad.status).toBe(403);
    expect(bad.text).toBe(FORBIDDEN_TEXT);
    expect((await raw(sim.url, 'GET', path, { headers: VIEW })).status).toBe(200);
  });

  it('an unknown key is Anonymous: it gets what Anonymous may do, and 403 (not 401) elsewhere', async () => {
    const open = await startSimulator({ seed: 'demo', anonymous: ['Feeds_ViewFeed'] });
    try {
      const unknown = { 'X-ApiKey': 'no-such-key' };
      expect((await raw(open.url, 'GET', '/upack/dev-feed/packages', { headers: unknown })).status).toBe(200);
      const dl = await raw(open.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: unknown });
      expect(dl.status).toBe(403);
      expect(dl.headers['www-authenticate']).toBeUndefined();
      // Basic api:KEY with an unknown key is the same; wrong user credentials are a 401.
      expect(
        (await raw(open.url, 'GET', '/upack/dev-feed/packages', { headers: basic('api', 'nope') })).status,
      ).toBe(200);
      const wrongUser = await raw(open.url, 'GET', '/upack/dev-feed/packages', {
        headers: basic('demo', 'nope'),
      });
      expect(wrongUser.status).toBe(401);
      expect(wrongUser.headers['www-authenticate']).toBe('Basic realm="ProGet"');
    } finally {
      await open.close();
    }
  });

  it('each way of passing a key works: header, query, Basic api:KEY, form key, JSON API_Key', async () => {
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: VIEW })).status).toBe(200);
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/packages?key=demo-view-key')).status).toBe(200);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: basic('api', 'demo-view-key') }))
        .status,
    ).toBe(200);
    const content = (await zipBuffer([{ name: 'f.txt', data: 'f' }])).toString('base64');
    const form = await raw(sim.url, 'POST', '/upack/dev-feed/upload', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        key: 'demo-publish-key',
        name: 'k',
        version: '1.0.0',
        'content-b64': content,
      }).toString(),
    });
    expect(form.status).toBe(201);
    const jsonBody = await raw(sim.url, 'POST', '/upack/dev-feed/upload', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        API_Key: 'demo-publish-key',
        name: 'k',
        version: '1.0.1',
        'content-b64': content,
      }),
    });
    expect(jsonBody.status).toBe(201);
    const v = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=k', { headers: VIEW });
    expect(v.json<{ versions: string[] }>().versions).toEqual(['1.0.0', '1.0.1']);
    // The key is not stored as package metadata.
    const meta = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=k&version=1.0.0', {
      headers: VIEW,
    });
    expect(meta.json()).not.toHaveProperty('key');
  });

  it('an under-privileged key is a 403 with the same text', async () => {
    const up = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...VIEW, 'Content-Type': 'application/zip' },
      body: await upack({ name: 'nope', version: '1.0.0' }),
    });
    expect(up.status).toBe(403);
    expect(up.text).toBe(FORBIDDEN_TEXT);
    const dl = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: PROMOTE });
    expect(dl.status).toBe(403);
    const del = await raw(sim.url, 'DELETE', '/upack/dev-feed/delete/hdars/1.3.9', { headers: PUBLISH });
    expect(del.status).toBe(403);
  });

  it('the feed list never fails on a bad key: it lists only viewable feeds', async () => {
    const bad = await raw(sim.url, 'GET', '/api/management/feeds/list', { headers: { 'X-ApiKey': 'wrong' } });
    expect(bad.status).toBe(200);
    expect(bad.json()).toEqual([]);
    const anon = await raw(sim.url, 'GET', '/api/management/feeds/list');
    expect(anon.status).toBe(403);
    const scoped = await raw(sim.url, 'GET', '/api/management/feeds/list', {
      headers: { 'X-ApiKey': 'demo-dev-feed-key' },
    });
    expect(scoped.json<{ name: string }[]>().map((f) => f.name)).toEqual(['dev-feed']);
  });

  it('a feed-scoped key works on its feed only', async () => {
    const k = { 'X-ApiKey': 'demo-dev-feed-key' };
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: k })).status).toBe(200);
    expect((await raw(sim.url, 'GET', '/upack/approved-feed/packages', { headers: k })).status).toBe(403);
    expect((await raw(sim.url, 'GET', '/api/packages/approved-feed', { headers: k })).status).toBe(403);
    const up = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...k, 'Content-Type': 'application/zip' },
      body: await upack({ name: 'scoped', version: '1.0.0' }),
    });
    expect(up.status).toBe(201);
    const other = await raw(sim.url, 'PUT', '/upack/approved-feed/upload', {
      headers: { ...k, 'Content-Type': 'application/zip' },
      body: await upack({ name: 'scoped', version: '1.0.0' }),
    });
    expect(other.status).toBe(403);
  });

  it('pseudo-keys: X-ApiKey user:password, ?key=user:password, and Basic user:password', async () => {
    expect(
      (
        await raw(sim.url, 'GET', '/upack/dev-feed/packages', {
          headers: { 'X-ApiKey': 'demo:demo-password' },
        })
      ).status,
    ).toBe(200);
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/packages?key=demo%3Ademo-password')).status).toBe(200);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: basic('demo', 'demo-password') }))
        .status,
    ).toBe(200);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: basic('demo', 'wrong') })).status,
    ).toBe(401);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: { 'X-ApiKey': 'demo:wrong' } }))
        .status,
    ).toBe(403);
    // The user lacks Delete.
    expect(
      (
        await raw(sim.url, 'DELETE', '/upack/dev-feed/delete/hdars/1.3.9', {
          headers: basic('demo', 'demo-password'),
        })
      ).status,
    ).toBe(403);
  });

  it('pseudo-keys can be disabled; Basic user:password still works then', async () => {
    const strict = await startSimulator({ seed: 'demo', pseudoKeys: false });
    try {
      expect(
        (
          await raw(strict.url, 'GET', '/upack/dev-feed/packages', {
            headers: { 'X-ApiKey': 'demo:demo-password' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await raw(strict.url, 'GET', '/upack/dev-feed/packages', {
            headers: basic('demo', 'demo-password'),
          })
        ).status,
      ).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('Anonymous privileges are configurable', async () => {
    const open = await startSimulator({ seed: 'demo', anonymous: ['Feeds_ViewFeed'] });
    try {
      expect((await raw(open.url, 'GET', '/upack/dev-feed/packages')).status).toBe(200);
      expect((await raw(open.url, 'GET', '/api/management/feeds/list')).json<unknown[]>()).toHaveLength(4);
      expect((await raw(open.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9')).status).toBe(401);
      expect((await raw(open.url, 'GET', '/upack/no-such-feed/packages')).status).toBe(404);
    } finally {
      await open.close();
    }
  });

  it('/health needs no key', async () => {
    expect((await raw(sim.url, 'GET', '/health')).status).toBe(200);
  });
});

describe('overwrite', () => {
  it('re-uploading a version needs Feeds_OverwritePackage; the denial status is configurable', async () => {
    for (const overwriteDeniedStatus of [403, 400, 409] as const) {
      const sim = await startSimulator({ seed: 'demo', overwriteDeniedStatus });
      try {
        const body = await upack({ name: 'HDARS', version: '1.3.9', title: 'new' });
        const denied = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
          body,
        });
        expect(denied.status).toBe(overwriteDeniedStatus);
        expect(denied.text).toMatch(/HDARS 1\.3\.9 already exists in feed dev-feed/);
        const replaced = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...ADMIN, 'Content-Type': 'application/zip' },
          body,
        });
        expect(replaced.status).toBe(201);
        const d = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: VIEW });
        expect(d.body.equals(body)).toBe(true);
        // Stored casing and download count survive the replacement.
        const v = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.9', {
          headers: VIEW,
        });
        expect(v.json()).toMatchObject({ name: 'HDARS', title: 'new', downloads: '2' });
      } finally {
        await sim.close();
      }
    }
  });

  it('an upload with different casing lands on the stored identity', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    try {
      const r = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
        headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
        body: await upack({ name: 'hdars', version: '2.0.0' }),
      });
      expect(r.status).toBe(201);
      const p = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=HDARS', { headers: VIEW });
      expect(p.json()).toMatchObject({ name: 'HDARS', latestVersion: '2.0.0' });
    } finally {
      await sim.close();
    }
  });
});

describe('request log', () => {
  it('records method, url as received, headers and status; control calls are not logged', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    try {
      await raw(sim.url, 'GET', '/upack/dev-feed/packages?key=demo-view-key&x=%2Fy', {
        headers: { 'X-Trace': 't1' },
      });
      await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: { 'X-ApiKey': 'bad' } });
      await raw(sim.url, 'GET', '/__sim/state');
      const log = sim.requests();
      expect(log.map((r) => [r.method, r.url, r.status])).toEqual([
        ['GET', '/upack/dev-feed/packages?key=demo-view-key&x=%2Fy', 200],
        ['GET', '/upack/dev-feed/packages', 403],
      ]);
      expect(log[0]!.headers['x-trace']).toBe('t1');
      expect(log[1]!.headers['x-apikey']).toBe('bad');
      expect(Number.isNaN(Date.parse(log[0]!.at))).toBe(false);
      const viaHttp = await raw(sim.url, 'GET', '/__sim/requests');
      expect(viaHttp.json<unknown[]>()).toHaveLength(2);
      expect((await raw(sim.url, 'POST', '/__sim/reset-log')).status).toBe(204);
      expect(sim.requests()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('GET /__sim/state describes feeds, packages, promotions and keys', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    try {
      const s = (await raw(sim.url, 'GET', '/__sim/state')).json<Record<string, unknown[]>>();
      expect(s.feeds).toHaveLength(4);
      expect(s.packages!.length).toBeGreaterThan(10);
      expect(s.promotions).toHaveLength(1);
      expect(s.apiKeys).toHaveLength(5);
    } finally {
      await sim.close();
    }
  });
});
