// The `demo` seed: the doc pages' feeds, packages, connectors, promotions and keys, built as real package
// files (small, deterministic) the first time a data directory is used.

import { crc32, deflateSync } from 'node:zlib';
import type { Principal } from './auth.js';
import type { Sim } from './context.js';
import { commitPackage } from './ingest.js';
import type { Manifest } from './manifest.js';
import { seedScaDemo } from './sca/seed.js';
import type { ApiKeyConfig, ConnectorConfig, FeedConfig, UserConfig } from './types.js';
import { type NewEntry, writeZip } from './zip.js';

export const DEMO_FEEDS: FeedConfig[] = [
  {
    name: 'dev-feed',
    feedType: 'universal',
    description: 'Development builds',
    promotionTarget: 'approved-feed',
  },
  { name: 'approved-feed', feedType: 'universal', description: 'Packages approved for production' },
  { name: 'old-feed', feedType: 'universal', description: 'Retired feed', active: false },
  { name: 'nuget-feed', feedType: 'nuget', description: 'NuGet packages', connectors: ['nuget.org'] },
];

export const DEMO_CONNECTORS: ConnectorConfig[] = [
  { id: 1, name: 'npmjs.org', url: 'https://registry.npmjs.org', state: 'healthy' },
  { id: 2, name: 'chocolatey.org', url: 'https://www.chocolatey.org/api/v2', state: 'healthy' },
  {
    id: 3,
    name: 'nuget.org',
    url: 'https://www.nuget.org/api/v2',
    state: 'error',
    errorMessage: 'Connection timed out.',
  },
];

export const DEMO_KEYS: ApiKeyConfig[] = [
  { key: 'demo-admin-key', privileges: 'all' },
  { key: 'demo-view-key', privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage'] },
  { key: 'demo-publish-key', privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage', 'Feeds_AddPackage'] },
  { key: 'demo-promote-key', privileges: ['Feeds_ViewFeed', 'Feeds_AcceptPackagePromotions'] },
  {
    key: 'demo-dev-feed-key',
    feeds: ['dev-feed'],
    privileges: [
      'Feeds_ViewFeed',
      'Feeds_DownloadPackage',
      'Feeds_AddPackage',
      'Feeds_OverwritePackage',
      'Feeds_DeletePackage',
    ],
  },
];

export const DEMO_USERS: UserConfig[] = [
  {
    username: 'demo',
    password: 'demo-password',
    privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage', 'Feeds_AddPackage'],
  },
];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A real 32×32 PNG with a diagonal gradient. */
export function demoPng(): Buffer {
  const size = 32;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      row[1 + x * 3] = x * 8;
      row[2 + x * 3] = y * 8;
      row[3 + x * 3] = 160;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface SeedPackage {
  feeds: string[];
  manifest: Manifest;
  files: NewEntry[];
  published: string;
  downloads: number;
  cached?: boolean;
}

function hdars(version: string, published: string, downloads: number): SeedPackage {
  return {
    feeds: ['dev-feed'],
    manifest: { name: 'HDARS', version },
    files: [
      { name: 'package/assets/muth.png', data: demoPng() },
      {
        name: 'package/assets/styles.css',
        data: `body { font-family: sans-serif; }\n/* HDARS ${version} */\n`,
      },
      { name: 'package/index.htm', data: `<!doctype html><title>HDARS ${version}</title><h1>HDARS</h1>\n` },
      { name: 'package/example.txt', data: `HDARS ${version} example file.\n` },
    ],
    published,
    downloads,
  };
}

function vindex(version: string, sourceRoot: string, deployTarget: string, downloads: number): SeedPackage {
  return {
    feeds: ['dev-feed'],
    manifest: {
      group: 'virtudyne/simdesk',
      name: 'var-index-service',
      version,
      _sourceRoot: sourceRoot,
      _deployTarget: deployTarget,
    },
    files: [
      { name: 'package/bin/vindex.sh', data: `#!/bin/sh\necho "var-index-service ${version}"\n` },
      { name: 'package/config/vindex.conf', data: `port=8080\nversion=${version}\n` },
    ],
    published: '2016-02-01T10:00:00.000Z',
    downloads,
  };
}

function nupkg(id: string, version: string): NewEntry[] {
  return [
    {
      name: `${id}.nuspec`,
      data:
        '<?xml version="1.0" encoding="utf-8"?>\n' +
        '<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>' +
        `<id>${id}</id><version>${version}</version><authors>James Newton-King</authors>` +
        '<description>Json.NET is a popular high-performance JSON framework for .NET</description>' +
        '</metadata></package>\n',
    },
    { name: 'lib/netstandard2.0/readme.txt', data: `${id} ${version} (simulator placeholder)\n` },
  ];
}

const ABLAST: Manifest = {
  group: 'initrode/vendors/abl',
  name: 'ABLast',
  version: '2.2.1',
  title: 'ast distribution files for ABL',
  icon: 'package://ablast.svg',
  description: 'This contains [ast distro](http://initrode-net.local/ast) files specific to ABL',
  dependencies: ['initrode/vendors-common:ast-common:2.0.0'],
};

function seedPackages(): SeedPackage[] {
  return [
    hdars('0.0.22', '2016-01-01T06:51:51.403Z', 133),
    hdars('1.3.7', '2016-01-05T06:51:51.403Z', 21),
    hdars('1.3.9', '2016-01-07T06:51:51.403Z', 1),
    hdars('1.3.10', '2016-01-09T06:51:51.403Z', 0),
    {
      feeds: ['dev-feed', 'approved-feed'],
      manifest: ABLAST,
      files: [
        {
          name: 'ablast.svg',
          data: '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="#3a6"/></svg>\n',
        },
        { name: 'package/ast/abl.ast', data: 'ast distro for ABL\n' },
      ],
      published: '2016-01-03T12:00:00.000Z',
      downloads: 55,
      cached: true,
    },
    ...['2.0.0', '2.1.0-rc.1'].map(
      (version): SeedPackage => ({
        feeds: ['dev-feed'],
        manifest: {
          group: 'initrode/vendors-common',
          name: 'ast-common',
          version,
          title: 'Common ast files',
        },
        files: [{ name: 'package/common.ast', data: `ast-common ${version}\n` }],
        published: version === '2.0.0' ? '2016-01-02T12:00:00.000Z' : '2016-03-01T12:00:00.000Z',
        downloads: 3,
      }),
    ),
    vindex('5.0.10', '$/global/vindex/root', '/var/vsimdesk/vindex/newv5', 18),
    vindex('5.2.1', '$/global/vindex/branches/5.2', '/var/vsimdesk/vindex/2tmp', 18),
    vindex('5.3.10', '$/global/vindex/branches/v5-hotfix', '/var/vsimdesk/vindex', 17),
    {
      feeds: ['dev-feed'],
      manifest: {
        group: 'virtudyne/simdesk',
        name: 'simdesk-bundle',
        version: '1.0.0',
        contents: ['virtudyne/simdesk/var-index-service:5.3.10'],
      },
      files: [],
      published: '2016-02-02T10:00:00.000Z',
      downloads: 0,
    },
    ...['13.0.2', '13.0.3'].map(
      (version): SeedPackage => ({
        feeds: ['nuget-feed'],
        manifest: { name: 'Newtonsoft.Json', version },
        files: nupkg('Newtonsoft.Json', version),
        published: '2023-03-08T07:42:54.647Z',
        downloads: 7,
      }),
    ),
  ];
}

const SEEDER: Principal = { kind: 'user', user: { username: 'Admin', password: '', privileges: 'all' } };

/** Write the seed packages and history into a fresh store. */
export async function seedDemo(sim: Sim): Promise<void> {
  seedScaDemo(sim);
  if (sim.store.seeded) return;
  await Promise.all(
    seedPackages().flatMap((p) =>
      p.feeds.map(async (feedName) => {
        const feed = sim.feed(feedName);
        if (!feed) return;
        const file = sim.store.tempPath();
        const isNuget = feed.feedType === 'nuget';
        const manifestEntry: NewEntry[] = isNuget
          ? []
          : [{ name: 'upack.json', data: JSON.stringify(p.manifest, null, 2) }];
        await writeZip(file, [...manifestEntry, ...p.files]);
        const hashes = await sim.store.hashFile(file);
        await commitPackage(sim, SEEDER, feed, file, hashes, p.manifest, {
          published: p.published,
          downloads: p.downloads,
          cached: p.cached ?? false,
          allowOverwrite: true,
        });
      }),
    ),
  );
  const promotions = [
    {
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      version: '2.2.1',
      date: '2023-11-28T06:23:46.92Z',
      user: 'SYSTEM',
    },
  ];
  for (const p of promotions) {
    await sim.store.addPromotion({
      packageType: 'upack',
      ...p,
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      comments: 'Approved for production use',
    });
  }
  sim.store.seeded = true;
  await sim.store.save();
}
