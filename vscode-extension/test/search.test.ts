// Search across feeds and servers (issue 14): every universal feed of every server, the tree's cached lists
// used and the missing ones fetched (and kept), results as they arrive, the chosen package revealed.

import { ProGetClient, type ProGetClientApi } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider } = await import('../src/tree/provider.js');
const { searchPackages } = await import('../src/search/search.js');
const { packageIdText } = await import('../src/tree/model.js');
const fake = await import('./fake-vscode.js');
type TreeNode = import('../src/tree/model.js').TreeNode;

let a: SimulatorHandle;
let b: SimulatorHandle;
beforeAll(async () => {
  a = await startSimulator({ seed: 'demo', versionMode: '2023' });
  b = await startSimulator({ seed: 'demo', versionMode: '2026' });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

function setup(servers: { url: string; name: string }[], pageSize = 2) {
  const clients = new Map<string, ProGetClientApi>();
  const warnings: string[] = [];
  const tree = new FeedsTreeProvider({
    servers: () => servers,
    client: async (s) => {
      const c = clients.get(s.url) ?? new ProGetClient({ url: s.url, apiKey: 'demo-admin-key', retries: 0 });
      clients.set(s.url, c);
      return c;
    },
    auth: () => 'key',
    pageSize: () => pageSize,
    log: { warn: (m) => warnings.push(m), debug: () => {} },
  });
  const revealed: { node: TreeNode; options: unknown }[] = [];
  const view = {
    reveal: async (node: TreeNode, options: unknown) => {
      revealed.push({ node, options });
    },
  };
  const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
  return { tree, view, revealed, warnings, log };
}

describe('ProGet: Search Packages', () => {
  test('lists the packages of every universal feed of every server, busy until all are in', async () => {
    const s = setup([
      { url: a.url, name: 'Old' },
      { url: b.url, name: 'New' },
    ]);
    const before = a.requests().length;
    const found = searchPackages(s);
    const pick = fake.quickPicks.at(-1)!;
    expect(pick.busy).toBe(true);
    await until('all feeds', () => !pick.busy);
    const ids = (pick.items as { label: string; description?: string; detail?: string }[]).map(
      (i) => `${i.description ? `${i.description}/` : ''}${i.label} | ${i.detail}`,
    );
    // dev-feed and approved-feed of both servers; not the inactive old-feed, not the NuGet feed.
    expect(ids.filter((i) => i.includes(' on Old'))).toHaveLength(6);
    expect(ids.filter((i) => i.includes(' on New'))).toHaveLength(6);
    expect(ids).toContain(
      'initrode/vendors/abl/ABLast | ast distribution files for ABL — approved-feed 2.2.1 on New',
    );
    expect(ids.some((i) => i.includes('Newtonsoft'))).toBe(false);
    expect(pick.title).toMatch(/^Search ProGet Packages — 12 packages in 4 feeds$/);
    expect(pick.matchOnDescription && pick.matchOnDetail).toBe(true);
    // Whole lists were asked for (count = the ceiling), never old-feed.
    const paths = a
      .requests()
      .slice(before)
      .map((r) => r.url);
    expect(paths.some((p) => p.includes('/upack/old-feed'))).toBe(false);
    pick.close();
    expect(await found).toBeUndefined();
  });

  test('uses the lists the tree holds and keeps the ones it fetched for the tree', async () => {
    const s = setup([{ url: a.url, name: 'Old' }], 100);
    const [server] = await s.tree.getChildren();
    const feeds = await s.tree.getChildren(server);
    const dev = feeds.find((f) => f.type === 'feed' && f.feed.name === 'dev-feed')!;
    await s.tree.getChildren(dev);
    const before = a.requests().length;
    void searchPackages(s);
    const pick = fake.quickPicks.at(-1)!;
    await until('all feeds', () => !pick.busy);
    const asked = a
      .requests()
      .slice(before)
      .map((r) => r.url);
    // dev-feed was listed whole by the tree already; only approved-feed was fetched.
    expect(asked.filter((p) => p.startsWith('/upack/dev-feed/packages'))).toEqual([]);
    expect(asked.filter((p) => p.startsWith('/upack/approved-feed/packages'))).toHaveLength(1);
    pick.close();
    // The tree now shows approved-feed from what search fetched: no new request.
    const approved = feeds.find((f) => f.type === 'feed' && f.feed.name === 'approved-feed')!;
    const again = a.requests().length;
    const children = await s.tree.getChildren(approved);
    expect(children.map((c) => (c.type === 'package' ? packageIdText(c) : c.type))).toEqual([
      'initrode/vendors/abl/ABLast',
    ]);
    expect(a.requests().length).toBe(again);
  });

  test('the chosen package is revealed in the tree, its feed showing enough pages to hold it', async () => {
    const s = setup([{ url: a.url, name: 'Old' }], 2);
    const found = searchPackages(s);
    const pick = fake.quickPicks.at(-1)!;
    await until('all feeds', () => !pick.busy);
    const item = (pick.items as { label: string; detail?: string }[]).find(
      (i) => i.label === 'var-index-service' && i.detail?.includes('dev-feed'),
    )!;
    await pick.choose(item);
    const pkg = await found;
    expect(pkg && packageIdText(pkg)).toBe('virtudyne/simdesk/var-index-service');
    expect(s.revealed).toHaveLength(1);
    expect(s.revealed[0]!.node).toBe(pkg);
    expect(s.revealed[0]!.options).toEqual({ select: true, focus: true, expand: false });
    // The node revealed is one the tree presents under its feed (page size 2: it is 5th, so 3 pages show).
    const children = await s.tree.getChildren(pkg!.parent);
    expect(children).toContain(pkg);
    expect(pick.disposed).toBe(true);
  });

  test('a server that cannot be reached is said in the title; the others still answer', async () => {
    const s = setup([
      { url: 'http://127.0.0.1:9', name: 'Down' },
      { url: a.url, name: 'Old' },
    ]);
    void searchPackages(s);
    const pick = fake.quickPicks.at(-1)!;
    await until('all feeds', () => !pick.busy);
    expect(pick.items).toHaveLength(6);
    expect(pick.title).toMatch(/1 could not be listed \(see the log\)$/);
    expect(s.warnings.join('\n')).toMatch(/Search: the feeds of Down could not be listed: .*ECONNREFUSED/);
    pick.close();
  });
});

describe('Search Packages on large feeds (issue 17: first results before whole lists)', () => {
  test('a feed not loaded yet shows its first page at once; its whole list then replaces it, once', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `p-${String(i).padStart(3, '0')}`);
    let release!: () => void;
    const wholeAsked = new Promise<void>((r) => {
      release = r;
    });
    const counts: (number | undefined)[] = [];
    const client = {
      feeds: { list: async () => [{ name: 'big', feedType: 'universal', active: true }] },
      universal: {
        async listPackages(_feed: string, o?: { count?: number }) {
          counts.push(o?.count);
          // The whole list waits until the test has seen the first page.
          if ((o?.count ?? 1000) > 100) await wholeAsked;
          return names
            .slice(0, o?.count ?? 1000)
            .map((name) => ({ name, downloads: 0, versions: ['1.0.0'] }));
        },
        async meta() {
          return { packageCount: names.length, services: [] };
        },
      },
    } as unknown as ProGetClientApi;
    const tree = new FeedsTreeProvider({
      servers: () => [{ url: 'https://big.example', name: 'Big' }],
      client: async () => client,
      auth: () => 'key',
      pageSize: () => 20,
      log: { warn: () => {}, debug: () => {} },
    });
    const found = searchPackages({
      tree,
      view: { reveal: async () => {} },
      log: { info: () => {}, warn: () => {} },
    });
    const pick = fake.quickPicks.at(-1)!;
    await until('the first page', () => pick.items.length > 0);
    expect(pick.items.map((i) => i.label)).toEqual(names.slice(0, 20));
    expect(pick.busy).toBe(true);
    expect(pick.title).toBe('Search ProGet Packages — 20 packages in 0 of 1+ feeds');
    // Someone highlights a row of the first page; it stays highlighted when the whole list comes.
    pick.activeItems = [pick.items[5]!];
    release();
    await until('the whole list', () => !pick.busy);
    expect(pick.items.map((i) => i.label)).toEqual(names);
    expect(pick.activeItems.map((i) => i.label)).toEqual(['p-005']);
    expect(pick.items).toContain(pick.activeItems[0]);
    expect(pick.title).toBe('Search ProGet Packages — 300 packages in 1 feeds');
    expect(counts).toEqual([21, 100_000]);
    // The tree holds the whole list now: expanding the feed asks nothing more.
    const [server] = await tree.getChildren();
    const [big] = await tree.getChildren(server);
    const kids = await tree.getChildren(big);
    expect(kids.filter((k) => k.type === 'package')).toHaveLength(20);
    expect(counts).toHaveLength(2);
    pick.close();
    expect(await found).toBeUndefined();
  });
});
