// Issue 11 §3 through the real bundles: each step logs one banner line (server, version, edition) from the
// headers of its first response, and a failure the server or the key explains gets the doctor finding.

import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-view-key';
const BANNER = /^ProGet (\S+) · (.+) · (.+)$/gm;

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo', edition: 'Basic', versionMode: '2026' });
});
afterAll(async () => {
  await sim?.close();
});

function banners(stdout: string): string[][] {
  return [...stdout.matchAll(BANNER)].map((m) => [m[1]!, m[2]!, m[3]!]);
}

/** A port with nothing listening: opened, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('server banner', () => {
  it('promote-check logs one banner line before its result, with no extra request', async () => {
    const before = sim.requests().length;
    const run = await runAction('promote-check', {
      inputs: {
        server: sim.url,
        'api-key': KEY,
        'to-feed': 'approved-feed',
        packages: 'initrode/vendors/abl/ABLast@2.2.1',
      },
    });
    expect(run.exitCode).toBe(0);
    const lines = banners(run.stdout);
    expect(lines).toHaveLength(1);
    const [url, version, edition] = lines[0]!;
    expect(url).toBe(sim.url);
    expect(version).toMatch(/^2026\.\d+$/);
    expect(edition).toBe('Basic');
    expect(run.stdout.indexOf('ProGet http')).toBeLessThan(run.stdout.indexOf('All 1 package versions'));
    // The banner is read from the step's own responses: no health or doctor request on success.
    const paths = sim
      .requests()
      .slice(before)
      .map((r) => r.url);
    expect(paths.filter((p) => p.startsWith('/health'))).toEqual([]);
    expectSecretsKept(run, [KEY], sim);
  });

  it('deploy-record logs it too', async () => {
    const run = await runAction('deploy-record', {
      inputs: {
        server: sim.url,
        'api-key': 'demo-admin-key',
        feed: 'approved-feed',
        group: 'initrode/vendors/abl',
        package: 'ABLast',
        version: '2.2.1',
        target: 'prod',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(banners(run.stdout)).toEqual([[sim.url, expect.stringMatching(/^2026\./), 'Basic']]);
  });

  it('publish logs it too, once', async () => {
    const workspace = join(sim.dataDir, 'ws-banner');
    await mkdir(join(workspace, 'app'), { recursive: true });
    await writeFile(join(workspace, 'app', 'README.md'), '# app\n');
    const run = await runAction('publish', {
      inputs: {
        server: sim.url,
        'api-key': 'demo-publish-key',
        feed: 'dev-feed',
        path: 'app',
        name: 'banner-app',
        version: '1.0.0',
      },
      workspace,
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(banners(run.stdout)).toEqual([[sim.url, expect.stringMatching(/^2026\./), 'Basic']]);
  });

  it('no banner when bad input stops the step before any request', async () => {
    const run = await runAction('promote-check', {
      inputs: { server: sim.url, 'api-key': KEY, 'to-feed': 'approved-feed' },
    });
    expect(run.exitCode).toBe(1);
    expect(banners(run.stdout)).toEqual([]);
  });

  it('a wrong key: the failure carries the doctor finding about the key', async () => {
    const secret = 'not-a-real-key-7f3a9c';
    const run = await runAction('deploy-record', {
      inputs: {
        server: sim.url,
        'api-key': secret,
        feed: 'approved-feed',
        package: 'ABLast',
        group: 'initrode/vendors/abl',
        version: '2.2.1',
        target: 'prod',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/\nServer check: .*key/i);
    expect(run.summary).toMatch(/Server check: .*key/i);
    expect(banners(run.stdout)).toHaveLength(1);
    expectNoStackTrace(run);
    expectSecretsKept(run, [secret], sim);
  });

  it('an unreachable server: the failure says it cannot be reached, within a bounded time', async () => {
    const port = await closedPort();
    const started = Date.now();
    const run = await runAction('promote-check', {
      inputs: {
        server: `http://127.0.0.1:${port}`,
        'api-key': KEY,
        'to-feed': 'approved-feed',
        packages: 'app@1.0.0',
        retries: '0',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors.at(-1)).toMatch(/\nServer check: .*(reach|connect|refused)/i);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Nothing answered, so no header told a version: the banner says so instead of guessing.
    expect(banners(run.stdout)).toEqual([
      [`http://127.0.0.1:${port}`, 'version not reported', 'edition not reported'],
    ]);
    expectNoStackTrace(run);
  });
});
