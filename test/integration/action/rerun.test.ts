// Issue 12 "Re-run safety and safer defaults", through the real publish bundle.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-publish-key';

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
});
afterAll(async () => {
  await sim?.close();
});

async function workspaceWith(name: string, files: Record<string, string>): Promise<string> {
  const ws = join(sim.dataDir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(ws, 'app', path, '..'), { recursive: true });
    await writeFile(join(ws, 'app', path), text);
  }
  return ws;
}

const publish = (workspace: string, inputs: Record<string, string>, env?: Record<string, string>) =>
  runAction('publish', {
    inputs: { server: sim.url, 'api-key': KEY, feed: 'dev-feed', path: 'app', ...inputs },
    workspace,
    env,
  });

describe('publish re-runs', () => {
  it('succeeds with skipped=true when this commit already published the same content', async () => {
    const ws = await workspaceWith('rerun-same', { 'README.md': '# same\n' });
    const first = await publish(ws, { name: 'rerun', version: '1.0.0' });
    expect(first.exitCode).toBe(0);
    expect(first.outputs.skipped).toBe('false');
    // A re-run: same commit, a later attempt (a new createdDate, so other .upack bytes).
    const again = await publish(ws, { name: 'rerun', version: '1.0.0' }, { GITHUB_RUN_ATTEMPT: '2' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.skipped).toBe('true');
    expect(again.outputs.sha1).toBe(first.outputs.sha1);
    expect(again.notices).toContain(
      'rerun 1.0.0 is already in dev-feed, published from this commit with the same content; nothing was uploaded (a re-run is safe).',
    );
    expect(again.summary).toContain('Skipped: already published from this commit with the same content');
    expectSecretsKept(again, [KEY], sim);
  });

  it('still fails when the content differs, or the version came from another commit', async () => {
    const ws = await workspaceWith('rerun-other', { 'README.md': '# one\n' });
    expect((await publish(ws, { name: 'rerun2', version: '1.0.0' })).exitCode).toBe(0);
    await writeFile(join(ws, 'app', 'README.md'), '# two\n');
    const changed = await publish(ws, { name: 'rerun2', version: '1.0.0' });
    expect(changed.exitCode).toBe(1);
    expect(changed.errors.at(-1)).toBe(
      'rerun2 1.0.0 already exists in dev-feed; set if-exists: skip or overwrite (or publish a new version)',
    );
    expect(changed.stdout).toContain('was published from this commit (4f3c2a1), but with other content');
    await writeFile(join(ws, 'app', 'README.md'), '# one\n');
    const otherCommit = await publish(
      ws,
      { name: 'rerun2', version: '1.0.0' },
      { GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' },
    );
    expect(otherCommit.exitCode).toBe(1);
  });
});

describe('publish warns about what is rarely meant to be published', () => {
  it('names node_modules and how many files are under it', async () => {
    const ws = await workspaceWith('with-deps', {
      'index.js': 'x',
      'node_modules/left-pad/index.js': 'y',
      'node_modules/left-pad/package.json': '{}',
    });
    const run = await publish(ws, { name: 'deps', version: '1.0.0', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toContain(
      'The package holds 2 files under node_modules/ (e.g. node_modules/left-pad/index.js); if that is not intended, point "path" at the build output or add "node_modules" to "exclude".',
    );
  });

  it('leaves out what "!pattern" in include names', async () => {
    const ws = await workspaceWith('negated', { 'a.js': 'a', 'a.js.map': 'm', 'b.txt': 'b' });
    const run = await publish(ws, {
      name: 'neg',
      version: '1.0.0',
      include: '**/*.js*\n!**/*.map',
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('| Files | 1 |');
    expect(run.warnings).toEqual([]);
  });

  it('warns about an include pattern that matches nothing', async () => {
    const ws = await workspaceWith('nomatch', { 'src/a.ts': 'a', 'dist/a.js': 'b' });
    const run = await publish(ws, {
      name: 'nomatch',
      version: '1.0.0',
      include: 'dist/**\nbuild/**\n**/*.ts',
      'dry-run': 'true',
    });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([
      '"include" pattern build/** matches no file; check it against the files under "path".',
    ]);
  });

  it('warns about an exclude pattern (or !pattern) that matches nothing, not about one that did', async () => {
    const ws = await workspaceWith('noexclude', { 'src/a.ts': 'a', 'src/a.test.ts': 't', 'dist/a.js': 'b' });
    const run = await publish(ws, {
      name: 'noexclude',
      version: '1.0.0',
      include: '**\n!**/*.map',
      exclude: '**/*.test.ts\ncoverage/**',
      'dry-run': 'true',
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('| Files | 2 |');
    expect(run.warnings).toEqual([
      'Exclusion pattern **/*.map ("exclude", or "!**/*.map" in "include") matches no file; check it against the files under "path".',
      'Exclusion pattern coverage/** ("exclude", or "!coverage/**" in "include") matches no file; check it against the files under "path".',
    ]);
  });
});
