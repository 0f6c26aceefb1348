// The extension's Feeds tree against a feed of many packages. argv: <mode> <url> <apiKey> <feed> <count>
//   provider: time what the user waits for when expanding the feed: the provider's getChildren(feed) plus
//             getTreeItem for what it returned (the first page); then, separately, the same for the first
//             "Load more", which fetches the whole list (`moreMs`)
//   list:     time universal.listPackages(feed, { count }) — everything, as a list-all approach would
//   request:  time the provider's own first-page requests without the provider (diagnostic):
//             listPackages(feed, { count: 101 }) and meta(feed), in parallel as the provider sends them
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

if (mode === 'provider') {
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
  // list: everything (count = all), as a list-all approach would.
  await client.feeds.list();
  const t0 = performance.now();
  const all = await client.universal.listPackages(feedName, { count: Number(countText) });
  const t1 = performance.now();
  console.log(
    JSON.stringify({
      ms: t1 - t0,
      shown: all.length,
      total: all.length,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}
