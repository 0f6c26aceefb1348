// ProGet: Search Packages across feeds. argv: <mode> <url> <apiKey> <feedCount> <packagesPerFeed>
//   search: the extension's searchPackages (src/search/search.ts) with the stand-in `vscode` module, as the
//           command runs it on a fresh window (nothing cached): the time from the call to the first results
//           in the quick pick (`ms`: the first time its items are set non-empty), and to all of them
//           (`allMs`: the pick no longer busy). Every package must be there (up to the most a search
//           holds, MAX_SEARCH_RESULTS), once.
//   list:   listing every feed in full, all at once (`ms`: the last one in; `firstMs`: the first one in)
//   sim:    the simulator's own answer to one feed's first page (`count=101`, what the search asks first),
//           with node:http, nothing parsed (diagnostic: the floor a first result has here)
// Both first list the feeds, so both start equally warm. The feeds are `feed-0` … (drivers/sim-server.ts).

import { ProGetClient } from '@proget-ci/core';
import { MAX_SEARCH_RESULTS, searchPackages } from '../../../vscode-extension/src/search/search.js';
import { FeedsTreeProvider } from '../../../vscode-extension/src/tree/provider.js';
import { quickPicks } from '../../../vscode-extension/test/fake-vscode.js';

const [mode, url, apiKey, feedText, countText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const feedCount = Number(feedText);
const perFeed = Number(countText);
const feedNames = Array.from({ length: feedCount }, (_, i) => `feed-${i}`);
const client = new ProGetClient({ url, apiKey });
const server = { url, name: 'bench' };

if (mode === 'search') {
  const tree = new FeedsTreeProvider({
    servers: () => [server],
    client: async () => client,
    auth: () => 'key',
    pageSize: () => 100,
    log: { warn: (m) => console.error(m), debug: () => {} },
  });
  // The feeds listed first, as the tree has done by the time anyone searches (equal to the baseline).
  await client.feeds.list();
  let firstMs: number | undefined;
  let firstCount = 0;
  const t0 = performance.now();
  const chosen = searchPackages({
    tree,
    view: { reveal: async () => {} },
    log: { info: () => {}, warn: (m) => console.error(m) },
  });
  const pick = quickPicks.at(-1)!;
  // The pick's items as the extension sets them: the first non-empty set is the first results shown.
  let items: readonly { label: string }[] = pick.items;
  Object.defineProperty(pick, 'items', {
    get: () => items,
    set: (value: readonly { label: string }[]) => {
      items = value;
      if (firstMs === undefined && value.length > 0) {
        firstMs = performance.now() - t0;
        firstCount = value.length;
      }
    },
  });
  // Bounded: 60 s at most for every list to arrive.
  for (let i = 0; i < 6000 && (pick.busy || firstMs === undefined); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const allMs = performance.now() - t0;
  if (pick.busy) throw new Error(`search still busy after ${Math.round(allMs)} ms: ${pick.title}`);
  // Everything, up to the most one search holds; each result a package the seeding wrote, none twice.
  const expected = Math.min(feedCount * perFeed, MAX_SEARCH_RESULTS);
  const results = items as unknown as {
    pkg: { group: string; name: string; parent: { feed: { name: string } } };
  }[];
  const ids = new Set(results.map((x) => `${x.pkg.parent.feed.name}/${x.pkg.group}/${x.pkg.name}`));
  if (items.length !== expected || ids.size !== items.length)
    throw new Error(`search found ${items.length} (${ids.size} distinct), expected ${expected}`);
  for (const { pkg } of results) {
    const m = /^component-(\d+)-(\d+)$/.exec(pkg.name);
    const feed = pkg.parent.feed.name;
    if (
      !m ||
      feed !== `feed-${m[1]}` ||
      pkg.group !== `group-${Number(m[2]) % 50}` ||
      Number(m[2]) >= perFeed
    )
      throw new Error(`search found ${feed}/${pkg.group}/${pkg.name}, which was never published`);
  }
  pick.close();
  if ((await chosen) !== undefined) throw new Error('search chose a package nobody picked');
  console.log(
    JSON.stringify({
      ms: firstMs,
      firstCount,
      allMs,
      found: items.length,
      cap: MAX_SEARCH_RESULTS,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
} else if (mode === 'sim') {
  const { request } = await import('node:http');
  const target = new URL(`upack/${feedNames[0]}/packages?count=101`, `${url}/`);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = request(target, { headers: { 'X-ApiKey': apiKey } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  console.log(JSON.stringify({ ms: performance.now() - t0, found: 101 }));
} else {
  await client.feeds.list();
  let firstMs: number | undefined;
  const t0 = performance.now();
  const lists = await Promise.all(
    feedNames.map((f) =>
      client.universal.listPackages(f, { count: perFeed + 1 }).then((list) => {
        firstMs ??= performance.now() - t0;
        return list;
      }),
    ),
  );
  const ms = performance.now() - t0;
  const found = lists.reduce((n, l) => n + l.length, 0);
  if (found !== feedCount * perFeed)
    throw new Error(`listing found ${found}, expected ${feedCount * perFeed}`);
  console.log(JSON.stringify({ ms, firstMs, found, maxRssKb: process.resourceUsage().maxRSS }));
}
