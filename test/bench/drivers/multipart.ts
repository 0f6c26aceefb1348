// "ours" for the multipart case: one publish of a built package, either the plain PUT (`universal.upload`)
// or `universal.publishResumable` through an asset directory. A PUT cut by a reset is started again once
// (what a CI retry does: the PUT cannot resume); the multipart upload resends the part itself.
// argv: <file> <url> <apiKey> <feed> <put|multipart> <assetDir> <partBytes> <size> <sha1> <sha256>.
// Prints one JSON line.

import { ProGetClient } from '@proget-ci/core';

const [file, url, apiKey, feed, mode, assetDirectory, part, size, sha1, sha256] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const knownHashes = { size: Number(size), sha1, sha256 };
const client = new ProGetClient({ url, apiKey, retries: 0 });
const t0 = performance.now();
let attempts = 0;
let partRequests: number | undefined;
let parts: number | undefined;
if (mode === 'put') {
  for (;;) {
    attempts++;
    try {
      await client.universal.upload(feed, file, { knownHashes });
      break;
    } catch (e) {
      if (attempts >= 2) throw e;
    }
  }
} else {
  attempts = 1;
  const r = await client.universal.publishResumable(feed, file, {
    knownHashes,
    assetDirectory,
    thresholdBytes: 0,
    partSizeBytes: Number(part),
  });
  if (r.method !== 'multipart' || r.verified !== 'sha1')
    throw new Error(`not a verified multipart upload: ${r.reason}`);
  partRequests = r.partRequests;
  parts = r.parts;
}
console.log(
  JSON.stringify({
    ms: performance.now() - t0,
    attempts,
    parts,
    partRequests,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
