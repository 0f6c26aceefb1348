// Diagnostic for the download case: Node's own http.get piped to a file, no hashing and no client layers —
// what a download costs through node:http, for comparison with core's own reader.
// argv: <url> <apiKey> <dest>.

import { createWriteStream } from 'node:fs';
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
// The file is left for the harness to remove outside the measurement.
console.log(JSON.stringify({ downloadMs: t1 - t0, bytes, maxRssKb: process.resourceUsage().maxRSS }));
