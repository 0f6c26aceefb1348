// "ours" for publish: buildPackage + universal.upload (with the build's hashes), as the publish action does
// them, in one process whose peak RSS is measured.
// argv: <sourceDir> <outFile> <url> <apiKey> <feed>. Prints one JSON line.

import { rm } from 'node:fs/promises';
import { buildPackage, ProGetClient } from '@proget-ci/core';

const [sourceDir, outFile, url, apiKey, feed] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const t0 = performance.now();
const built = await buildPackage({
  sourceDir,
  outFile,
  manifest: { name: 'bench-data', version: '1.0.0', title: 'Benchmark input' },
  compressionLevel: 6,
});
const t1 = performance.now();
const buildMaxRssKb = process.resourceUsage().maxRSS;
const client = new ProGetClient({ url, apiKey, retries: 0 });
// As the publish action does: the build's hashes go along, so the upload does not hash the package again.
const uploaded = await client.universal.upload(feed, built.path, {
  knownHashes: { size: built.size, sha1: built.sha1, sha256: built.sha256 },
});
const t2 = performance.now();
if (uploaded.size !== built.size) throw new Error('uploaded a different size than was built');
await rm(built.path, { force: true });
console.log(
  JSON.stringify({
    buildMs: t1 - t0,
    uploadMs: t2 - t1,
    packageBytes: built.size,
    files: built.fileCount,
    buildMaxRssKb,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
