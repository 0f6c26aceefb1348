// A whole workflow — publish, promote-check (failing, then passing), deploy-record, and several failing
// steps — run through the real bundles with unique credentials. None of them may appear in stdout, stderr,
// GITHUB_OUTPUT, the step summary, an error message, or any URL the simulator received.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRun } from '../integration/action/runner.js';
import type { SimulatorHandle } from '../sim/index.js';
import {
  bundlesReady,
  contentDir,
  FEED,
  OTHER_FEED,
  run,
  type Scratch,
  scratch,
  startRelSim,
  uniqueSecret,
} from './helpers.js';

const API_KEY = uniqueSecret('key');
const USER = 'ci-robot';
const PASSWORD = uniqueSecret('pw');
/** A key the server does not know: it is still a secret and must not leak in the error. */
const UNKNOWN_KEY = uniqueSecret('unknown');

/** Every form a secret could take on the way out: as is, URL-encoded, in Basic auth. */
const FORBIDDEN = [API_KEY, PASSWORD, UNKNOWN_KEY].flatMap((s) => [
  s,
  encodeURIComponent(s),
  Buffer.from(s).toString('base64'),
]);
FORBIDDEN.push(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), `${USER}:${PASSWORD}`);

let sim: SimulatorHandle;
let ws: Scratch;
const runs: { label: string; run: ActionRun }[] = [];

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };
const withKey = { server: '', 'api-key': API_KEY };

async function step(
  label: string,
  name: Parameters<typeof run>[0],
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) {
  const r = await run(name, {
    workspace: ws.path,
    inputs: { ...inputs, server: sim.url },
    env: { ...DEBUG, ...env },
  });
  runs.push({ label, run: r });
  return r;
}

/** What the runner would show or keep: stdout without the add-mask commands (the runner consumes those). */
function exposed(r: ActionRun): Record<string, string> {
  return {
    stdout: r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    stderr: r.stderr,
    GITHUB_OUTPUT: JSON.stringify(r.outputs),
    summary: r.summary,
    errors: r.errors.join('\n'),
    warnings: r.warnings.join('\n'),
  };
}

beforeAll(async () => {
  await bundlesReady();
  ws = await scratch('secrets');
  await contentDir(ws.path, 'app', 'secret-run');
  sim = await startRelSim({
    apiKeys: [{ key: API_KEY, privileges: 'all' }],
    users: [{ username: USER, password: PASSWORD, privileges: 'all' }],
  });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ws?.remove();
});

describe('a full run with unique credentials leaks them nowhere', () => {
  it('runs the workflow (successes and failures) as the runner would', { timeout: 120_000 }, async () => {
    const published = await step('publish', 'publish', {
      ...withKey,
      feed: FEED,
      path: 'app',
      name: 'secret-app',
      version: '1.0.0',
    });
    expect(published.errors).toEqual([]);
    expect(published.exitCode).toBe(0);
    expect(published.masks).toContain(API_KEY);

    const check = {
      ...withKey,
      package: 'secret-app',
      version: '1.0.0',
      'from-feed': FEED,
      'to-feed': OTHER_FEED,
    };
    const notYet = await step('promote-check (not promoted)', 'promote-check', check);
    expect(notYet.exitCode).toBe(1);
    expect(notYet.outputs.promoted).toBe('false');

    await new ProGetClient({ url: sim.url, apiKey: API_KEY }).promotions.promote({
      fromFeed: FEED,
      toFeed: OTHER_FEED,
      name: 'secret-app',
      version: '1.0.0',
    });
    const promoted = await step('promote-check (promoted)', 'promote-check', check);
    expect(promoted.errors).toEqual([]);
    expect(promoted.outputs.promoted).toBe('true');

    const deployed = await step('deploy-record', 'deploy-record', {
      ...withKey,
      feed: OTHER_FEED,
      package: 'secret-app',
      version: '1.0.0',
      target: 'production',
    });
    expect(deployed.errors).toEqual([]);
    expect(sim.deployments()).toHaveLength(1);

    // From another commit: the same commit with the same content would be a safe re-run.
    const again = await step(
      'publish (exists)',
      'publish',
      { ...withKey, feed: FEED, path: 'app', name: 'secret-app', version: '1.0.0' },
      { GITHUB_SHA: 'b'.repeat(40) },
    );
    expect(again.errors[0]).toContain('secret-app 1.0.0 already exists');

    const noFeed = await step('publish (no such feed)', 'publish', {
      ...withKey,
      feed: 'no-such-feed',
      path: 'app',
      name: 'secret-app',
      version: '2.0.0',
    });
    expect(noFeed.exitCode).toBe(1);

    sim.setFaults([
      { method: 'GET', path: `/upack/${FEED}/versions`, fault: { type: 'status', status: 503 } },
    ]);
    const flaky = await step('publish (503 until the retries run out)', 'publish', {
      ...withKey,
      feed: FEED,
      path: 'app',
      name: 'secret-app',
      version: '3.0.0',
      retries: '1',
    });
    sim.setFaults([]);
    expect(flaky.errors[0]).toMatch(/HTTP 503/);

    const basic = await step('publish (username and password)', 'publish', {
      server: '',
      username: USER,
      password: PASSWORD,
      feed: FEED,
      path: 'app',
      name: 'secret-app-basic',
      version: '1.0.0',
    });
    expect(basic.errors).toEqual([]);
    expect(basic.masks).toContain(PASSWORD);

    const denied = await step('publish (unknown key)', 'publish', {
      server: '',
      'api-key': UNKNOWN_KEY,
      feed: FEED,
      path: 'app',
      name: 'secret-app',
      version: '4.0.0',
    });
    expect(denied.exitCode).toBe(1);
    expect(denied.errors[0]).toMatch(/HTTP 40[13]/);
  });

  it('the runs said plenty (so the checks below are not vacuous)', () => {
    expect(runs).toHaveLength(9);
    const debugLines = runs.flatMap((r) => r.run.commands.filter((c) => c.command === 'debug'));
    expect(debugLines.length).toBeGreaterThan(30);
    // Request URLs, server texts and hints all made it into the output.
    expect(runs.some((r) => r.run.stdout.includes(`GET ${sim.url}/upack/${FEED}/versions`))).toBe(true);
    expect(runs.filter((r) => r.run.errors.length > 0)).toHaveLength(5);
  });

  it('no secret in stdout, stderr, GITHUB_OUTPUT, the step summary, errors or warnings', () => {
    for (const { label, run: r } of runs) {
      for (const [where, text] of Object.entries(exposed(r))) {
        for (const secret of FORBIDDEN) {
          expect(text.includes(secret), `${label}: ${where} contains a secret`).toBe(false);
        }
      }
    }
  });

  it('no secret in any URL the simulator received (the key travels in a header only)', () => {
    const log = sim.requests();
    expect(log.length).toBeGreaterThan(15);
    for (const request of log) {
      for (const secret of FORBIDDEN) expect(request.url.includes(secret), request.url).toBe(false);
    }
    // Control: the key did reach the server, in X-ApiKey.
    expect(log.some((q) => q.headers['x-apikey'] === API_KEY)).toBe(true);
  });

  it('the secrets were registered as masks before anything else was printed', () => {
    for (const { run: r } of runs) {
      const first = r.stdout
        .split('\n')
        .findIndex((l) => l.startsWith('::') && !l.startsWith('::add-mask::'));
      const lastMask = r.stdout.split('\n').reduce((at, l, i) => (l.startsWith('::add-mask::') ? i : at), -1);
      expect(lastMask).toBeGreaterThanOrEqual(0);
      if (first >= 0) expect(lastMask).toBeLessThan(first);
    }
  });
});
