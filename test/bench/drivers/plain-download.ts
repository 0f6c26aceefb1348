// Diagnostic for the download case: Node's own http.get piped to a file, no hashing and no client layers —
// what the transfer costs in Node before core adds SHA-1/SHA-256 and its stream stages.
// argv: <url> <apiKey> <dest>.

import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { get } from 'node:http';
import { pipeline } from 'node:stream/promises';

const [url, apiKey, dest] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
  get(url, { headers: { 'X-ApiKey': apiKey } }, resolve).once('error', reject),
);
if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
let bytes = 0;
res.on('data', (c: Buffer) => {
  bytes += c.length;
});
await pipeline(res, createWriteStream(dest));
const t1 = performance.now();
await rm(dest, { force: true });
console.log(JSON.stringify({ downloadMs: t1 - t0, bytes, maxRssKb: process.resourceUsage().maxRSS }));
