// promote-check's `comment-on-pr`, through the real bundle, against the simulator and a local fake of
// GitHub's REST API (GITHUB_API_URL).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectSecretsKept } from './expectations.js';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
let gh: FakeGitHub;
const KEY = 'demo-view-key';
const TOKEN = 'fake-gh-token';
const PROMOTED = 'initrode/vendors/abl/ABLast@2.2.1';
let n = 0;

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
  gh = await startFakeGitHub('acme/app');
});
afterAll(async () => {
  await sim?.close();
  await gh?.close();
});

async function prEvent(number: number, headRepo: string | null): Promise<string> {
  const path = join(sim.dataDir, `pr-event-${++n}.json`);
  await writeFile(
    path,
    JSON.stringify({
      pull_request: {
        number,
        head: { repo: headRepo === null ? null : { full_name: headRepo } },
        base: { repo: { full_name: 'acme/app' } },
      },
    }),
  );
  return path;
}

async function check(packages: string, env: Record<string, string>, inputs: Record<string, string> = {}) {
  return runAction('promote-check', {
    inputs: {
      server: sim.url,
      'api-key': KEY,
      'to-feed': 'approved-feed',
      packages,
      'comment-on-pr': 'true',
      ...inputs,
    },
    env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: gh.url, GITHUB_TOKEN: TOKEN, ...env },
  });
}

describe('promote-check comment-on-pr', () => {
  it('posts one comment and updates it in place on the next run', async () => {
    const event = await prEvent(7, 'acme/app');
    gh.comments.set(7, [{ id: 1, body: 'someone else' }]);
    const first = await check(PROMOTED, { GITHUB_EVENT_PATH: event });
    expect(first.exitCode).toBe(0);
    expect(gh.comments.get(7)).toHaveLength(2);
    expect(gh.comments.get(7)![1]!.body).toMatch(
      /^<!-- proget-ci:promote-check:approved-feed -->\n### ProGet promotion check: all 1 promoted/,
    );
    const second = await check(`${PROMOTED}\nHDARS@1.3.9`, { GITHUB_EVENT_PATH: event }, { mode: 'warn' });
    expect(second.exitCode).toBe(0);
    const comments = gh.comments.get(7)!;
    expect(comments).toHaveLength(2);
    expect(comments[0]!.body).toBe('someone else');
    expect(comments[1]!.body).toContain('1 of 2 not promoted');
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expectSecretsKept(second, [KEY, TOKEN], sim);
  });

  it('gives a notice, not a failure, when the token is read-only (403)', async () => {
    const event = await prEvent(8, 'acme/app');
    gh.readOnly = true;
    try {
      const run = await check(PROMOTED, { GITHUB_EVENT_PATH: event });
      expect(run.exitCode).toBe(0);
      expect(run.notices).toContain(
        'comment-on-pr: no pull-request comment: GitHub answered 403: the token cannot write to pull requests (give the job `permissions: pull-requests: write`); the result is in the job summary.',
      );
      expect(gh.comments.get(8)).toBeUndefined();
    } finally {
      gh.readOnly = false;
    }
  });

  it('does not try on a pull request from a fork, and explains a 401 there', async () => {
    const event = await prEvent(9, 'stranger/app');
    const before = gh.requests.length;
    const run = await check(PROMOTED, { GITHUB_EVENT_PATH: event });
    expect(run.exitCode).toBe(0);
    expect(run.notices).toContain(
      'comment-on-pr: no pull-request comment: the pull request comes from a fork, where GITHUB_TOKEN is read-only; the result is in the job summary.',
    );
    expect(gh.requests.length).toBe(before);
    // Secrets are not passed to forks: the key input is empty and ProGet answers 401.
    const keyless = await check(PROMOTED, { GITHUB_EVENT_PATH: event }, { 'api-key': '' });
    expect(keyless.exitCode).toBe(1);
    expect(keyless.errors.at(-1)).toContain(
      'Hint: this pull request comes from a fork, and GitHub does not pass secrets to workflows run for forks',
    );
  });
});
