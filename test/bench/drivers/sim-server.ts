// The simulator in its own process, so its memory and CPU are not the measured client's. Reads a spec file
// (argv[2]), optionally seeds the data directory's index directly (uploading thousands of packages through
// the API would measure nothing and take long), starts, prints `READY {"url":…}` and runs until SIGTERM or
// until stdin closes (parent gone).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../sim/index.js';
import type { SimulatorOptions } from '../../sim/types.js';

export interface SimSpec {
  options: SimulatorOptions;
  /** Seed packages (and promotions) into a fresh data directory before starting. */
  seed?:
    | { kind: 'many'; feed: string; count: number }
    /** `count` packages in each of `feeds` (search across feeds). */
    | { kind: 'manyFeeds'; feeds: string[]; count: number }
    | { kind: 'promoted'; fromFeed: string; toFeed: string; count: number };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SimSpec;
let ownDir: string | undefined;
if (spec.seed) {
  ownDir = mkdtempSync(join(tmpdir(), 'proget-bench-sim-'));
  mkdirSync(join(ownDir, 'packages'));
  // All records share one placeholder file: list and version APIs never open it.
  writeFileSync(join(ownDir, 'packages', 'placeholder.upack'), '');
  const published = '2026-01-01T00:00:00.000Z';
  const hashes = {
    size: 1024,
    md5: '0'.repeat(32),
    sha1: '0'.repeat(40),
    sha256: '0'.repeat(64),
    sha512: '0'.repeat(128),
  };
  const record = (i: number, feed: string, group: string, name: string, version: string) => ({
    id: `seed-${feed}-${i}`,
    feed,
    packageType: 'upack',
    group,
    name,
    version,
    manifest: {
      ...(group ? { group } : {}),
      name,
      version,
      title: `Package ${name}`,
      description: `Component ${name} of the ${group || 'root'} group, seeded for the benchmarks.`,
    },
    file: 'packages/placeholder.upack',
    extension: '.upack',
    hashes,
    published,
    downloads: i % 17,
    listed: true,
    cached: false,
    virtual: false,
  });
  const packages: unknown[] = [];
  const promotions: unknown[] = [];
  const s = spec.seed;
  if (s.kind === 'many') {
    for (let i = 0; i < s.count; i++) {
      packages.push(record(i, s.feed, `group-${i % 50}`, `component-${i}`, `1.${i % 7}.${i % 13}`));
    }
  } else if (s.kind === 'manyFeeds') {
    for (const [f, feed] of s.feeds.entries()) {
      for (let i = 0; i < s.count; i++) {
        packages.push(record(i, feed, `group-${i % 50}`, `component-${f}-${i}`, `1.${i % 7}.${i % 13}`));
      }
    }
  } else {
    for (let i = 0; i < s.count; i++) {
      const name = `lib-${i}`;
      packages.push(record(i, s.fromFeed, 'bench', name, `1.0.${i}`));
      packages.push(record(i, s.toFeed, 'bench', name, `1.0.${i}`));
      promotions.push({
        id: i + 1,
        packageType: 'upack',
        group: 'bench',
        name,
        version: `1.0.${i}`,
        fromFeed: s.fromFeed,
        toFeed: s.toFeed,
        date: published,
        user: 'SYSTEM',
        comments: 'seeded',
      });
    }
  }
  writeFileSync(
    join(ownDir, 'index.json'),
    JSON.stringify({
      format: 1,
      seeded: true,
      packages,
      promotions,
      deployments: [],
      nextPromotionId: promotions.length + 1,
    }),
  );
}

const sim = await startSimulator({ ...spec.options, dataDir: spec.options.dataDir ?? ownDir });
process.stdout.write(`READY ${JSON.stringify({ url: sim.url, dataDir: sim.dataDir })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sim.close();
  if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
