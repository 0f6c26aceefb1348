// Publish a folder (issue 14): suggested name and version from the folder, core's buildPackage and upload
// against the simulator, progress and cancel (nothing published, no temp file left), the result revealed.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProGetClient, type ProGetClientApi } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider } = await import('../src/tree/provider.js');
const { publishFolder } = await import('../src/publish/publishFolder.js');
const { suggestFromFolder, cleanName } = await import('../src/publish/suggest.js');
const fake = await import('./fake-vscode.js');
type TreeNode = import('../src/tree/model.js').TreeNode;

let sim: SimulatorHandle;
let work: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2024' });
  work = await mkdtemp(join(tmpdir(), 'h12-publish-test-'));
});
afterAll(async () => {
  await sim.close();
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  fake.shown.length = 0;
  fake.quickPickAnswers.length = 0;
});

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

function setup() {
  const server = { url: sim.url, name: 'Sim' };
  const client: ProGetClientApi = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0 });
  const logs: string[] = [];
  const tree = new FeedsTreeProvider({
    servers: () => [server],
    client: async () => client,
    auth: () => 'key',
    pageSize: () => 2,
    log: { warn: (m) => logs.push(m), debug: () => {} },
  });
  const revealed: TreeNode[] = [];
  const view = { reveal: async (n: TreeNode) => void revealed.push(n) };
  const deps = {
    servers: { list: () => [server], client: async () => client },
    tree,
    view,
    log: { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) },
  };
  return { deps, client, revealed, logs };
}

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const leftovers = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('proget-publish-'));

/** Answers the steps: the feed pick, then the id and version boxes (each with the given text, or as suggested). */
async function answer(feed: string, id?: string, version?: string) {
  const before = fake.inputBoxes.length;
  fake.quickPickAnswers.push((items) => items.find((i) => i.label === feed));
  return {
    async steps() {
      await until('the package box', () => fake.inputBoxes.length === before + 1);
      const idBox = fake.inputBoxes[before]!;
      const suggested = { id: idBox.value, idStep: [idBox.title, idBox.step, idBox.totalSteps] };
      await idBox.enter(id ?? idBox.value);
      await until('the version box', () => fake.inputBoxes.length === before + 2);
      const vBox = fake.inputBoxes[before + 1]!;
      const out = { ...suggested, version: vBox.value, vStep: [vBox.title, vBox.step, vBox.totalSteps] };
      await vBox.enter(version ?? vBox.value);
      return out;
    },
  };
}

describe('Publish to ProGet (folder)', () => {
  test('suggests from package.json, builds, uploads and reveals the new version', async () => {
    const { deps, client, revealed } = setup();
    const dir = await folder('web', {
      'package.json': JSON.stringify({ name: '@acme/web-ui', version: '3.1.0', description: 'The UI' }),
      'dist/index.html': '<h1>hi</h1>',
      '.git/HEAD': 'ref: refs/heads/main',
    });
    const before = await leftovers();
    const a = await answer('dev-feed');
    const running = publishFolder(deps, fake.Uri.file(dir) as never);
    const seen = await a.steps();
    const result = await running;
    expect(seen).toEqual({
      id: 'acme/web-ui',
      idStep: ['Publish to ProGet: web', 3, 4],
      version: '3.1.0',
      vStep: ['Publish to ProGet: web', 4, 4],
    });
    expect(result?.manifest).toMatchObject({
      group: 'acme',
      name: 'web-ui',
      version: '3.1.0',
      description: 'The UI',
    });
    const v = await client.universal.getVersion(
      'dev-feed',
      { group: 'acme', name: 'web-ui', version: '3.1.0' },
      { includeFileList: true },
    );
    expect(v?.fileList?.map((f) => f.name).sort()).toEqual(['dist/index.html', 'package.json']);
    expect(revealed.at(-1)).toMatchObject({ type: 'version', version: '3.1.0' });
    expect(fake.shown.at(-1)!.text).toMatch(/^Published acme\/web-ui 3\.1\.0 to dev-feed on Sim \(/);
    const p = fake.progress.at(-1)!;
    expect(p.title).toBe('Publishing acme/web-ui 3.1.0 to dev-feed');
    expect(p.reports.some((r) => r.message?.startsWith('uploading'))).toBe(true);
    expect(p.reports.reduce((sum, r) => sum + (r.increment ?? 0), 0)).toBeLessThanOrEqual(100.001);
    expect(await leftovers()).toEqual(before);
  });

  test("a folder's upack.json is the manifest (not content); a name typed over the suggestion wins", async () => {
    const { deps, client } = setup();
    const dir = await folder('tool', {
      'upack.json': JSON.stringify({
        group: 'tools',
        name: 'cli',
        version: '0.9.0',
        title: 'The CLI',
        _commit: 'abc',
      }),
      'bin/run.sh': 'echo hi',
    });
    const a = await answer('approved-feed', 'tools/cli-next', '1.0.0');
    const running = publishFolder(deps, fake.Uri.file(dir) as never);
    expect((await a.steps()).id).toBe('tools/cli');
    await running;
    const v = await client.universal.getVersion(
      'approved-feed',
      { group: 'tools', name: 'cli-next', version: '1.0.0' },
      { includeFileList: true },
    );
    expect(v?.title).toBe('The CLI');
    expect(v?.fileList?.map((f) => f.name)).toEqual(['bin/run.sh']);
  });

  test('cancel: nothing is published and no temp file is left', async () => {
    const { deps, client } = setup();
    const dir = await folder('cancelled', { 'a.txt': 'x'.repeat(100_000) });
    const before = await leftovers();
    const a = await answer('dev-feed');
    fake.progressPlan.cancelNext = true;
    const running = publishFolder(deps, fake.Uri.file(dir) as never);
    await a.steps();
    expect(await running).toBeUndefined();
    expect(
      await client.universal.getVersion('dev-feed', { name: 'cancelled', version: '1.0.0' }),
    ).toBeUndefined();
    expect(fake.shown.at(-1)!.text).toBe('Publishing cancelled 1.0.0 was cancelled; nothing was published.');
    expect(await leftovers()).toEqual(before);
  });

  test('cancel during the upload: the server stores nothing, no temp file is left', async () => {
    const { deps, client } = setup();
    const dir = await folder('mid-upload', { 'big.bin': randomBytes(512 * 1024).toString('base64') });
    const before = await leftovers();
    // The server waits before answering, so the cancel lands while the upload is open.
    sim.setFaults([{ path: '/upack/dev-feed/upload', fault: { type: 'latency', ms: 3000 } }]);
    try {
      const a = await answer('dev-feed');
      fake.progressPlan.cancelWhen = (r) => r.message?.startsWith('uploading') ?? false;
      const running = publishFolder(deps, fake.Uri.file(dir) as never);
      await a.steps();
      expect(await running).toBeUndefined();
    } finally {
      sim.setFaults([]);
      fake.progressPlan.cancelWhen = undefined;
    }
    expect(fake.shown.at(-1)!.text).toBe('Publishing mid-upload 1.0.0 was cancelled; nothing was published.');
    // Give the server its delay: even after it, nothing arrives.
    await new Promise((r) => setTimeout(r, 3500));
    expect(
      await client.universal.getVersion('dev-feed', { name: 'mid-upload', version: '1.0.0' }),
    ).toBeUndefined();
    expect(await leftovers()).toEqual(before);
  });

  test('a version already in the feed is refused before anything is built', async () => {
    const { deps } = setup();
    const dir = await folder('HDARS', { 'x.txt': 'x' });
    const a = await answer('dev-feed', undefined, '1.3.10');
    const running = publishFolder(deps, fake.Uri.file(dir) as never);
    await a.steps();
    expect(await running).toBeUndefined();
    expect(fake.shown.at(-1)).toMatchObject({
      severity: 'error',
      text: 'HDARS 1.3.10 is already in dev-feed on Sim. Publish another version (versions are not replaced from here).',
    });
    expect(fake.progress.at(-1)?.title).not.toBe('Publishing HDARS 1.3.10 to dev-feed');
  });

  test('bad names and versions are said in the box, in the words of the input', async () => {
    const { deps } = setup();
    const dir = await folder('bad', { 'x.txt': 'x' });
    const before = fake.inputBoxes.length;
    fake.quickPickAnswers.push((items) => items.find((i) => i.label === 'dev-feed'));
    const running = publishFolder(deps, fake.Uri.file(dir) as never);
    await until('the package box', () => fake.inputBoxes.length === before + 1);
    const box = fake.inputBoxes[before]!;
    await box.enter('a b/c');
    expect(String(box.validationMessage)).toMatch(/the group/);
    expect(box.disposed).toBe(false);
    await box.enter('ok');
    await until('the version box', () => fake.inputBoxes.length === before + 2);
    const vBox = fake.inputBoxes[before + 1]!;
    await vBox.enter('one');
    expect(String(vBox.validationMessage)).toMatch(/the version/);
    vBox.close();
    expect(await running).toBeUndefined();
  });

  test('suggestions: the folder name when there is no manifest', async () => {
    expect(await suggestFromFolder(await folder('My Lib!', {}))).toMatchObject({
      name: 'My-Lib',
      version: '1.0.0',
      source: 'folder',
    });
    expect(cleanName('--x--')).toBe('x');
  });
});
