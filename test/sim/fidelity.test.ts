// Real servers' behaviour the notes were corrected on (api-notes §1, §6, §7): unlicensed servers, the
// `; charset=` refusal of 2022-era servers, ProGet 2023 ignoring a missing group, and the request log.

import { describe, expect, it } from 'vitest';
import { UNLICENSED_HEALTH_TEXT } from './health.js';
import { startSimulator } from './index.js';
import { ADMIN, raw, upack, VIEW } from './testing.js';

describe('an unlicensed server', () => {
  it('redirects every API call to /administration/licensing; /health is 500 text', async () => {
    const sim = await startSimulator({ seed: 'demo', unlicensed: true });
    try {
      for (const path of [
        '/upack/dev-feed/packages',
        '/api/packages/dev-feed/versions?name=HDARS',
        '/api/management/feeds/list',
        '/api/promotions/list',
      ]) {
        const r = await raw(sim.url, 'GET', path, { headers: ADMIN });
        expect(r.status, path).toBe(302);
        expect(r.headers.location).toBe('/administration/licensing');
      }
      const page = await raw(sim.url, 'GET', '/administration/licensing');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      // The Native API answers the HTML login page with 200.
      const native = await raw(sim.url, 'GET', '/api/json/Feeds_GetFeeds', { headers: ADMIN });
      expect(native.status).toBe(200);
      expect(native.text).toMatch(/<form/);
      for (const path of ['/health', '/health?format=json']) {
        const h = await raw(sim.url, 'GET', path);
        expect(h.status).toBe(500);
        expect(h.text).toBe(UNLICENSED_HEALTH_TEXT);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('request Content-Type with a charset directive', () => {
  const promote = (contentType: string) => ({
    headers: { ...ADMIN, 'Content-Type': contentType },
    body: JSON.stringify({
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      name: 'HDARS',
      version: '1.3.9',
    }),
  });

  it('is accepted by default, bare or with the directive', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    try {
      expect(
        (await raw(sim.url, 'POST', '/api/promotions/promote', promote('application/json'))).status,
      ).toBe(200);
      const withCharset = promote('application/json; charset=utf-8');
      expect((await raw(sim.url, 'POST', '/api/promotions/promote', withCharset)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('is refused with 400 by the rejectCharsetContentType option, as a 2022-era server did', async () => {
    const sim = await startSimulator({ seed: 'demo', rejectCharsetContentType: true });
    try {
      const refused = await raw(
        sim.url,
        'POST',
        '/api/promotions/promote',
        promote('application/json; charset=utf-8'),
      );
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/charset/);
      expect(
        (await raw(sim.url, 'POST', '/api/promotions/promote', promote('application/json'))).status,
      ).toBe(200);
      expect(sim.requests().map((r) => r.status)).toEqual([400, 200]);
    } finally {
      await sim.close();
    }
  });
});

describe('a missing group', () => {
  async function withTwin(versionMode: '2023' | '2024') {
    const sim = await startSimulator({
      seed: 'none',
      versionMode,
      feeds: [{ name: 'f', feedType: 'universal' }],
      apiKeys: [{ key: 'k', privileges: 'all' }],
    });
    const key = { 'X-ApiKey': 'k', 'Content-Type': 'application/zip' };
    // The grouped twin is stored first.
    for (const m of [
      { group: 'g', name: 'twin', version: '1.0.0' },
      { name: 'twin', version: '1.0.0' },
    ])
      expect(
        (await raw(sim.url, 'PUT', '/upack/f/upload', { headers: key, body: await upack(m) })).status,
      ).toBe(201);
    const only = await raw(sim.url, 'PUT', '/upack/f/upload', {
      headers: key,
      body: await upack({ group: 'h', name: 'lonely', version: '2.0.0' }),
    });
    expect(only.status).toBe(201);
    return sim;
  }

  it('ProGet 2023: a bare name matches any group, and a delete can remove the grouped twin', async () => {
    const sim = await withTwin('2023');
    const k = { 'X-ApiKey': 'k' };
    try {
      const p = await raw(sim.url, 'GET', '/upack/f/packages?name=lonely', { headers: k });
      expect(p.status).toBe(200);
      expect(p.json()).toMatchObject({ group: 'h', name: 'lonely' });
      // An explicit empty group is honoured.
      expect((await raw(sim.url, 'GET', '/upack/f/packages?group=&name=lonely', { headers: k })).status).toBe(
        404,
      );
      const del = await raw(sim.url, 'POST', '/upack/f/delete/twin/1.0.0', { headers: k });
      expect(del.status).toBe(200);
      const left = await raw(sim.url, 'GET', '/upack/f/versions?group=&name=twin', { headers: k });
      expect(left.json()).toHaveLength(1);
      const grouped = await raw(sim.url, 'GET', '/upack/f/versions?group=g&name=twin', { headers: k });
      expect(grouped.json()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('ProGet 2024+: a bare name means the empty group, for lookups and deletes', async () => {
    const sim = await withTwin('2024');
    const k = { 'X-ApiKey': 'k' };
    try {
      expect((await raw(sim.url, 'GET', '/upack/f/packages?name=lonely', { headers: k })).status).toBe(404);
      expect((await raw(sim.url, 'POST', '/upack/f/delete/twin/1.0.0', { headers: k })).status).toBe(200);
      const grouped = await raw(sim.url, 'GET', '/upack/f/versions?group=g&name=twin', { headers: k });
      expect(grouped.json()).toHaveLength(1);
      expect((await raw(sim.url, 'GET', '/upack/f/versions?name=twin', { headers: k })).json()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe('statuses', () => {
  it('uploads answer 201 on both upload endpoints', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    try {
      for (const path of ['/upack/dev-feed/upload', '/api/packages/dev-feed/upload']) {
        const body = await upack({ name: 'created', version: path.length.toString().concat('.0.0') });
        expect((await raw(sim.url, 'PUT', path, { headers: ADMIN, body })).status, path).toBe(201);
      }
      expect(sim.requests().map((r) => r.status)).toEqual([201, 201]);
      expect(
        (await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=created', { headers: VIEW })).status,
      ).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
