// The Packages API (ProGet 2023+): /api/packages/{feed}[/latest|/versions|/download|/upload|/delete].

import { rm } from 'node:fs/promises';
import type { Call, Sim } from './context.js';
import { isUniversal, packageTypeOf } from './context.js';
import { HttpError, json, type SimResponse, text } from './http.js';
import { commitPackage, manifestOf, nuspecOf, packageId, readListing } from './ingest.js';
import type { PackageRecord } from './store.js';
import { deleteRecord, fileResponse } from './universal.js';
import { latestOf } from './versions.js';
import { groupPackages, packageVersionInfo } from './views.js';

function infos(sim: Sim, records: PackageRecord[]): Record<string, unknown>[] {
  return records.map((r) => {
    const total = sim.store.versionsOf(r.feed, r.group, r.name).reduce((n, v) => n + v.downloads, 0);
    return packageVersionInfo(r, total);
  });
}

function matches(r: PackageRecord, q: URLSearchParams): boolean {
  const name = q.get('name');
  if (name && r.name.toLowerCase() !== name.toLowerCase()) return false;
  // With a name, an absent group means the empty group; without a name, no group filter.
  const group = q.has('group') ? (q.get('group') ?? '') : name ? '' : undefined;
  return group === undefined || r.group.toLowerCase() === group.toLowerCase();
}

export async function packagesApi(
  sim: Sim,
  call: Call,
  feedName: string,
  op: string | undefined,
): Promise<SimResponse> {
  const q = call.query;
  const who = call.who();
  switch (op) {
    case undefined: {
      const feed = sim.usableFeed(who, feedName, 'Feeds_ViewFeed');
      return json(200, {
        id: feed.id,
        name: feed.name,
        feedType: feed.feedType,
        packageType: packageTypeOf(feed),
      });
    }
    case 'latest': {
      const feed = sim.usableFeed(who, feedName, 'Feeds_ViewFeed');
      const stableOnly = (q.get('stableOnly') ?? '').toLowerCase() === 'true';
      const latest: PackageRecord[] = [];
      for (const versions of groupPackages(sim.store.feedPackages(feed.name).filter((r) => matches(r, q)))) {
        const v = latestOf(
          versions.map((r) => r.version),
          stableOnly,
        );
        const r = versions.find((x) => x.version === v);
        if (r) latest.push(r);
      }
      return json(200, infos(sim, latest));
    }
    case 'versions': {
      const feed = sim.usableFeed(who, feedName, 'Feeds_ViewFeed');
      const version = q.get('version')?.toLowerCase();
      // With a name, one package's versions (matches() means the same); without, the whole feed.
      const name = q.get('name');
      const candidates = name
        ? sim.store.versionsOf(feed.name, q.get('group') ?? '', name)
        : sim.store.feedPackages(feed.name).filter((r) => matches(r, q));
      const records = groupPackages(candidates)
        .flat()
        .filter((r) => !version || r.version.toLowerCase() === version);
      return json(200, infos(sim, records));
    }
    case 'download': {
      const feed = sim.usableFeed(who, feedName, 'Feeds_DownloadPackage');
      const name = q.get('name');
      const version = q.get('version');
      if (!name || !version)
        throw new HttpError(400, 'The name and version query string arguments are required.');
      const group = q.get('group') ?? '';
      const versions = sim.store.versionsOf(feed.name, group, name);
      let record: PackageRecord | undefined;
      const v = version.toLowerCase();
      if (v === 'latest' || v === 'latest-stable' || v === 'latest-unstable') {
        const pick = latestOf(
          versions.map((r) => r.version),
          v !== 'latest-unstable',
        );
        record = versions.find((r) => r.version === pick);
      } else {
        record = versions.find((r) => r.version.toLowerCase() === v);
      }
      if (!record) throw new HttpError(404, `Package ${packageId(group, name)} ${version} was not found.`);
      const type =
        record.extension === '.upack' || record.extension === '.vpack'
          ? 'application/zip'
          : 'application/octet-stream';
      return fileResponse(sim, record, type, `${record.name}.${record.version}${record.extension}`);
    }
    case 'upload': {
      if (call.method !== 'PUT' && call.method !== 'POST')
        throw new HttpError(405, 'Use PUT.', { Allow: 'PUT, POST' });
      const feed = sim.usableFeed(who, feedName, 'Feeds_AddPackage');
      const universal = isUniversal(feed);
      if (!universal && packageTypeOf(feed) !== 'nuget')
        throw new HttpError(400, `Uploading ${feed.feedType} packages is not supported by this simulator.`);
      const { tempPath, hashes } = await sim.store.receive(call.body);
      let manifest: Record<string, unknown>;
      try {
        const listing = await readListing(tempPath);
        manifest = universal ? manifestOf(sim, listing) : await nuspecOf(tempPath, listing);
      } catch (e) {
        await rm(tempPath, { force: true });
        throw e;
      }
      await commitPackage(sim, who, feed, tempPath, hashes, manifest);
      // Upload and create endpoints answer 201 Created (api-notes §7).
      return { status: 201, body: '' };
    }
    case 'delete': {
      if (call.method !== 'POST' && call.method !== 'DELETE')
        throw new HttpError(405, 'Use POST.', { Allow: 'POST' });
      const feed = sim.usableFeed(who, feedName, 'Feeds_DeletePackage');
      const name = q.get('name');
      const version = q.get('version');
      if (!name || !version)
        throw new HttpError(400, 'The name and version query string arguments are required.');
      const group = q.get('group') ?? '';
      const record = sim.store.find(feed.name, group, name, version);
      if (!record) throw new HttpError(404, `Package ${packageId(group, name)} ${version} was not found.`);
      await deleteRecord(sim, record);
      return { status: 200, body: '' };
    }
    default:
      return text(404, `Unknown Packages API operation "${op}".`);
  }
}
