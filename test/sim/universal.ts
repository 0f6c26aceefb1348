// The Universal Feed API: /upack/{feed}/packages, versions, download, download-file, download-vpack, upload,
// delete, meta, import, search.

import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { assetImportLink, assetImportSource } from './assets.js';
import { displayUser, type Principal } from './auth.js';
import { type Call, type Feed, isUniversal, type Sim } from './context.js';
import { HttpError, header, json, readFields, type SimResponse, str, text } from './http.js';
import { commitPackage, manifestOf, packageId, readListing } from './ingest.js';
import type { PackageRecord } from './store.js';
import { upload } from './upload.js';
import { isValidVersion, latestOf } from './versions.js';
import { groupPackages, packageView, versionView } from './views.js';
import { contentArchive, listZip, openZipEntry } from './zip.js';

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  htm: 'text/html',
  html: 'text/html',
  css: 'text/css',
  js: 'application/javascript',
  json: 'application/json',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  zip: 'application/zip',
  upack: 'application/zip',
  tgz: 'application/x-compressed',
  gz: 'application/gzip',
  pdf: 'application/pdf',
};

export function contentTypeFor(fileName: string): string {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

function universalFeed(
  sim: Sim,
  who: Principal,
  name: string,
  privilege: Parameters<Sim['authorize']>[1],
): Feed {
  const feed = sim.usableFeed(who, name, privilege);
  if (!isUniversal(feed)) throw new HttpError(400, `Feed ${feed.name} is not a universal feed.`);
  return feed;
}

function requireMethod(call: Call, ...methods: string[]) {
  if (!methods.includes(call.method))
    throw new HttpError(405, `Method ${call.method} is not allowed here.`, { Allow: methods.join(', ') });
}

function count(query: URLSearchParams): number {
  const c = Number.parseInt(query.get('count') ?? '', 10);
  return Number.isFinite(c) && c >= 0 ? c : 1000;
}

/**
 * `group=` present (possibly empty) filters on the group; a name alone means the empty group, except on
 * ProGet 2023, which ignores a missing group (api-notes §7) and matches the name in any group.
 */
function groupFilter(sim: Sim, query: URLSearchParams): string | undefined {
  if (query.has('group')) return query.get('group') ?? '';
  if (query.has('name') && !sim.ignoresMissingGroup) return '';
  return undefined;
}

/** The feed's packages (each its versions, ascending) that the query's group and name select, in list order. */
function selectPackages(sim: Sim, feed: Feed, query: URLSearchParams): readonly PackageRecord[][] {
  const group = groupFilter(sim, query)?.toLowerCase();
  const name = query.get('name')?.toLowerCase();
  if (name && group !== undefined) {
    const versions = sim.store.versionsOf(feed.name, group, name);
    return versions.length ? groupPackages(versions) : [];
  }
  const all = sim.store.feedGroups(feed.name);
  if (group === undefined && !name) return all;
  return all.filter((versions) => {
    const r = versions[0]!;
    return (
      (group === undefined || r.group.toLowerCase() === group) && (!name || r.name.toLowerCase() === name)
    );
  });
}

/** Which package version a download-style path names: `{group...}/{name}/{version}` or `{group...}/{name}?latest`. */
export function resolvePath(sim: Sim, feed: Feed, segments: string[], query: URLSearchParams): PackageRecord {
  if (query.has('latest')) {
    if (segments.length === 0) throw new HttpError(400, 'A package name is required.');
    const name = segments[segments.length - 1]!;
    const group = segments.slice(0, -1).join('/');
    const versions = sim.store.versionsOf(feed.name, group, name);
    const latest = latestOf(versions.map((v) => v.version));
    const record = versions.find((v) => v.version === latest);
    if (!record)
      throw new HttpError(404, `Package ${packageId(group, name)} was not found in feed ${feed.name}.`);
    return record;
  }
  const version = segments[segments.length - 1];
  if (segments.length < 2 || version === undefined || !isValidVersion(version))
    throw new HttpError(
      400,
      'A package version must be specified, or the "latest" query string argument supplied.',
    );
  const name = segments[segments.length - 2]!;
  const group = segments.slice(0, -2).join('/');
  const record = sim.store.find(feed.name, group, name, version);
  if (!record)
    throw new HttpError(
      404,
      `Package ${packageId(group, name)} ${version} was not found in feed ${feed.name}.`,
    );
  return record;
}

/** Deployment headers on a download record a deployment (api-notes §9). */
export async function recordDeploymentHeaders(sim: Sim, call: Call, who: Principal, record: PackageRecord) {
  const application = header(call.req, 'x-proget-deployment-application');
  const description = header(call.req, 'x-proget-deployment-description');
  const target = header(call.req, 'x-proget-deployment-target');
  if (!application || !description || !target) return;
  const feed = sim.feed(record.feed);
  if (feed && !feed.deploymentRecordsEnabled) return;
  await sim.store.addDeployment({
    application,
    description,
    target,
    feedName: record.feed,
    packageName: record.name,
    ...(record.group ? { groupName: record.group } : {}),
    version: record.version,
    userName: header(call.req, 'x-proget-deployment-username') ?? displayUser(who),
    ...(header(call.req, 'x-proget-deployment-url')
      ? { url: header(call.req, 'x-proget-deployment-url') }
      : {}),
    date: header(call.req, 'x-proget-deployment-date') ?? new Date().toISOString(),
  });
}

/** The stored file, streamed; the download is counted when the response starts, as servers count requests. */
export function fileResponse(
  sim: Sim,
  record: PackageRecord,
  contentType: string,
  fileName: string,
): SimResponse {
  sim.store.countDownload(record);
  return {
    status: 200,
    headers: { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename=${fileName}` },
    // 1 MiB reads, as a production server streams large files: 64 KiB reads cost the simulator a callback
    // round per 64 KiB, CPU that on a 2-core machine comes out of the client it is serving.
    body: createReadStream(sim.store.path(record), { highWaterMark: 1024 * 1024 }),
    length: record.hashes.size,
  };
}

/** Free edition: at most `freeDeleteLimitPerHour` API deletes in any hour. */
export function checkDeleteQuota(sim: Sim): void {
  if (sim.behaviour.edition !== 'Free') return;
  const hourAgo = Date.now() - 3600_000;
  while (sim.deleteTimes.length > 0 && sim.deleteTimes[0]! < hourAgo) sim.deleteTimes.shift();
  if (sim.deleteTimes.length >= sim.behaviour.freeDeleteLimitPerHour) {
    const retry = Math.max(1, Math.ceil((sim.deleteTimes[0]! + 3600_000 - Date.now()) / 1000));
    throw new HttpError(
      sim.behaviour.freeDeleteLimitStatus,
      `ProGet Free edition allows ${sim.behaviour.freeDeleteLimitPerHour} package deletions through the API per hour; ` +
        'try again later or upgrade to ProGet Basic or Enterprise.',
      { 'Retry-After': String(retry) },
    );
  }
}

export async function deleteRecord(sim: Sim, record: PackageRecord): Promise<void> {
  checkDeleteQuota(sim);
  await sim.store.withLock(`${record.feed}|${record.group}|${record.name}|${record.version}`, () =>
    sim.store.remove(record),
  );
  if (sim.behaviour.edition === 'Free') sim.deleteTimes.push(Date.now());
}

/**
 * The version a delete path names. ProGet 2023 ignores a missing group: an ungrouped name may hit a grouped
 * twin, the first one stored (api-notes §7).
 */
function findForDelete(
  sim: Sim,
  feed: Feed,
  group: string,
  name: string,
  version: string,
): PackageRecord | undefined {
  if (group !== '' || !sim.ignoresMissingGroup) return sim.store.find(feed.name, group, name, version);
  const [n, v] = [name.toLowerCase(), version.toLowerCase()];
  return sim.store
    .feedPackages(feed.name)
    .find((r) => r.name.toLowerCase() === n && r.version.toLowerCase() === v);
}

export async function universalApi(
  sim: Sim,
  call: Call,
  feedName: string,
  rest: string[],
): Promise<SimResponse> {
  const [op, ...segments] = rest;
  const q = call.query;
  switch (op) {
    case 'packages': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_ViewFeed');
      const packages = selectPackages(sim, feed, q);
      if (q.has('name')) {
        const found = packages[0];
        if (!found)
          throw new HttpError(
            404,
            `Package ${packageId(groupFilter(sim, q) ?? '', q.get('name') ?? '')} was not found.`,
          );
        return json(200, packageView(found));
      }
      const n = count(q);
      if (n < packages.length || packages !== sim.store.feedGroups(feed.name))
        return json(200, packages.slice(0, n).map(packageView));
      // The whole feed: the body is kept until the feed changes (a client's "list all" at 100,000 packages
      // would otherwise wait seconds for this serialization on every request).
      const body = sim.store.body(`packages\0${feed.name.toLowerCase()}`, () =>
        JSON.stringify(packages.map(packageView)),
      );
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
    }
    case 'versions': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_ViewFeed');
      let records = selectPackages(sim, feed, q).flat();
      const withFiles = (q.get('includeFileList') ?? '').toLowerCase() === 'true';
      const view = async (r: PackageRecord) => {
        const v = versionView(r);
        if (withFiles) {
          const listing = await listZip(sim.store.path(r));
          v.fileList = listing.entries
            .filter((e) => !e.isDirectory && e.name.startsWith('package/'))
            .map((e) => ({
              name: e.name.slice('package/'.length),
              size: e.size,
              date: e.date.toISOString(),
            }));
        }
        return v;
      };
      const version = q.get('version');
      if (version) {
        const found = records.find((r) => r.version.toLowerCase() === version.toLowerCase());
        if (!found) throw new HttpError(404, `Package version ${version} was not found.`);
        return json(200, await view(found));
      }
      // count is ignored when a name is given (the page).
      if (!q.has('name')) records = records.slice(0, count(q));
      return json(200, await Promise.all(records.map(view)));
    }
    case 'download': {
      requireMethod(call, 'GET', 'HEAD');
      const who = call.who();
      const feed = universalFeed(sim, who, feedName, 'Feeds_DownloadPackage');
      const record = resolvePath(sim, feed, segments, q);
      await recordDeploymentHeaders(sim, call, who, record);
      if (q.has('contentOnly')) {
        const format = q.get('contentOnly')?.toLowerCase() === 'tgz' ? 'tgz' : 'zip';
        sim.store.countDownload(record);
        return {
          status: 200,
          headers: {
            'Content-Type': format === 'tgz' ? 'application/x-compressed' : 'application/zip',
            'Content-Disposition': `attachment; filename=${record.name}.${record.version}.${format}`,
          },
          body: call.method === 'HEAD' ? undefined : contentArchive(sim.store.path(record), format),
        };
      }
      return fileResponse(
        sim,
        record,
        'application/zip',
        `${record.name}.${record.version}${record.extension}`,
      );
    }
    case 'download-file': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_DownloadPackage');
      const record = resolvePath(sim, feed, segments, q);
      const path = q.get('path');
      if (!path) throw new HttpError(400, 'The "path" query string argument is required.');
      const entry = await openZipEntry(sim.store.path(record), path);
      if (entry.kind === 'missing') throw new HttpError(404, `File ${path} was not found in the package.`);
      if (entry.kind === 'directory') throw new HttpError(403, `${path} is a directory, not a file.`);
      const fileName = basename(path.replace(/\\/g, '/'));
      return {
        status: 200,
        headers: {
          'Content-Type': contentTypeFor(fileName),
          'Content-Disposition': `attachment; filename=${fileName}`,
        },
        body: entry.stream,
        length: entry.size,
      };
    }
    case 'download-vpack': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_DownloadPackage');
      const record = resolvePath(sim, feed, segments, q);
      if (!record.virtual)
        throw new HttpError(
          400,
          `${packageId(record.group, record.name)} ${record.version} is not a virtual package.`,
        );
      return fileResponse(sim, record, 'application/zip', `${record.name}.${record.version}.vpack`);
    }
    case 'upload':
      requireMethod(call, 'PUT', 'POST');
      return upload(sim, call, feedName, segments);
    case 'delete': {
      requireMethod(call, 'DELETE', 'POST');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_DeletePackage');
      if (segments.length < 2) throw new HttpError(400, 'A package name and version are required.');
      const version = segments[segments.length - 1]!;
      const name = segments[segments.length - 2]!;
      const group = segments.slice(0, -2).join('/');
      const record = findForDelete(sim, feed, group, name, version);
      if (!record) throw new HttpError(404, `Package ${packageId(group, name)} ${version} was not found.`);
      await deleteRecord(sim, record);
      return { status: 200, body: '' };
    }
    case 'meta': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_ViewFeed');
      // From the store's grouped list (kept until the next change): a server answers this from an index,
      // and the tree asks for it beside every first page.
      const packages = sim.store.feedGroups(feed.name);
      return json(200, {
        apiVersion: '1.3.0',
        name: feed.name,
        description: feed.description,
        version: '1.3.0',
        packageCount: packages.length,
        packageVersionCount: packages.reduce((n, versions) => n + versions.length, 0),
        services: [
          'VirtualPackages',
          'RemotePackages',
          'UploadPackage',
          'UploadContents',
          'Delete',
          'DownloadContents',
        ],
      });
    }
    case 'import':
      requireMethod(call, 'POST');
      return importPackage(sim, call, feedName);
    case 'search': {
      requireMethod(call, 'GET', 'HEAD');
      const feed = universalFeed(sim, call.who(), feedName, 'Feeds_ViewFeed');
      const term = (q.get('query') ?? q.get('term') ?? '').toLowerCase();
      const matches = sim.store
        .feedGroups(feed.name)
        .map(packageView)
        .filter((p) =>
          ['group', 'name', 'title', 'description'].some((k) =>
            String(p[k] ?? '')
              .toLowerCase()
              .includes(term),
          ),
        );
      return json(200, matches.slice(0, count(q)));
    }
    default:
      return text(404, 'This is not the endpoint you are looking for.');
  }
}

async function importDirSource(sim: Sim, assetDirectory: string | undefined, from: string): Promise<string> {
  const root = sim.behaviour.importDir;
  if (!root) throw new HttpError(400, 'No import directory is configured on this server.');
  const base = assetDirectory ? resolve(root, assetDirectory) : resolve(root);
  const source = resolve(base, from);
  const inside = (parent: string, child: string) => {
    const r = relative(parent, child);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  if (!inside(resolve(root), base) && base !== resolve(root))
    throw new HttpError(400, 'Invalid asset directory.');
  if (!inside(base, source)) throw new HttpError(400, `Invalid path "${from}".`);
  try {
    if (!(await stat(source)).isFile()) throw new Error('not a file');
  } catch {
    throw new HttpError(404, `File ${from} was not found.`);
  }
  return source;
}

async function importPackage(sim: Sim, call: Call, feedName: string): Promise<SimResponse> {
  const fields = await readFields(call.req, call.body);
  const who = call.who(str(fields.API_Key ?? fields.key));
  const feed = universalFeed(sim, who, feedName, 'Feeds_AddPackage');
  const from = str(fields.from);
  if (!from) throw new HttpError(400, 'The "from" property is required.');
  const deleteFromSource =
    fields.deleteFromSource === undefined ? true : String(fields.deleteFromSource) !== 'false';
  const asset = await assetImportSource(sim, str(fields.assetDirectory), from);
  const source = asset ?? (await importDirSource(sim, str(fields.assetDirectory), from));
  const { tempPath, hashes } =
    (asset && deleteFromSource ? await assetImportLink(sim, asset) : undefined) ??
    (await sim.store.receive(createReadStream(source)));
  let manifest: ReturnType<typeof manifestOf>;
  try {
    manifest = manifestOf(sim, await readListing(tempPath));
  } catch (e) {
    await rm(tempPath, { force: true });
    throw e;
  }
  await commitPackage(sim, who, feed, tempPath, hashes, manifest);
  if (deleteFromSource) await rm(source, { force: true });
  return { status: 201, body: '' };
}
