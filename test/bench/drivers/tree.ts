// The extension's Feeds tree against a feed of many packages. argv: <mode> <url> <apiKey> <feed> <count>
//   provider: time what the user waits for when expanding the feed: the provider's getChildren(feed) plus
//             getTreeItem for what it returned (the first page); then, separately, the same for the first
//             "Load more", which fetches the whole list (`moreMs`)
//   list:     time universal.listPackages(feed, { count }) — everything, as a list-all approach would
//   request:  time the provider's own first-page requests without the provider (diagnostic):
//             listPackages(feed, { count: 101 }) and meta(feed), in parallel as the provider sends them
//   filter:   what a user typing a filter waits for (run with --expose-gc): expand the feed (first page),
//             then type `component-4711` into its filter one character at a time, each keystroke being
//             setFilter + getChildren(feed) + getTreeItem of what it returned. The first keystroke fetches
//             the whole list (`firstMs`); the later ones filter the cached list (`keysMs`, one per key,
//             then two backspaces). Every answer is checked against the matches computed here from the
//             seeding rule. Memory: heap used (and RSS) after a full GC with the feeds listed and nothing
//             else (idle), and again with the whole list cached and the last filter applied.
//   sim:      the simulator's own answer to the whole list (diagnostic): time to the response head (it
//             builds the whole JSON before answering) and to the last byte, with node:http, nothing parsed
// All first list the feeds (the tree does that to show the feed node), so all start equally warm.

import { ProGetClient } from '@proget-ci/core';
import type { FeedNode, ServerNode } from '../../../vscode-extension/src/tree/model.js';
import { FeedsTreeProvider } from '../../../vscode-extension/src/tree/provider.js';

const [mode, url, apiKey, feedName, countText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const client = new ProGetClient({ url, apiKey });
const server = { url, name: 'bench' };
const PAGE_SIZE = 100;

/** A provider as the extension builds it, with its server and feeds listed (untimed), and the bench feed. */
async function openFeed(): Promise<{ provider: FeedsTreeProvider; feedNode: FeedNode }> {
  const provider = new FeedsTreeProvider({
    servers: () => [server],
    client: async () => client,
    auth: () => 'key',
    pageSize: () => PAGE_SIZE,
    log: { warn: (m) => console.error(m), debug: () => {} },
  });
  const [serverNode] = (await provider.getChildren()) as [ServerNode];
  const feeds = await provider.getChildren(serverNode);
  const feedNode = feeds.find((n): n is FeedNode => n.type === 'feed' && n.feed.name === feedName);
  if (!feedNode) throw new Error(`feed ${feedName} not in the tree`);
  return { provider, feedNode };
}

if (mode === 'provider') {
  const { provider, feedNode } = await openFeed();
  const t0 = performance.now();
  const page = await provider.getChildren(feedNode);
  for (const node of page) provider.getTreeItem(node);
  const t1 = performance.now();
  const more = page.find((n) => n.type === 'loadMore');
  const packages = page.filter((n) => n.type === 'package').length;
  if (packages === 0) throw new Error(`no packages on the first page: ${JSON.stringify(page.slice(0, 2))}`);
  if (!more || more.type !== 'loadMore') throw new Error(`no "Load more" after ${packages} packages`);

  // The first "Load more": past the first page, so the provider fetches the whole list.
  provider.loadMore(more);
  const t2 = performance.now();
  const next = await provider.getChildren(feedNode);
  for (const node of next) provider.getTreeItem(node);
  const t3 = performance.now();
  const nextPackages = next.filter((n) => n.type === 'package');
  if (nextPackages.length !== 2 * PAGE_SIZE)
    throw new Error(`Load more shows ${nextPackages.length} packages`);
  // The second page continues the first: same rows first, none twice.
  const ids = nextPackages.map((n) => (n.type === 'package' ? `${n.group}/${n.name}` : ''));
  const firstIds = page.flatMap((n) => (n.type === 'package' ? [`${n.group}/${n.name}`] : []));
  if (ids.slice(0, packages).join('\n') !== firstIds.join('\n') || new Set(ids).size !== ids.length)
    throw new Error('Load more did not continue the first page');
  const nextMore = next.find((n) => n.type === 'loadMore');
  console.log(
    JSON.stringify({
      ms: t1 - t0,
      shown: packages,
      total: more.total,
      moreMs: t3 - t2,
      moreTotal: nextMore?.type === 'loadMore' ? nextMore.total : nextPackages.length,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
} else if (mode === 'filter') {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the filter mode with --expose-gc');
  const n = Number(countText);
  const { provider, feedNode } = await openFeed();
  const memory = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, rss: m.rss };
  };
  const idle = memory();
  await provider.getChildren(feedNode);

  // What the seeding wrote (drivers/sim-server.ts, kind 'many'), and so what each filter must show.
  const ids = Array.from({ length: n }, (_, i) => `group-${i % 50}/component-${i}`);
  const titles = Array.from({ length: n }, (_, i) => `package component-${i}`);
  const expected = (f: string) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (ids[i]!.includes(f) || titles[i]!.includes(f)) count++;
    return count;
  };
  const typed = 'component-4711';
  const steps = [
    ...Array.from({ length: typed.length }, (_, i) => typed.slice(0, i + 1)),
    'component-471',
    'component-47',
  ];
  const times: number[] = [];
  // This process's CPU time (user + system) per key: on a loaded machine, steadier than the wall time.
  const cpus: number[] = [];
  for (const f of steps) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    provider.setFilter(feedNode, f);
    const shown = await provider.getChildren(feedNode);
    for (const node of shown) provider.getTreeItem(node);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
    const want = expected(f);
    const rows = shown.filter((x) => x.type === 'package');
    const more = shown.find((x) => x.type === 'loadMore');
    const total = more?.type === 'loadMore' ? more.total : rows.length;
    if (rows.length !== Math.min(want, PAGE_SIZE) || total !== want)
      throw new Error(
        `filter "${f}" shows ${rows.length} of ${total} packages, expected ${Math.min(want, PAGE_SIZE)} of ${want}`,
      );
    for (const r of rows) {
      if (r.type === 'package' && !`${r.group}/${r.name}`.includes(f) && !`package ${r.name}`.includes(f))
        throw new Error(`filter "${f}" shows ${r.group}/${r.name}`);
    }
  }
  const cached = memory();
  console.log(
    JSON.stringify({
      firstMs: times[0],
      keysMs: times.slice(1),
      firstCpuMs: cpus[0],
      keysCpuMs: cpus.slice(1),
      steps,
      heapDelta: cached.heapUsed - idle.heapUsed,
      externalDelta: cached.external - idle.external,
      rssDelta: cached.rss - idle.rss,
      idle,
      cached,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
} else if (mode === 'sim') {
  const { request } = await import('node:http');
  const target = new URL(`upack/${encodeURIComponent(feedName)}/packages?count=${countText}`, `${url}/`);
  const t0 = performance.now();
  const { headMs, bytes } = await new Promise<{ headMs: number; bytes: number }>((resolve, reject) => {
    const req = request(target, { headers: { 'X-ApiKey': apiKey } }, (res) => {
      const headMs = performance.now() - t0;
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve({ headMs, bytes }) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  console.log(JSON.stringify({ ms: performance.now() - t0, headMs, bytes }));
} else if (mode === 'request') {
  await client.feeds.list();
  const t0 = performance.now();
  const [first, meta] = await Promise.all([
    client.universal.listPackages(feedName, { count: PAGE_SIZE + 1 }),
    client.universal.meta(feedName),
  ]);
  const t1 = performance.now();
  console.log(
    JSON.stringify({
      ms: t1 - t0,
      shown: first.length,
      total: meta.packageCount,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
} else {
  // list: everything (count = all), as a list-all approach would. With --expose-gc, also the heap that
  // holding the parsed list costs (after a full GC, against before the request).
  const gc = (globalThis as { gc?: () => void }).gc;
  await client.feeds.list();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const all = await client.universal.listPackages(feedName, { count: Number(countText) });
  const t1 = performance.now();
  gc?.();
  const heapDelta = gc ? process.memoryUsage().heapUsed - before : undefined;
  console.log(
    JSON.stringify({
      ms: t1 - t0,
      shown: all.length,
      total: all.length,
      heapDelta,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}
