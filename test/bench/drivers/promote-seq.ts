// Baseline for promote-check: the same requests the action makes (one promotions list, then each version's
// presence in the target feed), but one at a time, as a shell loop over curl would.
// argv: <url> <apiKey> <fromFeed> <toFeed> <packages file: group/name@version per line>.

import { readFileSync } from 'node:fs';
import { findPromotion, ProGetClient } from '@proget-ci/core';

const [url, apiKey, fromFeed, toFeed, listFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const packages = readFileSync(listFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [id, version] = line.split('@') as [string, string];
    const slash = id.lastIndexOf('/');
    return { group: slash > 0 ? id.slice(0, slash) : undefined, name: id.slice(slash + 1), version };
  });
const client = new ProGetClient({ url, apiKey });
const t0 = performance.now();
const list = await client.promotions.list({ fromFeed, toFeed });
let promoted = 0;
for (const pkg of packages) {
  if (!findPromotion(list, { ...pkg, fromFeed, toFeed })) continue;
  const versions = await client.packages.versions(toFeed, pkg);
  if (versions.some((v) => v.version === pkg.version)) promoted++;
}
const t1 = performance.now();
if (promoted !== packages.length) throw new Error(`only ${promoted} of ${packages.length} found promoted`);
console.log(JSON.stringify({ checkMs: t1 - t0, promoted, maxRssKb: process.resourceUsage().maxRSS }));
