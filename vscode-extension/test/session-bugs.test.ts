// What a real session found (issue 14, bugs 1, 3, 6, 7), against the simulator through the real client
// and the one fake `vscode`: the palette offers only what the tree shows now, staleness is said in a way
// VS Code renders, a refused delete explains itself and Delete is no longer offered where the key lacks
// the privilege, and package descriptions render as untrusted Markdown.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, ProGetClient, type ProGetClientApi } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider } = await import('../src/tree/provider.js');
const { deleteVersion } = await import('../src/commands/packageCommands.js');
const { untrustedMarkdown } = await import('../src/markdown.js');
const vscode = await import('./fake-vscode.js');
type TreeNode = import('../src/tree/model.js').TreeNode;
type VersionNode = import('../src/tree/model.js').VersionNode;
type ServerRef = import('../src/tree/model.js').ServerRef;
type TreeItem = import('./fake-vscode.js').TreeItem;

const DESCRIPTION = [
  '# Widget',
  'A **bold** widget; see [the docs](https://docs.example/widget).',
  '',
  '[run me](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> $(zap)',
].join('\n');

let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
  dir = await mkdtemp(join(tmpdir(), 'proget-ext-bugs-'));
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'readme.txt'), 'x\n');
  const built = await buildPackage({
    sourceDir: src,
    manifest: { name: 'widget', version: '2.0.0', description: DESCRIPTION },
    outFile: join(dir, 'widget.upack'),
  });
  await new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' }).universal.upload('dev-feed', built.path);
}, 60_000);

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sim.setFaults([]);
  vscode.shown.length = 0;
  vscode.answers.length = 0;
  vscode.executed.length = 0;
});

function setup(key = 'demo-admin-key') {
  const servers: ServerRef[] = [{ url: sim.url, name: 'Sim' }];
  const clients = new Map<string, ProGetClientApi>();
  const provider = new FeedsTreeProvider({
    servers: () => servers,
    client: async (s) => {
      const c = clients.get(s.url) ?? new ProGetClient({ url: s.url, apiKey: key, retries: 0 });
      clients.set(s.url, c);
      return c;
    },
    auth: () => 'key',
    pageSize: () => 100,
    log: { warn: () => {}, debug: () => {} },
  });
  return { provider, servers };
}

type Provider = InstanceType<typeof FeedsTreeProvider>;
const item = (p: Provider, n: TreeNode) => p.getTreeItem(n) as unknown as TreeItem;

async function child(p: Provider, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const found = (await p.getChildren(parent)).find((c) => item(p, c).label === label);
  if (!found) throw new Error(`no ${label}`);
  return found;
}

async function expandHdars(p: Provider) {
  const server = await child(p, undefined, 'Sim');
  const feed = await child(p, server, 'dev-feed');
  const pkg = await child(p, feed, 'HDARS');
  const versions = (await p.getChildren(pkg)).filter((n): n is VersionNode => n.type === 'version');
  return { server, feed, pkg, versions };
}

describe('bug 1: the palette offers what the tree shows now', () => {
  test('a deleted version is no longer offered, at once and after a reload', async () => {
    const { provider } = setup();
    const { pkg, versions } = await expandHdars(provider);
    const offered = () => provider.knownNodes('version').map((v) => v.version);
    expect(offered()).toEqual(versions.map((v) => v.version));
    const victim = versions[versions.length - 1]!;
    await new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' }).universal.delete('dev-feed', {
      name: 'HDARS',
      version: victim.version,
    });
    provider.removed(victim);
    expect(offered()).not.toContain(victim.version);
    // Deleted by someone else: gone after the package reloads.
    const other = versions[versions.length - 2]!;
    await new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' }).universal.delete('dev-feed', {
      name: 'HDARS',
      version: other.version,
    });
    provider.refresh(pkg);
    await provider.getChildren(pkg);
    expect(offered()).not.toContain(other.version);
    expect(offered().length).toBe(versions.length - 2);
  });

  test("a removed server's feeds and versions are not offered", async () => {
    const { provider, servers } = setup();
    await expandHdars(provider);
    expect(provider.knownNodes('feed').length).toBeGreaterThan(0);
    servers.length = 0;
    provider.serversChanged();
    expect(provider.knownNodes('feed')).toEqual([]);
    expect(provider.knownNodes('version')).toEqual([]);
  });

  test('a filter hides what it does not match from the palette too', async () => {
    const { provider } = setup();
    const { feed } = await expandHdars(provider);
    provider.setFilter(feed as never, 'widget');
    await provider.getChildren(feed);
    expect(provider.knownNodes('package').map((p) => p.name)).toEqual(['widget']);
  });
});

describe('a key change reloads the server VS Code shows', () => {
  test('server nodes are the same objects each time, so a change event names what VS Code holds', async () => {
    const { provider, servers } = setup();
    const [shown] = await provider.getChildren();
    expect(provider.knownNodes('server')[0]).toBe(shown);
    expect((await provider.getChildren())[0]).toBe(shown);
    const fired: unknown[] = [];
    provider.onDidChangeTreeData((e) => fired.push(e));
    provider.reset(provider.knownNodes('server')[0]!);
    expect(fired).toEqual([shown]);
    // A new name is a new node (the root redraws); the old one is not handed out again.
    servers[0] = { ...servers[0]!, name: 'Renamed' };
    const [renamed] = await provider.getChildren();
    expect(renamed).not.toBe(shown);
    expect(renamed).toMatchObject({ server: { name: 'Renamed' } });
  });
});

describe('bug 3: staleness VS Code can render', () => {
  test('descriptions of stale nodes carry no codicon syntax; the icon and tooltip say it', async () => {
    const { provider } = setup();
    const { feed, pkg } = await expandHdars(provider);
    sim.setFaults([{ path: '/upack/dev-feed/', fault: { type: 'status', status: 503 } }]);
    provider.refresh(feed);
    await provider.getChildren(feed);
    await provider.getChildren(pkg);
    for (const node of [feed, pkg]) {
      const it = item(provider, node);
      expect(it.description).toMatch(/cached — refresh failed/);
      expect(String(it.description)).not.toMatch(/\$\(/);
      expect(it.iconPath?.id).toBe('warning');
      expect((it.tooltip as { value: string }).value).toContain('The last refresh failed');
    }
  });
});

describe('bug 6: a refused delete explains itself', () => {
  test('what, why, the fix and a Show Log button; Delete is then not offered in that feed', async () => {
    const { provider } = setup('demo-view-key');
    const { versions } = await expandHdars(provider);
    const v = versions[0]!;
    expect(item(provider, v).contextValue).toMatch(/\bdeletable\b/);
    vscode.answers.push('Delete', 'Show Log');
    const fired: unknown[] = [];
    provider.onDidChangeTreeData((e) => fired.push(e));
    const logged: string[] = [];
    await deleteVersion(
      {
        servers: {
          client: async () => new ProGetClient({ url: sim.url, apiKey: 'demo-view-key', retries: 0 }),
        },
        tree: provider,
        view: {},
        log: { info: () => {}, warn: () => {}, error: (m: string) => logged.push(m) },
      } as never,
      v,
    );
    const error = vscode.shown.find((m) => m.severity === 'error')!;
    expect(error.text).toMatch(
      /^Could not delete HDARS \S+ from dev-feed: The API key lacks a privilege: Feeds_DeletePackage .*\. Ask a ProGet administrator/,
    );
    expect(error.text).not.toMatch(/HTTP \d{3}|\n/);
    expect(error.buttons).toEqual(['Show Log']);
    expect(vscode.executed.map((e) => e.command)).toContain('proget.showLog');
    expect(logged[0]).toMatch(/Delete of HDARS .* failed/);
    expect(item(provider, v).contextValue).not.toMatch(/\bdeletable\b/);
    // The rows themselves are redrawn (VS Code re-reads a row's context value when the row is named).
    expect(fired).toContainEqual(expect.arrayContaining([v]));
    // The version is still there: nothing was deleted.
    expect(provider.knownNodes('version').map((n) => n.version)).toContain(v.version);
  });
});

describe('bug 7: package descriptions are rendered Markdown, untrusted', () => {
  test('the package tooltip renders the Markdown, keeps web links, drops command links and HTML', async () => {
    const { provider } = setup();
    const server = await child(provider, undefined, 'Sim');
    const feed = await child(provider, server, 'dev-feed');
    const widget = await child(provider, feed, 'widget');
    const tip = item(provider, widget).tooltip as {
      value: string;
      isTrusted?: boolean;
      supportHtml?: boolean;
    };
    expect(tip.value).toContain('A **bold** widget; see [the docs](https://docs.example/widget).');
    expect(tip.value).toContain('# Widget');
    expect(tip.value).not.toContain('command:');
    expect(tip.value).toContain('run me');
    expect(tip.value).not.toMatch(/<img|onerror/);
    expect(tip.value).toContain('\\$(zap)');
    expect(tip.isTrusted).toBe(false);
    expect(tip.supportHtml).toBe(false);
  });

  test('untrustedMarkdown keeps text and web links, takes out what could act', () => {
    expect(untrustedMarkdown('see [x](https://a.example/b) and [y](mailto:a@b.example)')).toBe(
      'see [x](https://a.example/b) and [y](mailto:a@b.example)',
    );
    expect(untrustedMarkdown('[a](command:x.y?%5B%5D) [b]( vscode://x ) [c](file:///etc/passwd)')).toBe(
      'a b c',
    );
    expect(untrustedMarkdown('<script>alert(1)</script>text<!-- hidden -->')).toBe('alert(1)text');
    expect(untrustedMarkdown('x'.repeat(10_000))).toHaveLength(4001);
  });
});
