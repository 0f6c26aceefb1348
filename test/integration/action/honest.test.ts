// Issue 12 through the real bundles: a misspelt feed or a missing version is reported as such, failures
// still leave a summary and definite outputs, messages name inputs, and the job's env can carry the
// connection.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
let workspace: string;
let counter = 0;
const VIEW = 'demo-view-key';
const PUBLISH = 'demo-publish-key';
const ABLAST = { group: 'initrode/vendors/abl', package: 'ABLast', version: '2.2.1' };

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(async () => {
  workspace = join(sim.dataDir, `honest-${++counter}`);
  await mkdir(join(workspace, 'app'), { recursive: true });
  await writeFile(join(workspace, 'app', 'README.md'), '# app\n');
});

describe('promote-check: not found is not "not promoted"', () => {
  it('fails on a misspelt to-feed even in warn mode, with no promote command', async () => {
    const run = await runAction('promote-check', {
      inputs: {
        server: sim.url,
        'api-key': VIEW,
        'from-feed': 'dev-feed',
        'to-feed': 'aproved-feed',
        packages: 'initrode/vendors/abl/ABLast@2.2.1',
        mode: 'warn',
      },
    });
    expect(run.exitCode).toBe(1);
    const feedError = run.commands.find((c) => c.command === 'error' && c.properties.title);
    expect(feedError?.properties.title).toBe('Feed not found: aproved-feed');
    expect(feedError?.message).toMatch(
      /^"to-feed" names feed aproved-feed, which does not exist on http:\/\/127\.0\.0\.1:\d+; check the spelling\. Feeds this key can see: .*approved-feed/,
    );
    expect(run.stdout).not.toContain('pgutil');
    expect(run.outputs.promoted).toBe('false');
    expect(JSON.parse(run.outputs.missing!)).toEqual([
      { group: 'initrode/vendors/abl', name: 'ABLast', version: '2.2.1' },
    ]);
    expect(JSON.parse(run.outputs['not-found']!)).toHaveLength(1);
    expect(JSON.parse(run.outputs.results!)[0]).toMatchObject({ status: 'not-found', promoted: false });
    expect(run.summary).toContain('❓ not found');
    expect(run.summary).toContain('"to-feed" names feed aproved-feed');
    expectNoStackTrace(run);
    expectSecretsKept(run, [VIEW], sim);
  });

  it('never outputs missing=[] with promoted=false (unpinned dependencies are listed)', async () => {
    await writeFile(
      join(workspace, 'upack.json'),
      JSON.stringify({ name: 'site', version: '1.0.0', dependencies: ['x:y:*'] }),
    );
    const run = await runAction('promote-check', {
      inputs: {
        server: sim.url,
        'api-key': VIEW,
        'to-feed': 'approved-feed',
        manifest: 'upack.json',
        'check-dependencies': 'true',
        mode: 'warn',
      },
      workspace,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.promoted).toBe('false');
    expect(JSON.parse(run.outputs.missing!)).toEqual([{ dependency: 'x:y:*' }]);
  });

  it('refuses from-feed equal to to-feed before any request', async () => {
    const before = sim.requests().length;
    const run = await runAction('promote-check', {
      inputs: {
        server: sim.url,
        'api-key': VIEW,
        'from-feed': 'approved-feed',
        'to-feed': 'approved-feed',
        packages: 'apps:web:1.0.0, libs/core@2.0.0 # two on one line',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Invalid inputs: "from-feed" and "to-feed" are both approved-feed; a promotion goes from one feed to another (leave "from-feed" unset to accept any source)',
    ]);
    expect(sim.requests().length).toBe(before);
  });

  it('names the packages still waiting while it polls, and how long it waited', async () => {
    const run = await runAction('promote-check', {
      inputs: {
        server: sim.url,
        'api-key': VIEW,
        'to-feed': 'approved-feed',
        packages: 'HDARS@1.3.9',
        'wait-timeout': '1.5',
        'poll-interval': '0.5',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/1 of 1 not promoted yet \(HDARS 1\.3\.9\); checking again in 1 s/);
    expect(run.errors.at(-1)).toMatch(
      /^1 of 1 package versions is not promoted to approved-feed: HDARS 1\.3\.9; waited \d+ s \(wait-timeout\) over \d+ checks$/,
    );
  });
});

describe('publish: the feed first', () => {
  it('stops before building or uploading when the feed does not exist, and still writes a summary', async () => {
    const before = sim.requests().length;
    const run = await runAction('publish', {
      inputs: {
        server: sim.url,
        'api-key': PUBLISH,
        feed: 'dev-fed',
        path: 'app',
        name: 'web',
        version: '1.0.0',
      },
      workspace,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors.at(-1)).toMatch(/^"feed" names feed dev-fed, which does not exist on /);
    expect(run.stdout).not.toMatch(/^Built /m);
    const made = sim.requests().slice(before);
    expect(made.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(made.some((r) => r.url.startsWith('/upack/dev-fed/versions'))).toBe(false);
    expect(run.summary).toMatch(/^### ProGet publish: failed\n\n❌ "feed" names feed dev-fed/);
    expectSecretsKept(run, [PUBLISH], sim);
  });

  it('takes server and api-key from PROGET_URL and PROGET_API_KEY, and a tag version without its v', async () => {
    const run = await runAction('publish', {
      inputs: { feed: 'dev-feed', path: 'app', name: 'env-web', version: 'v3.1.4' },
      workspace,
      env: { PROGET_URL: sim.url, PROGET_API_KEY: PUBLISH },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.version).toBe('3.1.4');
    expect(run.notices).toContain(
      '"version" is v3.1.4, a tag name: publishing version 3.1.4 (universal versions have no "v").',
    );
    expectSecretsKept(run, [PUBLISH], sim);
  });

  it('says "timeout" (the input), not timeoutMs, when the server is too slow', async () => {
    sim.setFaults([{ path: '/upack/dev-feed/versions', fault: { type: 'latency', ms: 3000 } }]);
    try {
      const run = await runAction('publish', {
        inputs: {
          server: sim.url,
          'api-key': PUBLISH,
          feed: 'dev-feed',
          path: 'app',
          name: 'slow',
          version: '1.0.0',
          timeout: '0.5',
          retries: '0',
        },
        workspace,
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors.at(-1)).toMatch(/within 500 ms \(the "timeout" input\)/);
      // (Only the ::debug:: stack trace keeps core's own words.)
      expect(run.stdout.replace(/^::debug::.*$/gm, '')).not.toContain('timeoutMs');
      expect(run.summary).toContain('the "timeout" input');
    } finally {
      sim.setFaults([]);
    }
  });

  it('does not warn about insecure-tls on http://, where it changes nothing', async () => {
    const run = await runAction('publish', {
      inputs: {
        server: sim.url,
        'api-key': PUBLISH,
        feed: 'dev-feed',
        path: 'app',
        name: 'plain',
        version: '1.0.0',
        'insecure-tls': 'true',
        'dry-run': 'true',
      },
      workspace,
    });
    expect(run.exitCode).toBe(0);
    expect(run.warnings.filter((w) => /TLS|insecure/i.test(w))).toEqual([]);
  });
});

describe('deploy-record: only what exists', () => {
  const record = (inputs: Record<string, string>, env?: Record<string, string>) =>
    runAction('deploy-record', {
      inputs: { server: sim.url, 'api-key': VIEW, feed: 'approved-feed', ...ABLAST, ...inputs },
      env,
    });

  it('refuses a version the feed does not have: recorded=false and a summary', async () => {
    const stored = sim.deployments().length;
    const run = await record({ version: '9.9.9', target: 'prod' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.at(-1)).toBe(
      'initrode/vendors/abl/ABLast 9.9.9 does not exist in approved-feed, so its deployment is not recorded; check "package", "group" and "version", or set allow-missing-package: true to record a package that is not in the feed.',
    );
    expect(run.outputs).toEqual({ recorded: 'false' });
    expect(run.summary).toMatch(
      /^### ProGet deployment not recorded\n\n❌ initrode\/vendors\/abl\/ABLast 9\.9\.9/,
    );
    expect(sim.deployments()).toHaveLength(stored);
  });

  it('says recorded=false and writes a summary when the inputs are bad', async () => {
    const run = await record({ target: '', feed: '' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toEqual({ recorded: 'false' });
    expect(run.summary).toContain('### ProGet deployment not recorded');
  });

  it('says the record may already be stored when the connection broke while sending', async () => {
    sim.setFaults([
      { method: 'POST', path: '/api/package-deployment', times: 1, fault: { type: 'reset-request' } },
    ]);
    try {
      const run = await record({ target: 'prod' });
      expect(run.exitCode).toBe(1);
      expect(run.errors.at(-1)).toContain(
        'The deployment of initrode/vendors/abl/ABLast 2.2.1 to prod may already be recorded; check before re-running',
      );
      expect(run.outputs.recorded).toBe('false');
      expectNoStackTrace(run);
    } finally {
      sim.setFaults([]);
    }
  });

  it("takes target from a deployment event's environment", async () => {
    const eventPath = join(sim.dataDir, `event-${counter}.json`);
    await writeFile(eventPath, JSON.stringify({ deployment: { environment: 'canary-eu' } }));
    const run = await record({}, { GITHUB_EVENT_NAME: 'deployment', GITHUB_EVENT_PATH: eventPath });
    expect(run.exitCode).toBe(0);
    expect(sim.deployments().at(-1)).toMatchObject({ target: 'canary-eu' });
  });
});
