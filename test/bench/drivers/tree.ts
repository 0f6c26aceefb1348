// The extension's Feeds tree against a feed of many packages. argv: <mode> <url> <apiKey> <feed> <count>
//   provider: time the provider's getChildren(feed) plus getTreeItem for what it returned (the first page)
//   list:     time universal.listPackages(feed, { count }) — everything, as a list-all approach would
//   request:  time universal.listPackages(feed, { count: 100000 }) as the provider calls it (its
//             MAX_LISTED_PACKAGES), without the provider (diagnostic)
// Both first list the feeds (the tree does that to show the feed node), so both start equally warm.

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

if (mode === 'provider') {
  const provider = new FeedsTreeProvider({
    servers: () => [server],
    client: async () => client,
    auth: () => 'key',
    pageSize: () => 100,
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
  console.log(
    JSON.stringify({
      ms: t1 - t0,
      shown: packages,
      total: more && more.type === 'loadMore' ? more.total : packages,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
} else {
  // list: everything (count = all); request: the provider's own request (count = its ceiling) without it.
  await client.feeds.list();
  const t0 = performance.now();
  const all = await client.universal.listPackages(feedName, {
    count: mode === 'list' ? Number(countText) : 100_000,
  });
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
