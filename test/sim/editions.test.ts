// Editions and version modes: response headers, Free limits, the Packages API across versions, HTTPS, the CLI.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSelfSignedCert } from '../support/certs.js';
import { startSimulator } from './index.js';
import { ADMIN, raw, upack, VIEW } from './testing.js';

describe('editions and version modes', () => {
  it.each([
    ['2023', 'Free', '23.0.28.5'],
    ['2024', 'Basic', '24.0.39.3'],
    ['2026', 'Enterprise', '26.0.12.24'],
  ] as const)('%s / %s: four-part X-ProGet-Version %s and lowercase X-ProGet-Edition on every response', async (versionMode, edition, version) => {
    const sim = await startSimulator({ seed: 'demo', versionMode, edition });
    try {
      for (const [path, headers] of [
        ['/upack/dev-feed/packages', VIEW],
        ['/upack/dev-feed/packages', {}],
        ['/nothing-here', {}],
        ['/health', {}],
        ['/api/packages/dev-feed/versions?name=HDARS', VIEW],
      ] as const) {
        const r = await raw(sim.url, 'GET', path, { headers });
        expect(r.headers['x-proget-version']).toBe(version);
        expect(r.headers['x-proget-edition']).toBe(edition.toLowerCase());
      }
    } finally {
      await sim.close();
    }
  });

  it('defaults: Enterprise, 2024', async () => {
    const sim = await startSimulator();
    try {
      const r = await raw(sim.url, 'GET', '/health');
      expect(r.headers['x-proget-version']).toBe('24.0.39.3');
      expect(r.headers['x-proget-edition']).toBe('enterprise');
    } finally {
      await sim.close();
    }
  });

  it.each([
    ['capitalized', 'Basic'],
    ['missing', undefined],
  ] as const)('editionHeader %s: X-ProGet-Edition %s', async (editionHeader, expected) => {
    const sim = await startSimulator({ edition: 'Basic', editionHeader });
    try {
      const r = await raw(sim.url, 'GET', '/health');
      expect(r.headers['x-proget-edition']).toBe(expected);
      expect(r.headers['x-proget-version']).toBe('24.0.39.3');
    } finally {
      await sim.close();
    }
  });

  it('Free limits API deletes per hour (429 + Retry-After by default, or 400)', async () => {
    for (const freeDeleteLimitStatus of [429, 400] as const) {
      const sim = await startSimulator({
        seed: 'demo',
        edition: 'Free',
        freeDeleteLimitPerHour: 2,
        freeDeleteLimitStatus,
      });
      try {
        const del = (v: string) =>
          raw(sim.url, 'DELETE', `/upack/dev-feed/delete/hdars/${v}`, { headers: ADMIN });
        expect((await del('0.0.22')).status).toBe(200);
        // A 404 is not a deletion and does not count.
        expect((await del('9.9.9')).status).toBe(404);
        expect(
          (
            await raw(sim.url, 'POST', '/api/packages/dev-feed/delete?name=HDARS&version=1.3.7', {
              headers: ADMIN,
            })
          ).status,
        ).toBe(200);
        const third = await del('1.3.9');
        expect(third.status).toBe(freeDeleteLimitStatus);
        expect(third.text).toMatch(/Free edition allows 2 package deletions/);
        expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
        expect(
          (await raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars&version=1.3.9', { headers: VIEW }))
            .status,
        ).toBe(200);
      } finally {
        await sim.close();
      }
    }
  });

  it('paid editions have no delete limit', async () => {
    const sim = await startSimulator({ seed: 'demo', edition: 'Basic', freeDeleteLimitPerHour: 1 });
    try {
      for (const v of ['0.0.22', '1.3.7', '1.3.9'])
        expect(
          (await raw(sim.url, 'DELETE', `/upack/dev-feed/delete/hdars/${v}`, { headers: ADMIN })).status,
        ).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('HTTPS', () => {
  it('serves the same API over TLS with a self-signed certificate', async () => {
    const tls = generateSelfSignedCert();
    const sim = await startSimulator({ seed: 'demo', tls });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=hdars', {
        headers: VIEW,
        ca: tls.cert,
      });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ name: 'HDARS' });
      const up = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
        headers: { ...ADMIN, 'Content-Type': 'application/zip' },
        body: await upack({ name: 'secure', version: '1.0.0' }),
        ca: tls.cert,
      });
      expect(up.status).toBe(201);
      await expect(raw(sim.url, 'GET', '/health')).rejects.toThrow();
      // Connection faults work on TLS sockets too.
      sim.setFaults([{ path: '/upack/dev-feed/download/', times: 1, fault: { type: 'reset' } }]);
      await expect(
        raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', { headers: VIEW, ca: tls.cert }),
      ).rejects.toThrow();
      sim.setFaults([{ path: '/upack/dev-feed/upload', times: 1, fault: { type: 'reset-request' } }]);
      await expect(
        raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
          headers: { ...ADMIN, 'Content-Type': 'application/zip' },
          body: await upack({ name: 'secure', version: '2.0.0' }),
          ca: tls.cert,
        }),
      ).rejects.toThrow();
      const ok = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', {
        headers: VIEW,
        ca: tls.cert,
      });
      expect(ok.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('pnpm sim (cli.ts)', () => {
  it('prints the URL and keys, serves requests with --api-key, and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        '--port',
        '0',
        '--seed',
        'demo',
        '--edition',
        'Basic',
        '--version-mode',
        '2023',
        '--api-key',
        'cli-key',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && out.includes('cli-key')) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).toContain('demo-admin-key');
      const r = await raw(url, 'GET', '/api/connector-health', { headers: { 'X-ApiKey': 'cli-key' } });
      expect(r.status).toBe(200);
      expect(r.headers['x-proget-edition']).toBe('basic');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects an unknown edition', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--edition', 'Gold'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toMatch(/Unknown edition Gold/);
  });
});
