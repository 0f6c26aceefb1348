// Editions against the simulator: Free gets one clear "needs Basic or Enterprise" error per call, Basic's
// hourly limit becomes a 429 with the wait in the message, Enterprise has no limit.

import { afterEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../../test/sim/index.js';
import { ProGetClient, ProGetError, ScaRateLimitError } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { jsonSbom, VERDICT_PURLS, writeSbom } from './fixtures.js';

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const client = (s: SimulatorHandle, retries = 0) =>
  new ProGetClient({ url: s.url, apiKey: 'demo-admin-key', retries, retryBaseDelayMs: 1 });

describe('ProGet Free', () => {
  it('every SCA and compliance area answers one edition-required error naming Basic or Enterprise', async () => {
    sim = await startSimulator({
      seed: 'demo',
      edition: 'Free',
      feeds: [{ name: 'npm-feed', feedType: 'npm' }],
    });
    const c = client(sim);
    const dir = await tempDir();
    try {
      const file = await writeSbom(dir.path, 'bom.json', jsonSbom('app', '1.0.0', [VERDICT_PURLS.compliant]));
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['import', () => c.sca.builds.importSbom(file)],
        ['audit', () => c.sca.builds.audit('proget-ci-demo', '1.0.0')],
        ['promote', () => c.sca.builds.promote('proget-ci-demo', '1.0.0', 'Production')],
        ['get', () => c.sca.builds.get('proget-ci-demo', '1.0.0')],
        ['projects', () => c.sca.projects.list()],
        ['vulns', () => c.sca.vulnerabilities.audit([{ type: 'npm', name: 'lodash', version: '4.17.20' }])],
        ['assess', () => c.sca.vulnerabilities.assess({ id: 'PGV-2123337', type: 'contain' })],
        ['package audit', () => c.sca.packages.audit('npm-feed', { purl: VERDICT_PURLS.compliant })],
      ];
      for (const [name, call] of calls) {
        const e = await call().then(
          () => new Error(`${name} succeeded`),
          (x: unknown) => x,
        );
        expect(e, name).toBeInstanceOf(ProGetError);
        expect(e, name).toMatchObject({ kind: 'edition-required', status: 403 });
        expect((e as Error).message, name).toContain('needs ProGet Basic or Enterprise');
        expect((e as ProGetError).hint, name).toContain('not available in ProGet Free');
      }
      // Metadata answers on Free, without the compliance report: no verdict can be read from it.
      const meta = await c.sca.packages.metadata('npm-feed', { purl: VERDICT_PURLS.noncompliant });
      // A bad key on an endpoint Free does serve is a key problem, not an edition one.
      const badKey = new ProGetClient({ url: sim.url, apiKey: 'wrong', retries: 0 });
      await expect(
        badKey.sca.packages.metadata('npm-feed', { purl: VERDICT_PURLS.noncompliant }),
      ).rejects.toMatchObject({ kind: 'forbidden' });
      expect(meta).toMatchObject({
        name: 'lodash',
        compliance: undefined,
        verdict: 'inconclusive',
        vulnerabilities: [],
      });
    } finally {
      await dir.remove();
    }
  });
});

describe('ProGet Basic', () => {
  it('the hourly limit: the action past it fails at once with the wait, nothing is resent', async () => {
    sim = await startSimulator({ seed: 'demo', edition: 'Basic', sca: { basicHourlyLimit: 3 } });
    const c = client(sim, 3);
    const dir = await tempDir();
    try {
      const file = await writeSbom(dir.path, 'bom.json', jsonSbom('app', '1.0.0', [VERDICT_PURLS.compliant]));
      await c.sca.builds.importSbom(file);
      await c.sca.builds.audit('app', '1.0.0');
      await c.sca.vulnerabilities.audit([{ type: 'npm', name: 'lodash', version: '4.17.20' }]);
      // Reads are not actions.
      expect((await c.sca.builds.get('app', '1.0.0'))?.packages).toHaveLength(1);
      const before = sim.requests().length;
      const e = await c.sca.builds.importSbom(file).catch((x: unknown) => x);
      expect(sim.requests().length).toBe(before + 1);
      expect(e).toBeInstanceOf(ScaRateLimitError);
      const limit = e as ScaRateLimitError;
      expect(limit.status).toBe(429);
      expect(limit.retryAfterSeconds).toBeGreaterThan(3500);
      expect(limit.message).toMatch(
        /^Could not import the SBOM bom\.json: hourly limit of the Basic edition reached; retry after \d+ s/,
      );
      expect(limit.hint).toContain('ten SCA and compliance API actions per hour');
      await expect(c.sca.builds.audit('app', '1.0.0')).rejects.toBeInstanceOf(ScaRateLimitError);
    } finally {
      await dir.remove();
    }
  });

  it('an idempotent read keeps the transport retry, honouring Retry-After, and explains a 429 left at the end', async () => {
    sim = await startSimulator({
      seed: 'demo',
      edition: 'Basic',
      faults: [
        {
          method: 'GET',
          path: '/api/sca/projects',
          times: 1,
          fault: { type: 'status', status: 429, retryAfterSeconds: 1 },
        },
      ],
    });
    const started = Date.now();
    expect((await client(sim, 2).sca.projects.list()).map((p) => p.name)).toContain('proget-ci-demo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    sim.setFaults([
      {
        method: 'GET',
        path: '/api/sca/issues',
        fault: { type: 'status', status: 429, retryAfterSeconds: 0 },
      },
    ]);
    const e = await client(sim, 1)
      .sca.builds.issues('proget-ci-demo', '1.0.0')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScaRateLimitError);
    expect((e as Error).message).toContain('hourly limit of the Basic edition reached; retry later');
    expect(sim.requests().filter((r) => r.url.startsWith('/api/sca/issues'))).toHaveLength(2);
  });
});

describe('ProGet Enterprise', () => {
  it('has no hourly limit', async () => {
    sim = await startSimulator({ seed: 'demo', edition: 'Enterprise', sca: { basicHourlyLimit: 2 } });
    const c = client(sim);
    for (let i = 0; i < 12; i++) {
      expect((await c.sca.builds.audit('proget-ci-demo', '1.0.0')).status).toBe('noncompliant');
    }
  });
});
