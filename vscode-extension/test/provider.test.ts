// The Feeds tree provider against the ProGet simulator through the real core client: what each level
// lists, paging, filter, error items, the last good tree, stable ids, and tooltips.

import { ProGetClient, type ProGetClientApi } from '@proget-ci/core';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider } = await import('../src/tree/provider.js');
const { nodeId } = await import('../src/tree/model.js');
const vscode = await import('./fake-vscode.js');
type TreeNode = import('../src/tree/model.js').TreeNode;
type ServerRef = import('../src/tree/model.js').ServerRef;
type TreeItem = import('./fake-vscode.js').TreeItem;

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.setFaults([]);
});

interface Setup {
  servers: (ServerRef & { key?: string })[];
  pageSize?: number;
}

function makeProvider(setup: Setup) {
  const clients = new Map<string, ProGetClientApi>();
  const warnings: string[] = [];
  const provider = new FeedsTreeProvider({
    servers: () => setup.servers.map(({ url, name }) => ({ url, name })),
    client: async (server) => {
      const key = setup.servers.find((s) => s.url === server.url)?.key;
      let c = clients.get(`${server.url}|${key}`);
      if (!c) {
        c = new ProGetClient({ url: server.url, apiKey: key, retries: 0, timeoutMs: 5000 });
        clients.set(`${server.url}|${key}`, c);
      }
      return c;
    },
    auth: (server) => (setup.servers.find((s) => s.url === server.url)?.key ? 'key' : 'anonymous'),
    pageSize: () => setup.pageSize ?? 100,
    log: { warn: (m) => warnings.push(m), debug: () => {} },
  });
  return { provider, warnings };
}

const item = (p: InstanceType<typeof FeedsTreeProvider>, n: TreeNode) =>
  p.getTreeItem(n) as unknown as TreeItem;
const label = (p: InstanceType<typeof FeedsTreeProvider>, n: TreeNode) => item(p, n).label;

async function child(p: InstanceType<typeof FeedsTreeProvider>, parent: TreeNode | undefined, text: string) {
  const children = await p.getChildren(parent);
  const found = children.find((c) => label(p, c) === text);
  if (!found) throw new Error(`no child "${text}" among ${children.map((c) => label(p, c)).join(', ')}`);
  return found;
}

/** The simulator logs a request when its connection closes, a moment after the client is done. */
async function settledRequestCount(): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  return sim.requests().length;
}

const admin = () => ({ url: sim.url, name: 'Sim', key: 'demo-admin-key' });

describe('levels', () => {
  test('servers → feeds with type icons, inactive feeds marked', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    expect(label(provider, server!)).toBe('Sim');
    const feeds = await provider.getChildren(server);
    expect(feeds.map((f) => label(provider, f))).toEqual([
      'approved-feed',
      'dev-feed',
      'nuget-feed',
      'old-feed',
    ]);
    const old = item(provider, feeds[3]!);
    expect(old.description).toBe('universal · inactive');
    expect(old.contextValue).toBe('proget.feed;universal;inactive');
    expect(old.iconPath?.color?.id).toBe('disabledForeground');
    expect(item(provider, feeds[2]!).iconPath?.id).toBe('symbol-class');
    expect(item(provider, feeds[1]!).iconPath?.id).toBe('package');
  });

  test('an inactive feed explains itself instead of showing its 404', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const old = await child(provider, server, 'old-feed');
    const [message] = await provider.getChildren(old);
    expect(message).toMatchObject({ type: 'message', severity: 'info', action: { kind: 'openInProGet' } });
    expect(label(provider, message!)).toMatch(/^Feed is inactive/);
  });

  test('universal packages show the latest version and a Markdown tooltip', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const packages = await provider.getChildren(dev);
    // ProGet's order: by group ("" first; "-" before "/"), then by name.
    expect(packages.map((p) => label(provider, p))).toEqual([
      'HDARS',
      'ast-common',
      'ABLast',
      'simdesk-bundle',
      'var-index-service',
    ]);
    const hdars = item(provider, packages[0]!);
    expect(hdars.description).toBe('1.3.10');
    expect(hdars.contextValue).toBe('proget.package;universal');
    const tip = (hdars.tooltip as { value: string }).value;
    expect(tip).toContain('**HDARS**');
    expect(tip).toContain('155 downloads');
    expect(tip).toContain('4 versions');
  });

  test('versions newest first, prerelease marked, promotable where another feed of the type exists', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const hdars = await child(provider, dev, 'HDARS');
    const versions = await provider.getChildren(hdars);
    expect(versions.map((v) => label(provider, v))).toEqual(['1.3.10', '1.3.9', '1.3.7', '0.0.22']);
    const latest = item(provider, versions[0]!);
    expect(latest.description).toBe('2016-01-09');
    expect(latest.contextValue).toBe('proget.version;universal;stable;promotable;downloadable;deletable');
    expect(latest.collapsibleState).toBe(vscode.TreeItemCollapsibleState.Collapsed);

    const ast = await child(provider, dev, 'ast-common');
    const [rc] = await provider.getChildren(ast);
    expect(label(provider, rc!)).toBe('2.1.0-rc.1');
    expect(item(provider, rc!).description).toContain('prerelease');
    expect(item(provider, rc!).iconPath?.id).toBe('beaker');
    expect(item(provider, rc!).contextValue).toMatch(/;prerelease;/);
  });

  test('files nest in folders from the file list, upack.json first; files open through proget: URIs', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const hdars = await child(provider, dev, 'HDARS');
    const v = await child(provider, hdars, '1.3.10');
    const top = await provider.getChildren(v);
    expect(top.map((n) => label(provider, n))).toEqual(['upack.json', 'package']);
    const pkg = top[1]!;
    const inside = await provider.getChildren(pkg);
    expect(inside.map((n) => label(provider, n))).toEqual(['assets', 'example.txt', 'index.htm']);
    const assets = await provider.getChildren(inside[0]);
    expect(assets.map((n) => label(provider, n))).toEqual(['muth.png', 'styles.css']);
    const png = item(provider, assets[0]!);
    expect(png.description).toBe('1.7 KB');
    expect(png.command?.command).toBe('proget.openFile');
    const uri = png.resourceUri!.toString();
    expect(uri.startsWith('proget:/dev-feed/HDARS/1.3.10/package/assets/muth.png?')).toBe(true);
    expect(uri).not.toContain('demo-admin-key');
    expect(provider.fileFact).toBeTypeOf('function');
  });

  test('non-universal feeds list packages and versions through the Packages API', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const nuget = await child(provider, server, 'nuget-feed');
    const packages = await provider.getChildren(nuget);
    expect(packages.map((p) => label(provider, p))).toContain('Newtonsoft.Json');
    const nj = packages.find((p) => label(provider, p) === 'Newtonsoft.Json')!;
    expect(item(provider, nj).description).toBe('13.0.3');
    const versions = await provider.getChildren(nj);
    expect(versions.map((v) => label(provider, v))).toContain('13.0.3');
    const v = item(provider, versions[0]!);
    expect(v.collapsibleState).toBe(vscode.TreeItemCollapsibleState.None);
    expect(v.contextValue).toMatch(/^proget\.version;nuget;/);
    expect(v.contextValue).not.toContain('downloadable');
  });

  test('a feed type the Packages API does not list offers "Open in ProGet" instead of an error', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const nuget = await child(provider, server, 'nuget-feed');
    sim.setFaults([
      { path: '/api/packages/nuget-feed', fault: { type: 'status', status: 404, body: 'Not found' } },
    ]);
    const [message] = await provider.getChildren(nuget);
    expect(message).toMatchObject({ type: 'message', severity: 'info', action: { kind: 'openInProGet' } });
    expect(item(provider, message!).label).toBe('Browse nuget packages in ProGet — open in ProGet');
    expect(item(provider, message!).command?.command).toBe('proget.openInProGet');
  });

  test('hovering a version fetches its size and hashes', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const hdars = await child(provider, dev, 'HDARS');
    const [v] = await provider.getChildren(hdars);
    const resolved = (await provider.resolveTreeItem(
      provider.getTreeItem(v!),
      v!,
      new vscode.CancellationTokenSource().token as never,
    )) as unknown as TreeItem;
    const tip = (resolved.tooltip as { value: string }).value;
    expect(tip).toContain('| Size | 2.6 KB (2,641 bytes) |');
    expect(tip).toContain('SHA-256 | `3b1ad11f9d919f6e3b41fcb5f6bec4514d023d835c0cf132d728eea8f565772f`');
    expect(tip).toContain('SHA-1');
  });
});

describe('paging', () => {
  test('first page, then "Load more (n of total)" until everything is shown', async () => {
    const { provider } = makeProvider({ servers: [admin()], pageSize: 2 });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    let kids = await provider.getChildren(dev);
    expect(kids.map((k) => label(provider, k))).toEqual(['HDARS', 'ast-common', 'Load more (2 of 5)']);
    provider.loadMore(kids[2] as never);
    kids = await provider.getChildren(dev);
    expect(kids.map((k) => label(provider, k)).at(-1)).toBe('Load more (4 of 5)');
    expect(kids).toHaveLength(5);
    // Past the first page the whole list is fetched once; later pages come from it without a request.
    const requestsBefore = await settledRequestCount();
    provider.loadMore(kids[4] as never);
    kids = await provider.getChildren(dev);
    expect(kids).toHaveLength(5);
    expect(kids.some((k) => k.type === 'loadMore')).toBe(false);
    expect(await settledRequestCount()).toBe(requestsBefore);
  });

  test('versions page too, and the load-more item has a stable id', async () => {
    const { provider } = makeProvider({ servers: [admin()], pageSize: 3 });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const hdars = await child(provider, dev, 'HDARS');
    const kids = await provider.getChildren(hdars);
    expect(kids.map((k) => label(provider, k))).toEqual(['1.3.10', '1.3.9', '1.3.7', 'Load more (3 of 4)']);
    expect(item(provider, kids[3]!).id).toBe(`${nodeId(hdars)}/more`);
  });

  test('ids are stable across refresh, so expanded nodes stay expanded', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    const before = (await provider.getChildren(dev)).map((k) => item(provider, k).id);
    const changes: unknown[] = [];
    provider.onDidChangeTreeData((e) => changes.push(e));
    provider.refresh(dev);
    expect(changes).toEqual([dev]);
    const after = (await provider.getChildren(dev)).map((k) => item(provider, k).id);
    expect(after).toEqual(before);
    expect(new Set(after).size).toBe(after.length);
    expect(after[2]).toBe(`${nodeId(dev)}/pkg:initrode%2Fvendors%2Fabl:ABLast`);
  });
});

describe('refresh', () => {
  test('a refresh asked for during a load is not answered with that older load', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    await settledRequestCount();
    const listed = () => sim.requests().filter((r) => r.url.startsWith('/upack/dev-feed/packages')).length;
    const before = listed();
    sim.setFaults([{ path: '/upack/dev-feed/packages', times: 1, fault: { type: 'latency', ms: 300 } }]);
    provider.refresh(dev);
    const first = provider.getChildren(dev);
    await new Promise((r) => setTimeout(r, 50));
    provider.refresh(dev);
    const second = provider.getChildren(dev);
    await Promise.all([first, second]);
    await settledRequestCount();
    expect(listed() - before).toBe(2);
  });
});

describe('filter', () => {
  test('filters by substring or wildcard, shows it in the description, explains no match, clears', async () => {
    const { provider } = makeProvider({ servers: [admin()], pageSize: 2 });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    provider.setFilter(dev as never, 'simdesk');
    let kids = await provider.getChildren(dev);
    expect(kids.map((k) => label(provider, k))).toEqual(['simdesk-bundle', 'var-index-service']);
    expect(item(provider, dev).description).toBe('universal · filter: "simdesk"');
    expect(item(provider, dev).contextValue).toBe('proget.feed;universal;active;filtered');

    provider.setFilter(dev as never, 'init*abl');
    kids = await provider.getChildren(dev);
    expect(kids.map((k) => label(provider, k))).toEqual(['ABLast']);

    provider.setFilter(dev as never, 'nothing-like-this');
    kids = await provider.getChildren(dev);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ type: 'message', action: { kind: 'clearFilter' } });
    expect(label(provider, kids[0]!)).toBe('No packages match "nothing-like-this" — clear filter');

    provider.setFilter(dev as never, undefined);
    kids = await provider.getChildren(dev);
    expect(kids.map((k) => label(provider, k)).at(-1)).toBe('Load more (2 of 5)');
    expect(item(provider, dev).description).toBe('universal');
  });
});

describe('errors', () => {
  test('an unreachable server gives a retry item, not an empty node', async () => {
    const { provider } = makeProvider({ servers: [{ url: 'http://127.0.0.1:9', name: 'Nowhere' }] });
    const [server] = await provider.getChildren();
    const kids = await provider.getChildren(server);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ type: 'message', severity: 'error', action: { kind: 'retry' } });
    const it = item(provider, kids[0]!);
    expect(it.label).toBe('Server unreachable — retry');
    expect(it.description).toMatch(/ECONNREFUSED/);
    expect(it.command).toMatchObject({ command: 'proget.refreshNode', arguments: [server] });
  });

  test('anonymous access the server refuses gives a "set API key" item', async () => {
    const { provider } = makeProvider({ servers: [{ url: sim.url, name: 'Anon' }] });
    const [server] = await provider.getChildren();
    const kids = await provider.getChildren(server);
    expect(kids[0]).toMatchObject({ type: 'message', action: { kind: 'setApiKey' } });
    expect(label(provider, kids[0]!)).toBe('Needs an API key — set API key…');
    expect(item(provider, kids[0]!).command?.command).toBe('proget.setApiKey');
  });

  test('a rejected key (ProGet lists no feeds for it) gives a "set API key" hint', async () => {
    const { provider } = makeProvider({ servers: [{ url: sim.url, name: 'Bad', key: 'wrong-key' }] });
    const [server] = await provider.getChildren();
    const kids = await provider.getChildren(server);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ type: 'message', key: 'empty', action: { kind: 'setApiKey' } });
    expect(label(provider, kids[0]!)).toMatch(/API key may be rejected/);
  });

  test('a failed refresh keeps the last good children, marked stale, until a refresh succeeds', async () => {
    const { provider, warnings } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const good = (await provider.getChildren(server)).map((k) => label(provider, k));
    sim.setFaults([
      { path: '/api/management/feeds/list', fault: { type: 'status', status: 503, body: 'down' } },
    ]);
    provider.refresh(server);
    const stale = await provider.getChildren(server);
    expect(stale[0]).toMatchObject({
      type: 'message',
      key: 'stale',
      severity: 'warning',
      action: { kind: 'retry' },
    });
    expect(label(provider, stale[0]!)).toBe('Refresh failed — retry');
    expect(item(provider, stale[0]!).description).toMatch(
      /^server error; showing results from \d\d:\d\d UTC$/,
    );
    expect(stale.slice(1).map((k) => label(provider, k))).toEqual(good);
    expect(item(provider, server!).description).toContain('refresh failed — showing cached feeds');
    expect(warnings.some((w) => w.includes('Loading feeds of') && w.includes('503'))).toBe(true);
    // Asking again without a refresh does not hammer the server.
    const count = await settledRequestCount();
    await provider.getChildren(server);
    expect(await settledRequestCount()).toBe(count);

    sim.setFaults([]);
    provider.refresh(server);
    const redrawn: unknown[] = [];
    provider.onDidChangeTreeData((e) => redrawn.push(e));
    const fresh = await provider.getChildren(server);
    await new Promise((r) => setTimeout(r, 5));
    expect(redrawn).toContain(server);
    expect(fresh.map((k) => label(provider, k))).toEqual(good);
    expect(item(provider, server!).description).not.toContain('showing cached');
  });

  test('after a key change, reset drops the cached children instead of showing them as last good', async () => {
    const setup: Setup = { servers: [admin()] };
    const { provider } = makeProvider(setup);
    const [server] = await provider.getChildren();
    expect((await provider.getChildren(server)).length).toBe(4);
    setup.servers = [{ url: sim.url, name: 'Sim' }];
    provider.reset(server as never);
    const kids = await provider.getChildren(server);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ type: 'message', key: 'error', action: { kind: 'setApiKey' } });
  });

  test('a failed first load of a feed shows the error with its server text', async () => {
    const { provider } = makeProvider({ servers: [admin()] });
    const [server] = await provider.getChildren();
    const dev = await child(provider, server, 'dev-feed');
    sim.setFaults([
      { path: '/upack/dev-feed/packages', fault: { type: 'status', status: 500, body: 'database down' } },
    ]);
    const kids = await provider.getChildren(dev);
    expect(kids[0]).toMatchObject({ type: 'message', severity: 'error', action: { kind: 'retry' } });
    expect(item(provider, kids[0]!).label).toBe('Server error 500 — retry');
    expect(item(provider, kids[0]!).description).toBe('database down');
  });
});
