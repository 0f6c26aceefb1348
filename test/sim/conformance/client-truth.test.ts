// The client against the simulator as real servers behave (issue 11 §1, §2): every point checked on the
// wire through the simulator's request log, and every misdiagnosis class named by `subject`.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OVERWRITE_MESSAGE, ProGetClient, type ProGetError } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '../index.js';
import { upack } from '../testing.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'client-truth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<ProGetError> {
  try {
    await p;
  } catch (e) {
    return e as ProGetError;
  }
  throw new Error('expected a rejection');
}

const client = (sim: { url: string }, apiKey: string | undefined = 'demo-admin-key') =>
  new ProGetClient({ url: sim.url, apiKey, retries: 0 });

async function withSim<T>(options: SimulatorOptions, run: (sim: SimulatorHandle) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ seed: 'demo', ...options });
  try {
    return await run(sim);
  } finally {
    await sim.close();
  }
}

async function packageFile(manifest: Record<string, unknown>): Promise<string> {
  const path = join(
    dir,
    `${manifest.group ?? ''}-${manifest.name}-${manifest.version}-${Math.random()}.upack`.replace(/\//g, '_'),
  );
  await writeFile(path, await upack(manifest));
  return path;
}

describe('server headers as real servers send them', () => {
  it.each([
    ['2023', 'Free', 'lowercase', 'ProGet 2023.28 (Free)', '23.0.28.5'],
    ['2024', 'Basic', 'capitalized', 'ProGet 2024.39 (Basic)', '24.0.39.3'],
    ['2026', 'Enterprise', 'missing', 'ProGet 2026.12', '26.0.12.24'],
  ] as const)('%s / %s / edition %s → %s', async (versionMode, edition, editionHeader, display, header) => {
    await withSim({ versionMode, edition, editionHeader }, async (sim) => {
      const c = client(sim);
      await c.feeds.list();
      expect(c.server.display).toBe(display);
      expect(c.server.version).toMatchObject({ text: header, year: Number(versionMode) });
      expect(c.server.edition).toBe(editionHeader === 'missing' ? undefined : edition);
    });
  });
});

describe('health', () => {
  it('2026: asks ?format=json and gets the JSON; the plain /health would have been text', async () => {
    await withSim({ versionMode: '2026' }, async (sim) => {
      const h = await client(sim).health.instance();
      expect(h).toMatchObject({ healthy: true, releaseNumber: '2026.12' });
      expect(sim.requests().map((r) => r.url)).toEqual(['/health?format=json']);
    });
  });

  it('2026 unhealthy: a 500 with JSON is a result, not a failure', async () => {
    await withSim(
      { versionMode: '2026', health: { databaseStatus: 'Error', databaseStatusDetails: 'Login failed' } },
      async (sim) => {
        const h = await client(sim).health.instance();
        expect(h).toMatchObject({ healthy: false, databaseStatusDetails: 'Login failed' });
      },
    );
  });

  it('unlicensed: /health text "ERROR: Product license is not valid" becomes a licence error', async () => {
    await withSim({ unlicensed: true }, async (sim) => {
      const h = await client(sim).health.instance();
      expect(h).toEqual({
        healthy: false,
        licenseStatus: 'Error',
        licenseStatusDetail: 'Product license is not valid',
      });
      expect(sim.requests().map((r) => r.url)).toEqual(['/health?format=json', '/health/json']);
    });
  });

  describe('a server that ignores format=json', () => {
    let server: Server;
    let url: string;
    let json = true;
    const seen: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.url!);
        if (req.url === '/health/json' && json)
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"serviceStatus":"OK","databaseStatus":"OK","licenseStatus":"OK"}');
        else if (req.url === '/health/json') res.writeHead(404).end('Not Found');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('tries /health/json next', async () => {
      seen.length = 0;
      json = true;
      const h = await new ProGetClient({ url, retries: 0 }).health.instance();
      expect(h).toMatchObject({ healthy: true, serviceStatus: 'OK' });
      expect(seen).toEqual(['/health?format=json', '/health/json']);
    });

    it('then falls back to the text', async () => {
      seen.length = 0;
      json = false;
      expect(await new ProGetClient({ url, retries: 0 }).health.instance()).toEqual({ healthy: true });
      expect(seen).toEqual(['/health?format=json', '/health/json']);
    });
  });
});

describe('groups', () => {
  const twinSim = (versionMode: '2023' | '2024') =>
    startSimulator({
      seed: 'none',
      versionMode,
      feeds: [{ name: 'f', feedType: 'universal' }],
      apiKeys: [{ key: 'k', privileges: 'all' }],
    });

  it('the group is sent explicitly and a package of another group is not taken for the one asked', async () => {
    const sim = await twinSim('2023');
    try {
      const c = client(sim, 'k');
      await c.universal.upload('f', await packageFile({ group: 'h', name: 'lonely', version: '2.0.0' }));
      expect(await c.universal.getPackage('f', { name: 'lonely' })).toBeUndefined();
      expect(await c.universal.getVersion('f', { name: 'lonely', version: '2.0.0' })).toBeUndefined();
      expect(await c.packages.versions('f', { name: 'lonely' })).toEqual([]);
      expect(await c.universal.getPackage('f', { group: 'h', name: 'lonely' })).toMatchObject({ group: 'h' });
      const urls = sim.requests().map((r) => r.url);
      expect(urls).toContain('/upack/f/packages?group=&name=lonely');
      expect(urls).toContain('/upack/f/versions?group=&name=lonely&version=2.0.0');
      expect(urls).toContain('/api/packages/f/versions?group=&name=lonely');
    } finally {
      await sim.close();
    }
  });

  it('ProGet 2023: deleting an ungrouped package that has a grouped twin is refused, nothing deleted', async () => {
    const sim = await twinSim('2023');
    try {
      const c = client(sim, 'k');
      await c.universal.upload('f', await packageFile({ group: 'g', name: 'twin', version: '1.0.0' }));
      await c.universal.upload('f', await packageFile({ name: 'twin', version: '1.0.0' }));
      const error = await rejection(c.universal.delete('f', { name: 'twin', version: '1.0.0' }));
      expect(error.subject).toBe('package');
      expect(error.summary).toMatch(/Refusing to delete twin 1\.0\.0 .*g\/twin 1\.0\.0/);
      expect(sim.requests().filter((r) => r.url.includes('/delete/'))).toEqual([]);
      expect(await c.universal.getVersion('f', { group: 'g', name: 'twin', version: '1.0.0' })).toBeDefined();
      // A grouped delete names its group in the path and goes ahead.
      await c.universal.delete('f', { group: 'g', name: 'twin', version: '1.0.0' });
    } finally {
      await sim.close();
    }
  });

  it('ProGet 2024: the ungrouped delete goes ahead and the grouped twin stays', async () => {
    const sim = await twinSim('2024');
    try {
      const c = client(sim, 'k');
      await c.universal.upload('f', await packageFile({ group: 'g', name: 'twin', version: '1.0.0' }));
      await c.universal.upload('f', await packageFile({ name: 'twin', version: '1.0.0' }));
      await c.universal.delete('f', { name: 'twin', version: '1.0.0' });
      expect(await c.universal.getVersion('f', { name: 'twin', version: '1.0.0' })).toBeUndefined();
      expect(await c.universal.getVersion('f', { group: 'g', name: 'twin', version: '1.0.0' })).toBeDefined();
    } finally {
      await sim.close();
    }
  });
});

describe('overwrite refusal', () => {
  it.each([
    400, 403, 409,
  ] as const)('%s: one clear "version exists" error, from either upload endpoint', async (overwriteDeniedStatus) => {
    await withSim({ overwriteDeniedStatus }, async (sim) => {
      const c = client(sim, 'demo-publish-key');
      const file = await packageFile({ name: 'HDARS', version: '1.3.9' });
      for (const upload of [c.universal.upload.bind(c.universal), c.packages.upload.bind(c.packages)]) {
        const error = await rejection(upload('dev-feed', file));
        expect(error.status).toBe(overwriteDeniedStatus);
        expect(error.kind).toBe('conflict');
        expect(error.subject).toBe('version');
        expect(error.privilege).toBe('Feeds_OverwritePackage');
        expect(error.summary).toContain(`HDARS 1.3.9 to feed "dev-feed": ${OVERWRITE_MESSAGE}`);
      }
    });
  });

  it('a 403 for a new version stays a privilege error (the key lacks Add)', async () => {
    await withSim({}, async (sim) => {
      const error = await rejection(
        client(sim, 'demo-view-key').universal.upload(
          'dev-feed',
          await packageFile({ name: 'new-one', version: '1.0.0' }),
        ),
      );
      expect(error.kind).toBe('forbidden');
      expect(error.summary).not.toContain(OVERWRITE_MESSAGE);
    });
  });
});

describe('never a wrong diagnosis', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
  });
  afterAll(() => sim.close());

  it('feeds.require returns an existing universal feed', async () => {
    const feed = await client(sim).feeds.require('dev-feed', { type: 'universal' });
    expect(feed).toMatchObject({ name: 'dev-feed', feedType: 'universal', active: true });
  });

  it('a feed that does not exist: subject feed, and the feeds the key can see', async () => {
    const error = await rejection(client(sim).feeds.require('dev-fed', { type: 'universal' }));
    expect(error).toMatchObject({ kind: 'not-found', subject: 'feed' });
    expect(error.summary).toMatch(/^There is no feed named "dev-fed" on http:\/\/127\.0\.0\.1:\d+$/);
    expect(error.hint).toContain('dev-feed, approved-feed');
  });

  it('an inactive feed', async () => {
    const error = await rejection(client(sim).feeds.require('old-feed'));
    expect(error).toMatchObject({ subject: 'feed' });
    expect(error.summary).toMatch(/^Feed "old-feed" is disabled \(inactive\)/);
  });

  it('a feed that is not universal', async () => {
    const error = await rejection(client(sim).feeds.require('nuget-feed', { type: 'universal' }));
    expect(error).toMatchObject({ subject: 'feed', kind: 'bad-request' });
    expect(error.summary).toBe('Feed "nuget-feed" is a nuget feed, not a universal feed');
  });

  it('a wrong key is told apart from a key lacking one privilege (named)', async () => {
    const wrong = await rejection(client(sim, 'not-a-key').feeds.require('dev-feed'));
    expect(wrong).toMatchObject({ subject: 'key', kind: 'forbidden', privilege: undefined });
    expect(wrong.summary).toMatch(/^The API key was not accepted for feed "dev-feed"/);
    const scoped = await rejection(client(sim, 'demo-dev-feed-key').feeds.require('approved-feed'));
    expect(scoped).toMatchObject({ subject: 'key', privilege: 'Feeds_ViewFeed' });
    expect(scoped.summary).toBe('The API key lacks the Feeds_ViewFeed privilege on feed "approved-feed"');
    expect(scoped.hint).toContain('It can see: dev-feed');
    const none = await rejection(new ProGetClient({ url: sim.url, retries: 0 }).feeds.require('dev-feed'));
    expect(none).toMatchObject({ subject: 'key', kind: 'unauthorized' });
  });

  it('no key: the management API 403 is read as "needs an API key", not as a privilege problem', async () => {
    sim.requests();
    const error = await rejection(new ProGetClient({ url: sim.url, retries: 0 }).feeds.list());
    expect(error).toMatchObject({ kind: 'unauthorized', subject: 'key', status: 403 });
    expect(error.hint).toMatch(/requires an API key/);
    expect(sim.requests().at(-1)).toMatchObject({ url: '/api/management/feeds/list', status: 403 });
  });

  it('a missing package vs a missing version vs a missing feed, on download', async () => {
    const c = client(sim);
    const dest = join(dir, 'x.upack');
    const noPackage = await rejection(
      c.universal.download('dev-feed', { name: 'nope', version: '1.0.0' }, dest),
    );
    expect(noPackage).toMatchObject({ subject: 'package', status: 404 });
    expect(noPackage.summary).toMatch(/^Package nope was not found in feed "dev-feed" \(GET /);
    const noVersion = await rejection(
      c.universal.download('dev-feed', { name: 'HDARS', version: '9.9.9' }, dest),
    );
    expect(noVersion).toMatchObject({ subject: 'version', status: 404 });
    expect(noVersion.summary).toMatch(/^Version 9\.9\.9 of HDARS was not found in feed "dev-feed" \(GET /);
    expect(noVersion.hint).toContain('1.3.10');
    const noFeed = await rejection(
      c.universal.download('no-feed', { name: 'HDARS', version: '1.3.9' }, dest),
    );
    expect(noFeed).toMatchObject({ subject: 'feed', kind: 'not-found' });
  });

  it('findVersion: found, version absent, package absent; a missing feed is thrown', async () => {
    const c = client(sim);
    expect(await c.universal.findVersion('dev-feed', { name: 'HDARS', version: '1.3.9' })).toMatchObject({
      state: 'found',
      version: { version: '1.3.9' },
    });
    expect(await c.universal.findVersion('dev-feed', { name: 'HDARS', version: '2.0.0' })).toEqual({
      state: 'version-absent',
      versions: ['0.0.22', '1.3.7', '1.3.9', '1.3.10'],
    });
    expect(await c.universal.findVersion('dev-feed', { name: 'nope', version: '1.0.0' })).toEqual({
      state: 'package-absent',
    });
    expect(
      await rejection(c.universal.findVersion('gone', { name: 'HDARS', version: '1.3.9' })),
    ).toMatchObject({
      subject: 'feed',
    });
  });

  it('a wrong base path: not a ProGet API, and what was found', async () => {
    const error = await rejection(
      new ProGetClient({ url: `${sim.url}/proget`, apiKey: 'demo-admin-key', retries: 0 }).feeds.require(
        'dev-feed',
      ),
    );
    expect(error).toMatchObject({ subject: 'server' });
    expect(error.summary).toMatch(/does not look like a ProGet server: it answered with 404 Not Found/);
  });

  describe('an HTML page', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head></html>');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('says so, with the page title', async () => {
      const error = await rejection(
        new ProGetClient({ url, apiKey: 'secret-key-123', retries: 0 }).feeds.require('f'),
      );
      expect(error).toMatchObject({ subject: 'server', kind: 'invalid-response' });
      expect(error.summary).toBe(
        `${url} does not look like a ProGet server: it answered with an HTML page titled "Welcome to nginx!"`,
      );
      expect(error.message).not.toContain('secret-key-123');
    });
  });
});

describe('request Content-Types are bare (api-notes §7)', () => {
  it("JSON writes pass a server that refuses '; charset=' and none carries the directive", async () => {
    await withSim({ rejectCharsetContentType: true }, async (sim) => {
      const c = client(sim);
      await c.promotions.promote({
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
        name: 'HDARS',
        version: '1.3.9',
      });
      await c.deployments.record({
        application: 'a',
        description: 'd',
        target: 't',
        feed: 'dev-feed',
        name: 'HDARS',
        version: '1.3.9',
      });
      const posts = sim.requests().filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.headers['content-type'])).toEqual(['application/json', 'application/json']);
      expect(posts.every((r) => r.status === 200)).toBe(true);
    });
  });
});
