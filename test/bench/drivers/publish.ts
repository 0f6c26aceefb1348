// "ours" for publish: buildPackage + universal.upload (with the build's hashes), as the publish action does
// them, in one process whose peak RSS is measured.
// argv: <sourceDir> <outFile> <url> <apiKey> <feed> [keep|-]. Prints one JSON line. With `keep` the built
// package stays on disk (the big-package case uploads it again and checks it); otherwise it is deleted.
//
// Upload only (the big-package case's row against `curl -T` of the same file):
// argv: --upload <file> <url> <apiKey> <feed> <size> <sha1> <sha256>. The hashes are the build's, as the
// publish action hands them on, so the upload does not read the file twice.

import { rm } from 'node:fs/promises';
import { buildPackage, holdYoungGeneration, ProGetClient } from '@proget-ci/core';

// As the publish action's entry does (action/src/publish/main.ts): this process stands for that step's.
holdYoungGeneration();

const args = process.argv.slice(2);

if (args[0] === '--upload') {
  const [file, url, apiKey, feed, size, sha1, sha256] = args.slice(1) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const client = new ProGetClient({ url, apiKey, retries: 0 });
  const t0 = performance.now();
  const uploaded = await client.universal.upload(feed, file, {
    knownHashes: { size: Number(size), sha1, sha256 },
  });
  const uploadMs = performance.now() - t0;
  if (uploaded.size !== Number(size)) throw new Error('uploaded a different size than was given');
  console.log(JSON.stringify({ uploadMs, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const [sourceDir, outFile, url, apiKey, feed, keep] = args as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
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
  if (keep !== 'keep') await rm(built.path, { force: true });
  console.log(
    JSON.stringify({
      buildMs: t1 - t0,
      uploadMs: t2 - t1,
      packageBytes: built.size,
      sha1: built.sha1,
      sha256: built.sha256,
      files: built.fileCount,
      buildMaxRssKb,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}
