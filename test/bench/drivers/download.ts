// "ours" for download: universal.download to a file.
// argv: <url> <apiKey> <feed> <name> <version> <dest> [hash]; hash `sha256` makes it a verified download
// (core computes SHA-256 while saving), printed as `sha256` for the harness to compare with sha256sum's.

import { ProGetClient } from '@proget-ci/core';

const [url, apiKey, feed, name, version, dest, hash] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string | undefined,
];
if (hash !== undefined && hash !== 'sha256') throw new Error(`unsupported hash ${hash}`);
// PROGET_BENCH_CA: the CA file that makes the HTTPS case's test certificate trusted.
const client = new ProGetClient({
  url,
  apiKey,
  retries: 0,
  caCertPath: process.env.PROGET_BENCH_CA || undefined,
});
const t0 = performance.now();
const result = await client.universal.download(feed, { name, version }, dest, {
  hashes: hash ? [hash] : undefined,
});
const t1 = performance.now();
// The file is left for the harness to check and remove outside the measurement, as curl's is.
console.log(
  JSON.stringify({
    downloadMs: t1 - t0,
    bytes: result.size,
    sha256: result.sha256,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
