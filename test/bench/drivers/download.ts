// "ours" for download: universal.download to a file. argv: <url> <apiKey> <feed> <name> <version> <dest>.

import { rm } from 'node:fs/promises';
import { ProGetClient } from '@proget-ci/core';

const [url, apiKey, feed, name, version, dest] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const client = new ProGetClient({ url, apiKey, retries: 0 });
const t0 = performance.now();
const result = await client.universal.download(feed, { name, version }, dest);
const t1 = performance.now();
await rm(result.path, { force: true });
console.log(
  JSON.stringify({ downloadMs: t1 - t0, bytes: result.size, maxRssKb: process.resourceUsage().maxRSS }),
);
