import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-view-key';
const ABLAST = { feed: 'approved-feed', group: 'initrode/vendors/abl', package: 'ABLast', version: '2.2.1' };

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({
    seed: 'demo',
    feeds: [{ name: 'quiet-feed', feedType: 'universal', deploymentRecordsEnabled: false }],
  });
});
afterAll(async () => {
  await sim?.close();
});

function record(inputs: Record<string, string>, env?: Record<string, string>) {
  return runAction('deploy-record', {
    inputs: { server: sim.url, 'api-key': KEY, ...ABLAST, ...inputs },
    env,
  });
}

describe('deploy-record bundle', () => {
  it('records a deployment with the run as its defaults', async () => {
    const run = await record({}, { GITHUB_ENVIRONMENT: 'staging' });
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(run.outputs).toEqual({ recorded: 'true' });
    expect(sim.deployments().at(-1)).toMatchObject({
      application: 'GitHub Actions',
      description: 'Deployed by Release run #42 (4f3c2a1)',
      target: 'staging',
      feedName: 'approved-feed',
      groupName: 'initrode/vendors/abl',
      packageName: 'ABLast',
      version: '2.2.1',
      userName: 'octocat',
      url: 'https://github.com/acme/app/actions/runs/7001',
    });
    expect(run.summary).toMatch(
      /^### ProGet deployment recorded\n\n\[initrode\/vendors\/abl\/ABLast 2\.2\.1\]/,
    );
    expect(run.summary).toContain('deployed to **staging** by octocat');
    expectSecretsKept(run, [KEY], sim);
  });

  it('sends the inputs as given', async () => {
    const run = await record({
      target: 'web-01',
      application: 'Ansible',
      description: 'canary',
      url: 'https://deploy.example.com/1',
      user: 'ann',
      date: '2026-01-02T03:04:05Z',
    });
    expect(run.exitCode).toBe(0);
    expect(sim.deployments().at(-1)).toMatchObject({
      target: 'web-01',
      application: 'Ansible',
      description: 'canary',
      url: 'https://deploy.example.com/1',
      userName: 'ann',
      date: expect.stringMatching(/^2026-01-02T03:04:05/),
    });
  });

  it('requires a target when the runner names no environment', async () => {
    const before = sim.requests().length;
    const run = await record({});
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Invalid inputs: "target" is required: the runner does not tell actions which environment the job deploys to (only a `deployment` event names one); set it to the environment or server name',
    ]);
    expect(sim.requests().length).toBe(before);
  });

  it('sends the record once, even when the server answers 503', async () => {
    sim.setFaults([
      { method: 'POST', path: '/api/package-deployment', times: 1, fault: { type: 'status', status: 503 } },
    ]);
    try {
      const before = sim.requests().length;
      const run = await record({ target: 'prod' });
      expect(run.exitCode).toBe(1);
      expect(run.errors[0]).toMatch(/503/);
      expectNoStackTrace(run);
      const posts = sim
        .requests()
        .slice(before)
        .filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
    } finally {
      sim.setFaults([]);
    }
  });

  it('sends the record again after a 503 that names its wait (Retry-After), and records it once', async () => {
    sim.setFaults([
      {
        method: 'POST',
        path: '/api/package-deployment',
        times: 1,
        fault: { type: 'status', status: 503, retryAfterSeconds: 1 },
      },
    ]);
    try {
      const before = sim.requests().length;
      const deployments = sim.deployments().length;
      const run = await record({ target: 'prod' });
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toEqual({ recorded: 'true' });
      const posts = sim
        .requests()
        .slice(before)
        .filter((r) => r.method === 'POST');
      expect(posts.map((p) => p.status)).toEqual([503, expect.any(Number)]);
      expect(sim.deployments()).toHaveLength(deployments + 1);
    } finally {
      sim.setFaults([]);
    }
  });

  it('warns when the feed has deployment records turned off', async () => {
    const run = await record({
      feed: 'quiet-feed',
      target: 'prod',
      'api-key': 'demo-admin-key',
      'allow-missing-package': 'true',
    });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([
      'Feed quiet-feed has deployment records turned off, so ProGet may not show this record; turn on "Deployment records" in the feed\'s settings.',
      'initrode/vendors/abl/ABLast 2.2.1 does not exist in quiet-feed; recording the deployment anyway (allow-missing-package: true).',
    ]);
  });
});
