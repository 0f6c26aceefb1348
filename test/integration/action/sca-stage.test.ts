// Issue 13: deploy-record `sca-stage` through the real bundle: the SCA build follows the deployment, and a
// failed promotion never hides that the record was stored.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-admin-key';
const ABLAST = {
  feed: 'approved-feed',
  group: 'initrode/vendors/abl',
  package: 'ABLast',
  version: '2.2.1',
  target: 'prod',
};

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo', edition: 'Enterprise' });
});
afterAll(async () => {
  await sim?.close();
});

function record(url: string, inputs: Record<string, string>) {
  return runAction('deploy-record', { inputs: { server: url, 'api-key': KEY, ...ABLAST, ...inputs } });
}

describe('deploy-record sca-stage', () => {
  it('records the deployment, then promotes the SCA build to the stage', async () => {
    const deployments = sim.deployments().length;
    const run = await record(sim.url, {
      'sca-stage': 'Production',
      'sca-project': 'proget-ci-demo',
      'sca-version': '1.0.0',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toEqual({ recorded: 'true', 'sca-promoted': 'true' });
    expect(sim.deployments()).toHaveLength(deployments + 1);
    const client = new ProGetClient({ url: sim.url, apiKey: KEY });
    expect((await client.sca.builds.get('proget-ci-demo', '1.0.0'))?.stage).toBe('Production');
    expect(run.summary).toContain('### ProGet deployment recorded');
    expect(run.summary).toContain(
      '<code>proget-ci-demo</code> build <code>1.0.0</code> promoted to SCA stage **Production**',
    );
    expectSecretsKept(run, [KEY], sim);
  });

  it('defaults the project to the repository name and the build to the version, and says both on failure', async () => {
    const deployments = sim.deployments().length;
    const run = await record(sim.url, { 'sca-stage': 'Test' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toEqual({ recorded: 'true', 'sca-promoted': 'false' });
    expect(sim.deployments()).toHaveLength(deployments + 1);
    const promote = sim.requests().filter((r) => r.url.startsWith('/api/sca/promote-build'));
    expect(promote.at(-1)?.url).toMatch(/project=app\b/);
    expect(promote.at(-1)?.url).toMatch(/2\.2\.1/);
    expect(run.errors[0]).toMatch(
      /^The deployment of initrode\/vendors\/abl\/ABLast 2\.2\.1 to prod is recorded, but SCA build 2\.2\.1 of project app was not promoted to stage Test: /,
    );
    // The record's own summary is kept, and the failure's heading says the record stands.
    expect(run.summary).toContain('### ProGet deployment recorded\n');
    expect(run.summary).toContain(
      '### ProGet deployment recorded, SCA build not promoted\n\n❌ The deployment of',
    );
    expectNoStackTrace(run);
  });

  it('ProGet Free: the record stands and the error names the edition', async () => {
    const free = await startSimulator({ seed: 'demo', edition: 'Free' });
    try {
      const run = await record(free.url, { 'sca-stage': 'Production', 'sca-project': 'proget-ci-demo' });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toEqual({ recorded: 'true', 'sca-promoted': 'false' });
      expect(free.deployments().at(-1)).toMatchObject({ packageName: 'ABLast', target: 'prod' });
      expect(run.errors[0]).toContain('is recorded, but SCA build 2.2.1 of project proget-ci-demo');
      expect(run.errors[0]).toContain('needs ProGet Basic or Enterprise');
    } finally {
      await free.close();
    }
  });

  it('refuses sca-project without sca-stage before any request', async () => {
    const before = sim.requests().length;
    const run = await record(sim.url, { 'sca-project': 'proget-ci-demo' });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Invalid inputs: "sca-project" and "sca-version" go with "sca-stage" (the stage to promote the SCA build to)',
    ]);
    expect(sim.requests().length).toBe(before);
    expect(run.outputs).toEqual({ recorded: 'false' });
  });
});
