// Disk storage: restart keeps data, concurrent uploads, the same-version race, interrupted and streamed uploads.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import archiver from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from './index.js';
import { ADMIN, PROMOTE, PUBLISH, raw, upack, VIEW } from './testing.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sim-storage-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('a restart with the same data directory keeps packages, downloads, promotions and deployments', async () => {
    let sim = await startSimulator({ seed: 'demo', dataDir });
    const body = await upack({ name: 'persist', version: '1.0.0', _commit: 'abc' }, { 'a.txt': 'persisted' });
    expect(
      (
        await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
          body,
        })
      ).status,
    ).toBe(201);
    await raw(sim.url, 'GET', '/upack/dev-feed/download/persist/1.0.0', { headers: VIEW });
    await raw(sim.url, 'POST', '/api/promotions/promote', {
      headers: { ...PROMOTE, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
        name: 'persist',
        version: '1.0.0',
      }),
    });
    await raw(sim.url, 'POST', '/api/package-deployment/', {
      headers: { ...VIEW, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Application: 'a',
        Description: 'd',
        Target: 't',
        FeedName: 'dev-feed',
        PackageName: 'persist',
        Version: '1.0.0',
      }),
    });
    await raw(sim.url, 'DELETE', '/upack/dev-feed/delete/hdars/0.0.22', { headers: ADMIN });
    const versionsBefore = (await raw(sim.url, 'GET', '/upack/dev-feed/versions', { headers: VIEW })).json<
      unknown[]
    >();
    await sim.close();
    expect(JSON.parse(await readFile(join(dataDir, 'index.json'), 'utf8')).packages.length).toBeGreaterThan(
      10,
    );

    sim = await startSimulator({ seed: 'demo', dataDir });
    try {
      const d = await raw(sim.url, 'GET', '/upack/dev-feed/download/persist/1.0.0', { headers: VIEW });
      expect(d.body.equals(body)).toBe(true);
      const v = await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=persist&version=1.0.0', {
        headers: VIEW,
      });
      expect(v.json()).toMatchObject({ _commit: 'abc', downloads: '2' });
      expect(
        (
          await raw(sim.url, 'GET', '/upack/approved-feed/versions?name=persist&version=1.0.0', {
            headers: VIEW,
          })
        ).status,
      ).toBe(200);
      const promos = await raw(sim.url, 'GET', '/api/promotions/list?package=persist', { headers: VIEW });
      expect(promos.json<unknown[]>()).toHaveLength(1);
      expect(sim.deployments().map((x) => x.packageName)).toEqual(['persist']);
      // The seed is not applied twice, and the delete stuck.
      const versionsAfter = (await raw(sim.url, 'GET', '/upack/dev-feed/versions', { headers: VIEW })).json<
        unknown[]
      >();
      expect(versionsAfter).toHaveLength(versionsBefore.length);
      expect(
        (await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=0.0.22', { headers: VIEW }))
          .status,
      ).toBe(404);
    } finally {
      await sim.close();
    }
  });

  it('package files are .upack files under packages/ and a deleted package leaves no file', async () => {
    const sim = await startSimulator({
      dataDir,
      feeds: [{ name: 'f', feedType: 'universal' }],
      apiKeys: [{ key: 'k', privileges: 'all' }],
    });
    try {
      await raw(sim.url, 'PUT', '/upack/f/upload', {
        headers: { 'X-ApiKey': 'k', 'Content-Type': 'application/zip' },
        body: await upack({ name: 'one', version: '1.0.0' }),
      });
      expect((await readdir(join(dataDir, 'packages'))).filter((f) => f.endsWith('.upack'))).toHaveLength(1);
      await raw(sim.url, 'DELETE', '/upack/f/delete/one/1.0.0', { headers: { 'X-ApiKey': 'k' } });
      expect(await readdir(join(dataDir, 'packages'))).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('a temporary data directory is removed on close', async () => {
    const sim = await startSimulator({ seed: 'demo' });
    const dir = sim.dataDir;
    await sim.close();
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('starts with the demo seed in well under a second (best of three fresh starts)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const sim = await startSimulator({ seed: 'demo' });
      times.push(performance.now() - t);
      await sim.close();
    }
    expect(Math.min(...times)).toBeLessThan(1000);
  });
});

describe('concurrency', () => {
  let sim: SimulatorHandle;
  beforeEach(async () => {
    sim = await startSimulator({ seed: 'demo', dataDir });
  });
  afterEach(() => sim.close());

  it('concurrent uploads of different packages all land', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 25 }, (_, i) => upack({ name: `c${i}`, version: `1.0.${i}` })),
    );
    const results = await Promise.all(
      bodies.map((body) =>
        raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
          body,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(201));
    const list = (await raw(sim.url, 'GET', '/upack/dev-feed/packages?group=', { headers: VIEW })).json<
      { name: string }[]
    >();
    for (let i = 0; i < 25; i++) expect(list.map((p) => p.name)).toContain(`c${i}`);
    const index = JSON.parse(await readFile(join(dataDir, 'index.json'), 'utf8'));
    expect(index.packages.filter((p: { name: string }) => /^c\d+$/.test(p.name))).toHaveLength(25);
  });

  it('concurrent uploads of the same new version without Overwrite: exactly one wins, byte-identical', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        upack({ name: 'race', version: '1.0.0', title: `attempt ${i}` }, { 'f.txt': 'x'.repeat(i * 1000) }),
      ),
    );
    const results = await Promise.all(
      bodies.map((body) =>
        raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
          body,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 403)).toHaveLength(11);
    for (const r of results.filter((x) => x.status === 403)) expect(r.text).toMatch(/already exists/);
    const stored = await raw(sim.url, 'GET', '/upack/dev-feed/download/race/1.0.0', { headers: VIEW });
    const winner = statuses.indexOf(201);
    expect(stored.body.equals(bodies[winner]!)).toBe(true);
    const versions = await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=race', {
      headers: VIEW,
    });
    expect(versions.json<unknown[]>()).toHaveLength(1);
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('with Overwrite, concurrent uploads of one version serialize and one complete attempt is stored', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upack({ name: 'race2', version: '1.0.0', title: `attempt ${i}` })),
    );
    const results = await Promise.all(
      bodies.map((body) =>
        raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...ADMIN, 'Content-Type': 'application/zip' },
          body,
        }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const stored = await raw(sim.url, 'GET', '/upack/dev-feed/download/race2/1.0.0', { headers: VIEW });
    expect(bodies.filter((b) => b.equals(stored.body))).toHaveLength(1);
    expect((await readdir(join(dataDir, 'packages'))).length).toBe(
      JSON.parse(await readFile(join(dataDir, 'index.json'), 'utf8')).packages.length,
    );
  });

  it('an upload interrupted by the client stores nothing and leaves no temp file', async () => {
    const body = await upack({ name: 'interrupted', version: '1.0.0' }, { 'big.bin': 'z'.repeat(200_000) });
    const url = new URL(sim.url);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: '/upack/dev-feed/upload',
        headers: { ...PUBLISH, 'Content-Type': 'application/zip', 'Content-Length': body.length * 10 },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 1000), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
    });
    await sleep(100);
    const v = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=interrupted', { headers: VIEW });
    expect(v.status).toBe(404);
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
    expect(sim.requests().find((r) => r.url === '/upack/dev-feed/upload')?.status).toBe(0);
  });

  it('a large chunked upload streams to disk and hashes match (32 MiB, no Content-Length)', async () => {
    const size = 32 * 1024 * 1024;
    const url = new URL(sim.url);
    const sha1 = createHash('sha1');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: '/upack/dev-feed/upload',
          headers: { ...PUBLISH, 'Content-Type': 'application/zip', 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      const archive = archiver('zip', { store: true });
      archive.on('data', (c: Buffer) => sha1.update(c));
      archive.pipe(req);
      archive.append(JSON.stringify({ name: 'large', version: '1.0.0' }), { name: 'upack.json' });
      const block = Buffer.alloc(1024 * 1024, 7);
      archive.append(
        Readable.from(
          (function* () {
            for (let i = 0; i < size / block.length; i++) yield block;
          })(),
        ),
        { name: 'package/large.bin' },
      );
      void archive.finalize();
    });
    expect(status).toBe(201);
    const [info] = (
      await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=large', { headers: VIEW })
    ).json<{ sha1: string; size: number }[]>();
    expect(info!.sha1).toBe(sha1.digest('hex'));
    expect(info!.size).toBeGreaterThan(size);
    const files = await raw(
      sim.url,
      'GET',
      '/upack/dev-feed/versions?name=large&version=1.0.0&includeFileList=true',
      {
        headers: VIEW,
      },
    );
    expect(files.json<{ fileList: unknown[] }>().fileList).toEqual([
      expect.objectContaining({ name: 'large.bin', size }),
    ]);
  });
});

describe('downloads that the client abandons', () => {
  it('close the package file and the zip (no file descriptor leak)', async () => {
    const { randomBytes } = await import('node:crypto');
    const sim = await startSimulator({ seed: 'demo', dataDir });
    try {
      const body = await upack(
        { name: 'big', version: '1.0.0' },
        { 'noise.bin': randomBytes(6 * 1024 * 1024).toString('base64') },
      );
      await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
        headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
        body,
      });
      const openFds = async () => (await readdir('/proc/self/fd')).length;
      const abandon = (path: string) =>
        new Promise<void>((resolve, reject) => {
          const url = new URL(sim.url);
          const req = request(
            { host: url.hostname, port: url.port, path, headers: VIEW, agent: false },
            (res) => {
              res.once('data', () => {
                req.destroy();
                resolve();
              });
            },
          );
          req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
          req.end();
        });
      // Warm up lazily opened handles before counting.
      await abandon('/upack/dev-feed/download/big/1.0.0');
      await sleep(100);
      const before = await openFds();
      for (let i = 0; i < 5; i++) {
        await abandon('/upack/dev-feed/download/big/1.0.0');
        await abandon('/upack/dev-feed/download/big/1.0.0?contentOnly=tgz');
        await abandon('/upack/dev-feed/download-file/big/1.0.0?path=package/noise.bin');
      }
      await sleep(300);
      expect(await openFds()).toBeLessThanOrEqual(before + 1);
    } finally {
      await sim.close();
    }
  });
});

describe('Expect: 100-continue', () => {
  it('a refused upload is answered before the body is sent; an accepted one gets 100 Continue first', async () => {
    const sim = await startSimulator({ seed: 'demo', dataDir });
    try {
      const body = await upack({ name: 'expect', version: '1.0.0' });
      const send = (key: string) =>
        new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
          const url = new URL(sim.url);
          let continued = false;
          const req = request(
            {
              host: url.hostname,
              port: url.port,
              method: 'PUT',
              path: '/upack/dev-feed/upload',
              agent: false,
              headers: {
                'X-ApiKey': key,
                'Content-Type': 'application/zip',
                'Content-Length': body.length,
                Expect: '100-continue',
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
            },
          );
          req.on('continue', () => {
            continued = true;
            req.end(body);
          });
          req.on('error', reject);
          req.flushHeaders();
        });
      expect(await send('wrong')).toEqual({ status: 403, continued: false });
      expect(await send('demo-publish-key')).toEqual({ status: 201, continued: true });
    } finally {
      await sim.close();
    }
  });
});
