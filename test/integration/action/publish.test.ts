import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPackage, ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { startFakeResultsService } from './fake-results-service.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
let workspace: string;
let counter = 0;

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
});
afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  workspace = join(sim.dataDir, `ws-${++counter}`);
  await mkdir(join(workspace, 'app', 'bin'), { recursive: true });
  await writeFile(join(workspace, 'app', 'bin', 'run.sh'), '#!/bin/sh\necho hi\n');
  await writeFile(join(workspace, 'app', 'README.md'), '# app\n');
});

const KEY = 'demo-publish-key';

function publish(inputs: Record<string, string>, env?: Record<string, string>) {
  return runAction('publish', {
    inputs: {
      server: sim.url,
      'api-key': KEY,
      feed: 'dev-feed',
      path: 'app',
      group: 'it/apps',
      name: 'web',
      ...inputs,
    },
    workspace,
    env,
  });
}

describe('publish bundle', () => {
  it('publishes, verifies and reports outputs, summary and provenance; the key stays secret', async () => {
    const run = await publish({ version: '1.0.0', tags: 'a, b', metadata: '{"_team": "web"}' });
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    // Nothing on stderr: not even V8 refusing the young-generation flag the entry sets (main.ts).
    expect(run.stderr).toBe('');
    expect(run.outputs).toMatchObject({
      'package-name': 'web',
      group: 'it/apps',
      version: '1.0.0',
      feed: 'dev-feed',
      skipped: 'false',
      'package-url': `${sim.url}/feeds/dev-feed/it/apps/web/1.0.0`,
      'download-url': `${sim.url}/upack/dev-feed/download/it/apps/web/1.0.0`,
      'artifact-id': '',
    });
    expect(run.outputs.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(run.outputs.size)).toBeGreaterThan(0);
    expect(run.summary).toContain('### ProGet publish: Published');
    expect(run.summary).toContain(run.outputs.sha256);
    expectSecretsKept(run, [KEY], sim);

    // What the server holds is byte for byte what the step reported, with the run's provenance.
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const downloaded = await client.universal.download(
      'dev-feed',
      { group: 'it/apps', name: 'web', version: '1.0.0' },
      join(workspace, 'check.upack'),
      { hashes: ['sha1'] },
    );
    expect(downloaded.sha1).toBe(run.outputs.sha1);
    const version = await client.universal.getVersion('dev-feed', {
      group: 'it/apps',
      name: 'web',
      version: '1.0.0',
    });
    expect(version?.extra).toMatchObject({
      _team: 'web',
      _repository: 'https://github.com/acme/app',
      _commit: '4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
      _runUrl: 'https://github.com/acme/app/actions/runs/7001',
    });
  });

  it('attaches the .upack to the run when the artifact service is there, and outputs its id', async () => {
    const results = await startFakeResultsService();
    try {
      const run = await publish(
        { version: '1.6.0', 'upload-artifact': 'true' },
        { ACTIONS_RUNTIME_TOKEN: results.token, ACTIONS_RESULTS_URL: results.url },
      );
      expect(run.exitCode).toBe(0);
      expect(run.warnings).toEqual([]);
      expect(run.outputs['artifact-id']).toBe('4001');
      expect(results.artifacts).toHaveLength(1);
      expect(results.artifacts[0]!.name).toBe('upack-it-apps-web-1.6.0');
      expect(results.artifacts[0]!.bytes).toBeGreaterThan(Number(run.outputs.size));
      expect(run.summary).toContain('| Artifact | #4001 |');
    } finally {
      await results.close();
    }
  });

  it('warns, and still succeeds, when the artifact service is not there', async () => {
    const run = await publish({ version: '1.7.0', 'upload-artifact': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['artifact-id']).toBe('');
    expect(run.warnings).toEqual([
      'upload-artifact: not attached: the artifact service is not available (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set)',
    ]);
  });

  it('fails before uploading when the version exists (if-exists: fail), and skips with if-exists: skip', async () => {
    expect((await publish({ version: '1.1.0' })).exitCode).toBe(0);
    const uploadsBefore = sim.requests().filter((r) => r.method === 'PUT').length;

    // Another commit: the same commit with the same content would be a safe re-run (see rerun.test.ts).
    const again = await publish({ version: '1.1.0' }, { GITHUB_SHA: 'a'.repeat(40) });
    expect(again.exitCode).toBe(1);
    expect(again.errors).toEqual([
      'it/apps/web 1.1.0 already exists in dev-feed; set if-exists: skip or overwrite (or publish a new version)',
    ]);
    expectNoStackTrace(again);

    const skipped = await publish({ version: '1.1.0', 'if-exists': 'skip' });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.outputs.skipped).toBe('true');
    expect(skipped.summary).toContain('Skipped: the version already exists');
    expect(sim.requests().filter((r) => r.method === 'PUT').length).toBe(uploadsBefore);
  });

  it('overwrites only with a key that may, and says which privilege is missing otherwise', async () => {
    expect((await publish({ version: '1.2.0' })).exitCode).toBe(0);
    const denied = await publish({ version: '1.2.0', 'if-exists': 'overwrite' });
    expect(denied.exitCode).toBe(1);
    expect(denied.errors[0]).toContain('Feeds_OverwritePackage');
    expectNoStackTrace(denied);

    const allowed = await publish({
      version: '1.2.0',
      'if-exists': 'overwrite',
      'api-key': 'demo-admin-key',
    });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.summary).toContain('replaced the existing version');
    expectSecretsKept(allowed, ['demo-admin-key'], sim);
  });

  it('rejects bad inputs with every problem named, before any request', async () => {
    const before = sim.requests().length;
    const run = await publish({
      version: '1.0.0',
      'if-exists': 'replace',
      'dry-run': 'perhaps',
      metadata: 'version: 2.0.0',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      [
        'Invalid inputs: 3 problems:',
        '  - "metadata" must not set "version"; use the input of that name',
        '  - "if-exists" must be one of fail, skip, overwrite; got "replace"',
        '  - "dry-run" must be one of true, false, yes, no, 1, 0; got "perhaps"',
      ].join('\n'),
    ]);
    expect(sim.requests().length).toBe(before);
    expectSecretsKept(run, [KEY]);
  });

  it('refuses credentials in the server URL without echoing them', async () => {
    const url = new URL(sim.url);
    url.username = 'api';
    url.password = 'url-secret-123';
    const run = await publish({ version: '1.0.0', server: url.href });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toBe(
      'Invalid inputs: "server" must not contain credentials; pass the key in "api-key" (or use "username" and "password")',
    );
    expect(run.stdout).not.toContain('url-secret-123');
  });

  it('reports a wrong key as a 403 with a hint, no stack trace, key masked', async () => {
    const run = await publish({ version: '1.0.0', 'api-key': 'not-a-real-key-9f8e' });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/403/);
    expect(run.errors[0]).toMatch(/Hint: /);
    expectNoStackTrace(run);
    expectSecretsKept(run, ['not-a-real-key-9f8e'], sim);
  });

  it('authenticates with username and password, masking the password', async () => {
    const run = await publish({
      version: '1.3.0',
      'api-key': '',
      username: 'demo',
      password: 'demo-password',
    });
    expect(run.exitCode).toBe(0);
    expectSecretsKept(run, ['demo-password'], sim);
  });

  it('dry-run builds and reports without a single request', async () => {
    const before = sim.requests().length;
    const run = await publish({ version: '9.9.9', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.skipped).toBe('true');
    expect(run.outputs.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(sim.requests().length).toBe(before);
  });

  it('publishes an existing .upack as it is', async () => {
    const built = await buildPackage({
      sourceDir: join(workspace, 'app'),
      manifest: { group: 'it/prebuilt', name: 'tool', version: '0.5.0' },
      outFile: join(workspace, 'out', 'tool.upack'),
    });
    const run = await runAction('publish', {
      inputs: { server: sim.url, 'api-key': KEY, feed: 'dev-feed', path: 'out/tool.upack' },
      workspace,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      group: 'it/prebuilt',
      'package-name': 'tool',
      version: '0.5.0',
      sha1: built.sha1,
    });
  });

  it('writes ::debug:: detail in debug mode and still never the key', async () => {
    const run = await publish({ version: '1.4.0' }, { RUNNER_DEBUG: '1' });
    expect(run.exitCode).toBe(0);
    expect(run.commands.some((c) => c.command === 'debug')).toBe(true);
    expectSecretsKept(run, [KEY], sim);
  });

  it('builds in RUNNER_TEMP, never in the workspace', async () => {
    const run = await publish({ version: '1.5.0' });
    expect(run.exitCode).toBe(0);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(workspace, { recursive: true })).map(String).sort()).toEqual([
      'app',
      'app/README.md',
      'app/bin',
      'app/bin/run.sh',
    ]);
  });
});
