// Candidate for the download case: undici's `stream` of the same URL to a file, no hashing and no client
// layers — what core's raw reader would be replaced by if undici came within the download target.
// argv: <url> <apiKey> <dest>.

import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stream } from 'undici';

const [url, apiKey, dest] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
let file: ReturnType<typeof createWriteStream> | undefined;
await stream(url, { method: 'GET', headers: { 'X-ApiKey': apiKey } }, ({ statusCode }) => {
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
  file = createWriteStream(dest);
  return file;
});
if (!file) throw new Error('undici returned no response');
await finished(file);
const bytes = file.bytesWritten;
const t1 = performance.now();
// The file is left for the harness to remove outside the measurement.
console.log(JSON.stringify({ downloadMs: t1 - t0, bytes, maxRssKb: process.resourceUsage().maxRSS }));
