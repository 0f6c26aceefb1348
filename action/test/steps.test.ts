import './helpers/intercept.js';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { deployRecordStep } from '../src/deploy-record/step.js';
import { promoteCheckStep } from '../src/promote-check/step.js';
import type { ArtifactUploader } from '../src/publish/artifact.js';
import { publishStep } from '../src/publish/step.js';
import type { ConnectionInputs } from '../src/shared/connection-inputs.js';
import type { StepEnvironment } from '../src/shared/environment.js';
import { runStep } from '../src/shared/run-step.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';
import {
  feedsExist,
  KEY,
  removeTempDirs,
  SERVER,
  strictNock,
  tempDir,
  testClient,
  versionIn,
  writeFiles,
} from './helpers/nock.js';

afterEach(async () => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  await removeTempDirs();
  expect(pending).toEqual([]);
});

function environment(io: FakeIo, workspace = '/home/runner/work/ws', env: Record<string, string> = {}) {
  const connections: ConnectionInputs[] = [];
  const step: StepEnvironment = {
    io,
    context: { ...fakeContext(env, workspace), tempDir: workspace },
    now: () => new Date('2026-11-22T03:00:00.000Z'),
    createClient: (c) => {
      connections.push(c);
      return testClient();
    },
  };
  return { step, connections };
}

const common = { server: SERVER, 'api-key': KEY };

describe('publish step', () => {
  it('sets every output, writes the summary and warns when the artifact service is missing', async () => {
    const ws = await tempDir('ws-');
    await writeFiles(ws, { 'app/index.js': 'x' });
    const scope = feedsExist(strictNock());
    scope.get('/upack/dev-feed/versions').query(true).reply(404, '');
    scope.put('/upack/dev-feed/upload').reply(201, '');
    const io = new FakeIo({
      ...common,
      feed: 'dev-feed',
      path: 'app',
      name: 'web',
      group: 'apps',
      version: '1.2.3',
      verify: 'false',
      'upload-artifact': 'true',
    });
    const artifacts: ArtifactUploader = {
      upload: async () => ({ skipped: 'the artifact service is not available' }),
    };
    await runStep(io, () => publishStep(environment(io, ws).step, artifacts));
    expect(io.failed).toBeUndefined();
    expect(Object.keys(io.outputs).sort()).toEqual(
      [
        'artifact-id',
        'download-url',
        'feed',
        'group',
        'package-name',
        'package-url',
        'sha1',
        'sha256',
        'size',
        'skipped',
        'upload-method',
        'version',
      ].sort(),
    );
    expect(io.outputs).toMatchObject({
      'package-name': 'web',
      group: 'apps',
      version: '1.2.3',
      feed: 'dev-feed',
      'package-url': `${SERVER}/feeds/dev-feed/apps/web/1.2.3`,
      'download-url': `${SERVER}/upack/dev-feed/download/apps/web/1.2.3`,
      skipped: 'false',
      'artifact-id': '',
      'upload-method': 'put',
    });
    expect(io.outputs.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(io.summary).toContain('### ProGet publish: Published');
    expect(io.summary).toContain('| Upload | PUT (no asset-directory was given) |');
    expect(io.summary).toContain(`| SHA-1 | <code>${io.outputs.sha1}</code> |`);
    expect(io.summary).toContain(`[ProGet page](${SERVER}/feeds/dev-feed/apps/web/1.2.3)`);
    expect(io.logs).toContainEqual({
      level: 'warning',
      message: 'upload-artifact: not attached: the artifact service is not available',
    });
    expect(io.secrets).toEqual([KEY]);
    expect(io.everything()).not.toContain(KEY);
  });

  it('reports the artifact id when the artifact was attached', async () => {
    const ws = await tempDir('ws-');
    await writeFiles(ws, { 'f.txt': 'x' });
    const io = new FakeIo({
      ...common,
      feed: 'dev-feed',
      name: 'web',
      version: '1.0.0',
      path: '.',
      'dry-run': 'true',
      'upload-artifact': 'yes',
    });
    feedsExist(strictNock());
    const names: string[] = [];
    const artifacts: ArtifactUploader = {
      upload: async (name) => {
        names.push(name);
        return { id: 77 };
      },
    };
    await runStep(io, () => publishStep(environment(io, ws).step, artifacts));
    expect(io.failed).toBeUndefined();
    expect(io.outputs['artifact-id']).toBe('77');
    expect(io.outputs.skipped).toBe('true');
    expect(names).toEqual(['upack-web-1.0.0']);
    expect(io.summary).toContain('### ProGet publish: Dry run: built, not uploaded');
  });

  it('fails before any request when inputs are bad', async () => {
    feedsExist(strictNock());
    const io = new FakeIo({ ...common, feed: '', path: '.', 'if-exists': 'maybe' });
    const { step, connections } = environment(io);
    await runStep(io, () => publishStep(step, { upload: async () => ({ id: 1 }) }));
    expect(io.failed).toBe(
      'Invalid inputs: 2 problems:\n  - "feed" is required\n  - "if-exists" must be one of fail, skip, overwrite; got "maybe"',
    );
    expect(connections).toEqual([]);
  });
});

const promoted = (name: string, version: string) => ({
  group: 'apps',
  package: name,
  version,
  promotions: [
    {
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      date: '2026-11-01T09:00:00Z',
      user: 'ann',
      comments: 'QA | ok',
      id: 3,
    },
  ],
});

describe('promote-check step', () => {
  /** `api`: also answer whether apps/api 2.0.0 (not promoted) is in dev-feed. */
  function mockServer(api = false) {
    const scope = feedsExist(strictNock());
    scope
      .get('/api/promotions/list')
      .query({ fromFeed: 'dev-feed', toFeed: 'approved-feed' })
      .reply(200, [promoted('web', '1.2.3')]);
    scope
      .get('/api/packages/approved-feed/versions')
      .query({ group: 'apps', name: 'web', version: '1.2.3' })
      .reply(200, [{ group: 'apps', name: 'web', version: '1.2.3', listed: true }]);
    if (api) versionIn(scope, 'dev-feed', { group: 'apps', name: 'api', version: '2.0.0' }, true);
  }
  const inputs = {
    ...common,
    packages: 'apps/web@1.2.3\napps/api@2.0.0',
    'from-feed': 'dev-feed',
    'to-feed': 'approved-feed',
  };

  it('fails in fail mode with an error annotation per missing package saying how to promote it', async () => {
    mockServer(true);
    const io = new FakeIo(inputs);
    await runStep(io, () => promoteCheckStep(environment(io).step));
    expect(io.failed).toBe('1 of 2 package versions is not promoted to approved-feed: apps/api 2.0.0');
    expect(io.outputs.promoted).toBe('false');
    expect(JSON.parse(io.outputs.missing!)).toEqual([{ group: 'apps', name: 'api', version: '2.0.0' }]);
    const results = JSON.parse(io.outputs.results!);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      name: 'web',
      promoted: true,
      status: 'promoted',
      promotion: { user: 'ann' },
    });
    expect(results[1]).toMatchObject({ name: 'api', promoted: false, status: 'not-promoted' });
    expect(io.annotations).toEqual([
      {
        level: 'error',
        title: 'Not promoted: apps/api 2.0.0',
        message: `apps/api 2.0.0 has not been promoted from dev-feed to approved-feed. Promote it in ProGet (${SERVER}/feeds/dev-feed/apps/api/2.0.0, "Promote"), or run: pgutil packages promote --feed=dev-feed --to-feed=approved-feed --package=apps/api --version=2.0.0 (API: POST ${SERVER}/api/promotions/promote).`,
      },
    ]);
    expect(io.summary).toContain('### ProGet promotion check: 1 of 2 not promoted to `approved-feed`');
    expect(io.summary).toContain(
      `| <code>apps/web</code> | <code>1.2.3</code> | ✅ promoted | 2026-11-01T09:00:00.000Z | ann | <code>dev-feed</code> → <code>approved-feed</code> | QA \\| ok | [open](${SERVER}/feeds/approved-feed/apps/web/1.2.3) |`,
    );
    expect(io.summary).toContain('| <code>apps/api</code> | <code>2.0.0</code> | ❌ not promoted |');
  });

  it('annotates at most 10 packages (what GitHub shows) and logs the rest', async () => {
    const scope = feedsExist(strictNock())
      .get('/api/promotions/list')
      .query({ fromFeed: 'dev-feed', toFeed: 'approved-feed' })
      .reply(200, []);
    for (let i = 0; i < 12; i++)
      versionIn(scope, 'dev-feed', { group: 'apps', name: `p${i}`, version: '1.0.0' }, true);
    const packages = Array.from({ length: 12 }, (_, i) => `apps/p${i}@1.0.0`).join('\n');
    const io = new FakeIo({ ...inputs, packages });
    await runStep(io, () => promoteCheckStep(environment(io).step));
    expect(io.annotations).toHaveLength(10);
    expect(io.annotations.at(-1)!.title).toBe('Not promoted: apps/p9 1.0.0');
    const logged = io.logs.filter((l) => l.level === 'info').map((l) => l.message);
    expect(logged.filter((m) => m.startsWith('Not promoted: apps/p1'))).toHaveLength(2);
    expect(logged).toContain('2 more beyond the 10 annotations: see above and the job summary.');
    expect(io.failed).toMatch(
      /^12 of 12 package versions are not promoted to approved-feed: .*, and 2 more$/,
    );
    expect(JSON.parse(io.outputs.missing!)).toHaveLength(12);
  });

  it('passes in warn mode, with warnings instead of errors', async () => {
    mockServer(true);
    const io = new FakeIo({ ...inputs, mode: 'warn' });
    await runStep(io, () => promoteCheckStep(environment(io).step));
    expect(io.failed).toBeUndefined();
    expect(io.annotations.map((a) => a.level)).toEqual(['warning']);
    expect(io.logs).toContainEqual({
      level: 'warning',
      message:
        '1 of 2 package versions is not promoted to approved-feed: apps/api 2.0.0 (mode: warn, so the step passes)',
    });
    expect(io.outputs.promoted).toBe('false');
  });

  it('checks the pinned dependencies of a manifest and flags the ones it cannot check', async () => {
    const ws = await tempDir('ws-');
    await writeFiles(ws, {
      'upack.json': JSON.stringify({
        name: 'site',
        version: '3.0.0',
        dependencies: ['apps:web:1.2.3', 'apps:api:*', 'apps/tool', 'apps:lib:[1.0.0,2.0.0)'],
      }),
    });
    mockServer();
    const io = new FakeIo({
      ...common,
      manifest: 'upack.json',
      'check-dependencies': 'true',
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
    });
    await runStep(io, () => promoteCheckStep(environment(io, ws).step));
    expect(io.failed).toBe(
      '3 of 4 package versions are not promoted to approved-feed or cannot be checked: apps:api:*, apps/tool, apps:lib:[1.0.0,2.0.0)',
    );
    expect(io.annotations.map((a) => a.title)).toEqual([
      'Cannot check: apps:api:*',
      'Cannot check: apps/tool',
      'Cannot check: apps:lib:[1.0.0,2.0.0)',
    ]);
    expect(io.annotations[0]!.message).toBe(
      'Dependency apps:api:* accepts any version (*), so its promotion cannot be checked; pin it as group:name:version.',
    );
  });

  it('warns that there is nothing to check when the manifest has no dependencies', async () => {
    const ws = await tempDir('ws-');
    await writeFiles(ws, { 'upack.json': JSON.stringify({ name: 'site', version: '1.0.0' }) });
    feedsExist(strictNock());
    const io = new FakeIo({
      ...common,
      manifest: 'upack.json',
      'check-dependencies': 'true',
      'to-feed': 'approved-feed',
    });
    await runStep(io, () => promoteCheckStep(environment(io, ws).step));
    expect(io.failed).toBeUndefined();
    expect(io.outputs.promoted).toBe('true');
    expect(io.logs).toContainEqual({
      level: 'warning',
      message: 'Nothing to check: the manifest lists no dependencies.',
    });
  });

  it('checks the package a manifest describes', async () => {
    const ws = await tempDir('ws-');
    await writeFiles(ws, { 'upack.json': JSON.stringify({ group: 'apps', name: 'web', version: '1.2.3' }) });
    mockServer();
    const io = new FakeIo({
      ...common,
      manifest: 'upack.json',
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
    });
    await runStep(io, () => promoteCheckStep(environment(io, ws).step));
    expect(io.failed).toBeUndefined();
    expect(io.outputs.promoted).toBe('true');
    expect(io.summary).toContain('### ProGet promotion check: all 1 promoted to `approved-feed`');
  });
});

describe('deploy-record step', () => {
  it('records, sets recorded and writes one summary line', async () => {
    const scope = strictNock();
    scope
      .get('/api/management/feeds/get/approved-feed')
      .reply(200, { name: 'approved-feed', feedType: 'universal', deploymentRecordsEnabled: true });
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    scope.post('/api/package-deployment/').reply(200, '');
    const io = new FakeIo({
      ...common,
      feed: 'approved-feed',
      group: 'apps',
      package: 'web',
      version: '1.2.3',
      target: 'prod',
    });
    await runStep(io, () => deployRecordStep(environment(io).step));
    expect(io.failed).toBeUndefined();
    expect(io.outputs).toEqual({ recorded: 'true' });
    expect(io.summary).toBe(
      `### ProGet deployment recorded\n\n[apps/web 1.2.3](${SERVER}/feeds/approved-feed/apps/web/1.2.3) from <code>approved-feed</code> deployed to **prod** by octocat at 2026-11-22T03:00:00.000Z ([details](https://github.com/acme/app/actions/runs/1234))\n\n`,
    );
  });
});
