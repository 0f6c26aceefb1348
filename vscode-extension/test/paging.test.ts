// Two-step loading of a universal feed: the first page from `count = pageSize + 1` with the total from
// /meta, the whole list only when "Load more" goes past that page or a filter needs it. Rows must never be
// duplicated, skipped or reordered across "Load more" and refresh: checked against the simulator (with
// package names chosen where orderings differ) and against servers that order their lists otherwise.

import type { Feed, ProGetClientApi, UniversalFeedMeta, UniversalPackage } from '@proget-ci/core';
import { ProGetClient } from '@proget-ci/core';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';
import { ADMIN, raw, upack } from '../../test/sim/testing.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider, MAX_LISTED_PACKAGES } = await import('../src/tree/provider.js');
const { nodeId } = await import('../src/tree/model.js');
const { comparePackages, firstOutOfOrder } = await import('../src/tree/order.js');
type TreeNode = import('../src/tree/model.js').TreeNode;
type Provider = InstanceType<typeof FeedsTreeProvider>;

// Where orderings disagree: case, digits (not numeric: 10 before 9), `-` `.` `_` against letters, the
// empty group against named ones, `/` against `-` inside groups. Uploaded shuffled, so the order the
// server lists them in is not the order they arrived in.
const TRICKY: { group: string; name: string }[] = [
  { group: '', name: 'zeta' },
  { group: '', name: 'Alpha' },
  { group: '', name: 'alpha-2' },
  { group: '', name: 'alpha_1' },
  { group: '', name: 'alpha.3' },
  { group: '', name: 'alpha10' },
  { group: '', name: 'alpha9' },
  { group: '', name: 'Beta-10' },
  { group: '', name: 'beta-9' },
  { group: 'a', name: 'one' },
  { group: 'a/b', name: 'one' },
  { group: 'a/b', name: 'Two' },
  { group: 'a-b', name: 'one' },
  { group: 'a/b/c', name: 'one' },
  { group: 'a.b', name: 'one' },
  { group: 'a_b', name: 'one' },
  { group: 'A/B-C', name: 'one' },
  { group: 'x10', name: 'p' },
  { group: 'x9', name: 'p' },
  { group: 'x-1', name: 'p' },
  { group: 'X', name: 'p-10' },
  { group: 'X', name: 'p-9' },
  { group: 'X', name: 'P' },
];

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 'demo',
    versionMode: '2023',
    feeds: [{ name: 'order-feed', feedType: 'universal' }],
  });
  // A fixed shuffle (stride 7 over 23 entries visits each once).
  for (let i = 0, j = 0; i < TRICKY.length; i++, j = (j + 7) % TRICKY.length) {
    const { group, name } = TRICKY[j]!;
    const body = await upack({ ...(group ? { group } : {}), name, version: '1.0.0' });
    const r = await raw(sim.url, 'PUT', '/upack/order-feed/upload', {
      headers: { ...ADMIN, 'Content-Type': 'application/zip' },
      body,
    });
    if (r.status !== 201) throw new Error(`upload of ${group}/${name}: ${r.status} ${r.text}`);
  }
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.setFaults([]);
});

function makeProvider(pageSize: number, client?: ProGetClientApi) {
  const warnings: string[] = [];
  const real = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0, timeoutMs: 5000 });
  const provider = new FeedsTreeProvider({
    servers: () => [{ url: sim.url, name: 'Sim' }],
    client: async () => client ?? real,
    auth: () => 'key',
    pageSize: () => pageSize,
    log: { warn: (m) => warnings.push(m), debug: () => {} },
  });
  return { provider, warnings };
}

const idText = (p: { group?: string; name: string }) => (p.group ? `${p.group}/${p.name}` : p.name);
// Packages by their id (group/name): these tests are about order and paging. Other rows by their label.
const labelOf = (p: Provider, n: TreeNode) =>
  n.type === 'package' ? idText(n) : (p.getTreeItem(n) as unknown as { label: string }).label;
const labels = (p: Provider, kids: TreeNode[]) => kids.map((k) => labelOf(p, k));
const ids = (kids: TreeNode[]) => kids.filter((k) => k.type === 'package').map(nodeId);

async function feedNode(p: Provider, name: string): Promise<TreeNode> {
  const [server] = await p.getChildren();
  const feed = (await p.getChildren(server)).find((n) => n.type === 'feed' && n.feed.name === name);
  if (!feed) throw new Error(`no feed ${name}`);
  return feed;
}

/** Requests of one feed's package list and meta since `from`, as `count=N` / `meta`. */
async function requestsSince(from: number, feed: string): Promise<string[]> {
  // The simulator logs a request when its connection closes, a moment after the client is done.
  await new Promise((r) => setTimeout(r, 100));
  return sim
    .requests()
    .slice(from)
    .flatMap((r) => {
      const u = new URL(r.url, sim.url);
      if (u.pathname === `/upack/${feed}/meta`) return ['meta'];
      if (u.pathname === `/upack/${feed}/packages`) return [`count=${u.searchParams.get('count')}`];
      return [];
    });
}

async function mark(): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  return sim.requests().length;
}

/** Clicks "Load more" until it is gone, checking that each step keeps the rows above it as they were. */
async function loadAll(p: Provider, feed: TreeNode): Promise<TreeNode[]> {
  let kids = await p.getChildren(feed);
  for (;;) {
    const more = kids.find((k) => k.type === 'loadMore');
    if (!more) return kids;
    const before = ids(kids);
    p.loadMore(more as never);
    kids = await p.getChildren(feed);
    const after = ids(kids);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeGreaterThan(before.length);
  }
}

describe('the first page', () => {
  test('comes from one request for a page and one for the total, nothing more', async () => {
    const { provider } = makeProvider(2);
    const dev = await feedNode(provider, 'dev-feed');
    const from = await mark();
    const kids = await provider.getChildren(dev);
    expect(labels(provider, kids)).toEqual([
      'HDARS',
      'initrode/vendors-common/ast-common',
      'Load more (2 of 5)',
    ]);
    expect((await requestsSince(from, 'dev-feed')).sort()).toEqual(['count=3', 'meta']);
  });

  test('a feed that fits in one page needs no second request and offers no "Load more"', async () => {
    const { provider } = makeProvider(5);
    const dev = await feedNode(provider, 'dev-feed');
    const from = await mark();
    const kids = await provider.getChildren(dev);
    expect(kids).toHaveLength(5);
    expect(kids.every((k) => k.type === 'package')).toBe(true);
    expect((await requestsSince(from, 'dev-feed')).sort()).toEqual(['count=6', 'meta']);
  });

  test('without a total from /meta (ProGet before feed API 1.3) the label counts what is shown', async () => {
    sim.setFaults([
      { path: '/upack/dev-feed/meta', fault: { type: 'status', status: 400, body: 'Not supported.' } },
    ]);
    const { provider } = makeProvider(2);
    const dev = await feedNode(provider, 'dev-feed');
    let kids = await provider.getChildren(dev);
    expect(labels(provider, kids).at(-1)).toBe('Load more (2 shown)');
    provider.loadMore(kids.at(-1) as never);
    kids = await provider.getChildren(dev);
    // The whole list knows its length.
    expect(labels(provider, kids).at(-1)).toBe('Load more (4 of 5)');
  });
});

describe('"Load more" and the whole list', () => {
  test('the simulator lists packages in the order the tree sorts by', async () => {
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const listed = await client.universal.listPackages('order-feed', { count: MAX_LISTED_PACKAGES });
    expect(listed).toHaveLength(TRICKY.length);
    expect(firstOutOfOrder(listed)).toBe(-1);
    expect(listed.map(idText)).toEqual([...TRICKY].sort(comparePackages).map(idText));
  });

  test('pages continue the first page: each package once, in the server order, the whole list fetched once', async () => {
    const { provider, warnings } = makeProvider(2);
    const feed = await feedNode(provider, 'order-feed');
    const from = await mark();
    const kids = await loadAll(provider, feed);
    expect((await requestsSince(from, 'order-feed')).sort()).toEqual(['count=100000', 'count=3', 'meta']);
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const server = await client.universal.listPackages('order-feed', { count: MAX_LISTED_PACKAGES });
    expect(labels(provider, kids)).toEqual(server.map(idText));
    expect(new Set(ids(kids)).size).toBe(TRICKY.length);
    expect(warnings).toEqual([]);
  });

  test('a refresh after "Load more" keeps the rows and the place, from one request for all', async () => {
    const { provider } = makeProvider(2);
    const feed = await feedNode(provider, 'order-feed');
    let kids = await provider.getChildren(feed);
    provider.loadMore(kids.at(-1) as never);
    provider.loadMore((await provider.getChildren(feed)).at(-1) as never);
    kids = await provider.getChildren(feed);
    const before = labels(provider, kids);
    expect(before.at(-1)).toBe(`Load more (6 of ${TRICKY.length})`);
    const from = await mark();
    provider.refresh(feed);
    kids = await provider.getChildren(feed);
    expect(labels(provider, kids)).toEqual(before);
    expect(await requestsSince(from, 'order-feed')).toEqual(['count=100000']);
  });

  test('a refresh of the first page asks for the first page again and shows the same rows', async () => {
    const { provider } = makeProvider(3);
    const feed = await feedNode(provider, 'order-feed');
    const before = ids(await provider.getChildren(feed));
    const from = await mark();
    provider.refresh(feed);
    const after = await provider.getChildren(feed);
    expect(ids(after)).toEqual(before);
    expect(labels(provider, after).at(-1)).toBe(`Load more (3 of ${TRICKY.length})`);
    expect((await requestsSince(from, 'order-feed')).sort()).toEqual(['count=4', 'meta']);
  });

  test('a filter lists the whole feed once; clearing it shows the first page of that list', async () => {
    const { provider } = makeProvider(2);
    const dev = await feedNode(provider, 'dev-feed');
    const first = labels(provider, await provider.getChildren(dev));
    const from = await mark();
    provider.setFilter(dev as never, 'simdesk');
    expect(labels(provider, await provider.getChildren(dev))).toEqual([
      'virtudyne/simdesk/simdesk-bundle',
      'virtudyne/simdesk/var-index-service',
    ]);
    provider.setFilter(dev as never, undefined);
    expect(labels(provider, await provider.getChildren(dev))).toEqual(first);
    expect(await requestsSince(from, 'dev-feed')).toEqual(['count=100000']);
  });

  test('a failed "Load more" keeps the page, says why, and tries again only when asked', async () => {
    const { provider, warnings } = makeProvider(2);
    const dev = await feedNode(provider, 'dev-feed');
    let kids = await provider.getChildren(dev);
    sim.setFaults([
      { path: '/upack/dev-feed/packages', fault: { type: 'status', status: 503, body: 'busy' } },
    ]);
    provider.loadMore(kids.at(-1) as never);
    kids = await provider.getChildren(dev);
    expect(labels(provider, kids)).toEqual([
      'HDARS',
      'initrode/vendors-common/ast-common',
      'Server error 503 — retry',
      'Load more (2 of 5)',
    ]);
    expect(kids[2]).toMatchObject({ type: 'message', key: 'listAll', action: { kind: 'retry' } });
    expect(warnings.some((w) => w.startsWith('Loading all packages of dev-feed failed'))).toBe(true);
    // Redrawing does not ask the server again.
    const from = await mark();
    await provider.getChildren(dev);
    expect(await requestsSince(from, 'dev-feed')).toEqual([]);

    sim.setFaults([]);
    provider.loadMore(kids.at(-1) as never);
    kids = await provider.getChildren(dev);
    expect(labels(provider, kids)).toEqual([
      'HDARS',
      'initrode/vendors-common/ast-common',
      'initrode/vendors/abl/ABLast',
      'virtudyne/simdesk/simdesk-bundle',
      'virtudyne/simdesk/var-index-service',
    ]);
  });

  test('a filter whose whole list fails to load says so instead of filtering the first page', async () => {
    const { provider } = makeProvider(2);
    const dev = await feedNode(provider, 'dev-feed');
    await provider.getChildren(dev);
    sim.setFaults([
      { path: '/upack/dev-feed/packages', fault: { type: 'status', status: 503, body: 'busy' } },
    ]);
    provider.setFilter(dev as never, 'var');
    let kids = await provider.getChildren(dev);
    expect(kids).toHaveLength(1);
    expect(kids[0]).toMatchObject({ type: 'message', key: 'listAll', action: { kind: 'retry' } });
    expect((provider.getTreeItem(kids[0]!) as unknown as { description: string }).description).toMatch(
      /^the filter needs all packages: /,
    );
    sim.setFaults([]);
    provider.setFilter(dev as never, 'var');
    kids = await provider.getChildren(dev);
    expect(labels(provider, kids)).toEqual(['virtudyne/simdesk/var-index-service']);
  });
});

// --- servers that list packages in another order -----------------------------------------------------------

const pkg = (id: string): UniversalPackage => {
  const slash = id.lastIndexOf('/');
  return {
    ...(slash > 0 ? { group: id.slice(0, slash) } : {}),
    name: id.slice(slash + 1),
    latestVersion: '1.0.0',
    downloads: 0,
    versions: ['1.0.0'],
    extra: {},
  };
};

const feed = (name: string): Feed => ({
  name,
  alternateNames: [],
  feedType: 'universal',
  active: true,
  connectors: [],
  source: 'management',
});

/**
 * A server whose package list has the given order, honouring `count` as ProGet does (1000 without it).
 * `listAfterMeta` holds every list answer back until /meta has been asked for.
 */
function orderedServer(order: string[], options: { listAfterMeta?: boolean } = {}) {
  const calls: string[] = [];
  let metaAsked!: () => void;
  const asked = new Promise<void>((r) => {
    metaAsked = r;
  });
  const client = {
    feeds: { list: async () => [feed('one'), feed('two')] },
    universal: {
      async listPackages(name: string, o?: { count?: number }): Promise<UniversalPackage[]> {
        calls.push(`${name} count=${o?.count}`);
        if (options.listAfterMeta) await asked;
        return order.slice(0, o?.count ?? 1000).map(pkg);
      },
      async meta(name: string): Promise<UniversalFeedMeta> {
        calls.push(`${name} meta`);
        metaAsked();
        return { packageCount: order.length, services: [] };
      },
    },
  } as unknown as ProGetClientApi;
  return { client, calls };
}

describe('a server that orders differently', () => {
  test('the page and the total are asked for together, not one after the other', async () => {
    // The list answers only once /meta was asked: a provider that waited for the list first would hang.
    const server = orderedServer(['a', 'b', 'c', 'd'], { listAfterMeta: true });
    const { provider } = makeProvider(2, server.client);
    const kids = await provider.getChildren(await feedNode(provider, 'one'));
    expect(labels(provider, kids)).toEqual(['a', 'b', 'Load more (2 of 4)']);
  }, 5_000);

  test('a first page out of the tree order: the whole list, sorted, and the server is remembered', async () => {
    const server = orderedServer(['d', 'c', 'b', 'a', 'g/x', 'e']);
    const { provider, warnings } = makeProvider(2, server.client);
    const kids = await provider.getChildren(await feedNode(provider, 'one'));
    expect(labels(provider, kids)).toEqual(['a', 'b', 'Load more (2 of 6)']);
    expect(server.calls).toEqual(['one count=3', 'one meta', `one count=${MAX_LISTED_PACKAGES}`]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('lists "d" before "c"');
    expect(labels(provider, await loadAll(provider, await feedNode(provider, 'one')))).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'g/x',
    ]);
    // Another feed of that server: no first-page request that could not be trusted.
    server.calls.length = 0;
    await provider.getChildren(await feedNode(provider, 'two'));
    expect(server.calls).toEqual([`two count=${MAX_LISTED_PACKAGES}`]);
  });

  test('out of order only past the first page: "Load more" shows the sorted list, each package once', async () => {
    // Sorted, except one package listed last (as a server listing in upload order might).
    const server = orderedServer(['b', 'c', 'd', 'e', 'f', 'a-late']);
    const { provider, warnings } = makeProvider(2, server.client);
    const one = await feedNode(provider, 'one');
    let kids = await provider.getChildren(one);
    expect(labels(provider, kids)).toEqual(['b', 'c', 'Load more (2 of 6)']);
    provider.loadMore(kids.at(-1) as never);
    kids = await provider.getChildren(one);
    // The rows of the first page move down once; nothing is listed twice or left out.
    expect(labels(provider, kids)).toEqual(['a-late', 'b', 'c', 'd', 'Load more (4 of 6)']);
    expect(new Set(ids(kids)).size).toBe(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('lists "f" before "a-late"');
    // From then on that server's feeds are listed whole: a refresh shows the same rows.
    server.calls.length = 0;
    provider.refresh(one);
    expect(labels(provider, await provider.getChildren(one))).toEqual(labels(provider, kids));
    expect(server.calls).toEqual([`one count=${MAX_LISTED_PACKAGES}`]);
  });

  test('a server that ignores count: its answer is no first page, so the whole list is used', async () => {
    const order = ['a', 'b', 'c', 'd', 'e'];
    const server = orderedServer(order);
    const client = server.client as unknown as {
      universal: { listPackages: (n: string, o?: { count?: number }) => Promise<UniversalPackage[]> };
    };
    client.universal.listPackages = async (name) => {
      server.calls.push(`${name} list`);
      return order.map(pkg);
    };
    const { provider } = makeProvider(2, server.client);
    const kids = await provider.getChildren(await feedNode(provider, 'one'));
    expect(labels(provider, kids)).toEqual(['a', 'b', 'Load more (2 of 5)']);
    expect(server.calls.filter((c) => c.endsWith('list'))).toHaveLength(2);
  });
});
