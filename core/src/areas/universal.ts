// Universal Feed API: /upack/{feed}/... (packages, versions, download, upload, delete, meta, import, search).

import { pipeline, Transform } from 'node:stream';
import type {
  CallOptions,
  DownloadOptions,
  ResumableUploadOptions,
  ResumableUploadResult,
  UniversalApi,
  UniversalDownloadOptions,
  UniversalListOptions,
  UniversalVersionsOptions,
  UploadOptions,
} from '../client-api.js';
import { ValidationError } from '../errors.js';
import { isVersionSelector, resolveSelector } from '../latest.js';
import { downloadPlan, saveResponse } from '../transport/download.js';
import type { ResponseContext, Transport } from '../transport/transport.js';
import { fileBody } from '../transport/upload.js';
import { groupSegments, joinPath } from '../transport/urls.js';
import type {
  DownloadResult,
  FileEntry,
  PackageId,
  PackageVersionId,
  UniversalFeedMeta,
  UniversalPackage,
  UniversalVersion,
  UploadResult,
} from '../types.js';
import { publishResumable } from '../upload/resumable.js';
import { AssetsArea } from './assets.js';
import { PackagesArea } from './packages.js';
import {
  arrayOf,
  bool,
  extra,
  isObject,
  num,
  objectOf,
  optNum,
  str,
  strings,
  utcDate,
  type WireObject,
} from './wire.js';

const PACKAGE_KEYS = new Set([
  'group',
  'name',
  'latestVersion',
  'title',
  'description',
  'icon',
  'downloads',
  'versions',
]);
const VERSION_KEYS = new Set([
  'group',
  'name',
  'version',
  'title',
  'description',
  'icon',
  'dependencies',
  'downloads',
  'published',
  'isLocal',
  'isCached',
  'isVirtual',
  'fileList',
]);

export function parseUniversalPackage(value: unknown): UniversalPackage {
  const o = objectOf(value, 'a universal package');
  const versions = strings(o.versions);
  return {
    group: str(o.group) ?? '',
    name: str(o.name) ?? '',
    latestVersion: str(o.latestVersion),
    title: str(o.title),
    description: str(o.description),
    icon: str(o.icon),
    downloads: num(o.downloads),
    versions,
    extra: extra(o, PACKAGE_KEYS),
  };
}

export function parseUniversalVersion(value: unknown): UniversalVersion {
  const o = objectOf(value, 'a universal package version');
  const fileList = Array.isArray(o.fileList) ? o.fileList.filter(isObject).map(parseFileEntry) : undefined;
  return {
    group: str(o.group) ?? '',
    name: str(o.name) ?? '',
    version: str(o.version) ?? '',
    title: str(o.title),
    description: str(o.description),
    icon: str(o.icon),
    dependencies: strings(o.dependencies),
    downloads: num(o.downloads),
    published: utcDate(o.published),
    isLocal: bool(o.isLocal),
    isCached: bool(o.isCached),
    isVirtual: bool(o.isVirtual),
    fileList,
    extra: extra(o, VERSION_KEYS),
  };
}

function parseFileEntry(o: WireObject): FileEntry {
  return { name: (str(o.name) ?? '').replace(/\\/g, '/'), size: num(o.size), date: utcDate(o.date) };
}

export function parseFeedMeta(value: unknown): UniversalFeedMeta {
  const o = objectOf(value, 'universal feed metadata');
  return {
    apiVersion: str(o.apiVersion),
    name: str(o.name),
    description: str(o.description),
    version: str(o.version),
    packageCount: optNum(o.packageCount),
    packageVersionCount: optNum(o.packageVersionCount),
    services: strings(o.services),
  };
}

export function describePackage(id: PackageId & { version?: string }): string {
  const name = id.group ? `${id.group}/${id.name}` : id.name;
  return id.version ? `${name} ${id.version}` : name;
}

export class UniversalArea implements UniversalApi {
  constructor(private readonly transport: Transport) {}

  async meta(feed: string, options?: CallOptions): Promise<UniversalFeedMeta> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'meta'),
        signal: options?.signal,
        operation: `read metadata of feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      (json) => parseFeedMeta(json),
    );
  }

  async listPackages(feed: string, options?: UniversalListOptions): Promise<UniversalPackage[]> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'packages'),
        query: { group: options?.group, count: options?.count },
        signal: options?.signal,
        operation: `list packages in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      (json) => arrayOf(json, 'the package list').map(parseUniversalPackage),
    );
  }

  async getPackage(
    feed: string,
    id: PackageId,
    options?: CallOptions,
  ): Promise<UniversalPackage | undefined> {
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'packages'),
        // Without a group ProGet searches the empty group, which is what an id without group means.
        query: { group: id.group || undefined, name: id.name },
        signal: options?.signal,
        passStatuses: [404],
        operation: `read package ${describePackage(id)} in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      async (r) => {
        if (r.status === 404) return undefined;
        const json = await r.readJson();
        // Some servers answer with a one-element list even when a name is given.
        const item = Array.isArray(json) ? json[0] : json;
        return item === undefined ? undefined : parseUniversalPackage(item);
      },
    );
  }

  async listVersions(feed: string, options?: UniversalVersionsOptions): Promise<UniversalVersion[]> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'versions'),
        query: {
          group: options?.group,
          name: options?.name,
          includeFileList: options?.includeFileList ? true : undefined,
          count: options?.count,
        },
        signal: options?.signal,
        operation: `list versions in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      (json) => arrayOf(json, 'the version list').map(parseUniversalVersion),
    );
  }

  async getVersion(
    feed: string,
    id: PackageVersionId,
    options?: CallOptions & { includeFileList?: boolean },
  ): Promise<UniversalVersion | undefined> {
    const version = await this.resolveVersion(feed, id, options);
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'versions'),
        query: {
          group: id.group || undefined,
          name: id.name,
          version,
          includeFileList: options?.includeFileList ? true : undefined,
        },
        signal: options?.signal,
        passStatuses: [404],
        operation: `read version ${describePackage({ ...id, version })} in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      async (r) => {
        if (r.status === 404) return undefined;
        const json = await r.readJson();
        const item = Array.isArray(json) ? json[0] : json;
        return item === undefined ? undefined : parseUniversalVersion(item);
      },
    );
  }

  /**
   * `latest` / `latest-unstable` (prereleases included) or `latest-stable` resolved from the package's
   * version list; an exact version is returned as is.
   */
  async resolveVersion(feed: string, id: PackageVersionId, options?: CallOptions): Promise<string> {
    return resolveSelector(
      id.version,
      async () => {
        const pkg = await this.getPackage(feed, id, options);
        return pkg?.versions ?? [];
      },
      `${describePackage(id)} in feed "${feed}"`,
    );
  }

  async download(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: UniversalDownloadOptions,
  ): Promise<DownloadResult> {
    const plan = downloadPlan(options);
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    const ext = options?.contentOnly === 'tgz' ? 'tgz' : options?.contentOnly === 'zip' ? 'zip' : 'upack';
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'download', ...groupSegments(id.group), id.name, version),
        query: { contentOnly: options?.contentOnly },
        accept: '*/*',
        transfer: true,
        signal: options?.signal,
        operation: `download ${describePackage(pkg)} from feed "${feed}"`,
        privilege: `Feeds_DownloadPackage on feed "${feed}"`,
      },
      (r) =>
        this.save(
          r,
          destPath,
          `${id.name}.${version}.${ext}`,
          `download ${describePackage(pkg)}`,
          options,
          plan,
          true,
        ),
    );
  }

  async downloadFile(
    feed: string,
    id: PackageVersionId,
    path: string,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult> {
    const plan = downloadPlan(options);
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'download-file', ...groupSegments(id.group), id.name, version),
        query: { path },
        accept: '*/*',
        transfer: true,
        signal: options?.signal,
        operation: `download ${path} of ${describePackage(pkg)} from feed "${feed}"`,
        privilege: `Feeds_DownloadPackage on feed "${feed}"`,
        notFoundHint: `Check the package, version and file path (content lives under "package/", e.g. package/${path.replace(/^package\//, '')}).`,
      },
      (r) =>
        this.save(
          r,
          destPath,
          path.split('/').pop() || 'file',
          `download ${path} of ${describePackage(pkg)}`,
          options,
          plan,
        ),
    );
  }

  async openFile(
    feed: string,
    id: PackageVersionId,
    path: string,
    options?: CallOptions,
  ): Promise<NodeJS.ReadableStream> {
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'download-file', ...groupSegments(id.group), id.name, version),
        query: { path },
        accept: '*/*',
        transfer: true,
        signal: options?.signal,
        operation: `open ${path} of ${describePackage(pkg)} in feed "${feed}"`,
        privilege: `Feeds_DownloadPackage on feed "${feed}"`,
      },
      async (r) => {
        // The caller reads at its own pace: timers and the socket live until the stream closes.
        const release = r.detach();
        const out = new Transform({
          transform(chunk, _encoding, done) {
            r.touch();
            done(null, chunk);
          },
        });
        pipeline(r.body, out, () => release());
        return out;
      },
    );
  }

  async downloadVpack(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult> {
    const plan = downloadPlan(options);
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'download-vpack', ...groupSegments(id.group), id.name, version),
        accept: '*/*',
        transfer: true,
        signal: options?.signal,
        operation: `download virtual package ${describePackage(pkg)} from feed "${feed}"`,
        privilege: `Feeds_DownloadPackage on feed "${feed}"`,
      },
      (r) =>
        this.save(
          r,
          destPath,
          `${id.name}.${version}.vpack`,
          `download ${describePackage(pkg)}`,
          options,
          plan,
          true,
        ),
    );
  }

  async upload(feed: string, filePath: string, options?: UploadOptions): Promise<UploadResult> {
    const file = await fileBody(filePath, options?.onProgress, undefined, options?.knownHashes);
    await this.transport.request(
      {
        method: 'PUT',
        path: joinPath('upack', feed, 'upload'),
        body: file.body,
        accept: '*/*',
        transfer: true,
        signal: options?.signal,
        operation: `upload ${filePath} to feed "${feed}"`,
        privilege: `Feeds_AddPackage on feed "${feed}" (plus Feeds_OverwritePackage to replace an existing version)`,
      },
      (r) => r.readText(),
    );
    return file.result();
  }

  publishResumable(
    feed: string,
    filePath: string,
    options?: ResumableUploadOptions,
  ): Promise<ResumableUploadResult> {
    const areas = {
      universal: this,
      packages: new PackagesArea(this.transport),
      assets: new AssetsArea(this.transport),
    };
    return publishResumable(areas, feed, filePath, options);
  }

  async delete(feed: string, id: PackageVersionId, options?: CallOptions): Promise<void> {
    if (isVersionSelector(id.version)) {
      throw new ValidationError('Delete', [
        `"${id.version}" is not a version: name the exact version to delete`,
      ]);
    }
    // POST rather than DELETE: IIS (WebDAV) often blocks the DELETE verb in front of ProGet.
    await this.transport.send({
      method: 'POST',
      path: joinPath('upack', feed, 'delete', ...groupSegments(id.group), id.name, id.version),
      body: { type: 'empty' },
      accept: '*/*',
      signal: options?.signal,
      operation: `delete ${describePackage(id)} from feed "${feed}"`,
      privilege: `Feeds_DeletePackage (Overwrite/Delete) on feed "${feed}"`,
    });
  }

  async import(
    feed: string,
    request: { from: string; assetDirectory?: string; deleteFromSource?: boolean },
    options?: CallOptions,
  ): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: joinPath('upack', feed, 'import'),
      body: {
        type: 'json',
        value: {
          assetDirectory: request.assetDirectory,
          from: request.from,
          deleteFromSource: request.deleteFromSource,
        },
      },
      accept: '*/*',
      signal: options?.signal,
      operation: `import ${request.from} into feed "${feed}"`,
      privilege: `Feeds_AddPackage on feed "${feed}"`,
    });
  }

  async search(
    feed: string,
    query: string,
    options?: CallOptions & { count?: number },
  ): Promise<UniversalPackage[]> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'search'),
        query: { query, count: options?.count },
        signal: options?.signal,
        operation: `search feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      (json) => arrayOf(json, 'the search results').map(parseUniversalPackage),
    );
  }

  private save(
    r: ResponseContext,
    destPath: string,
    fallbackName: string,
    operation: string,
    options: DownloadOptions | undefined,
    plan: ReturnType<typeof downloadPlan>,
    expectPackage = false,
  ): Promise<DownloadResult> {
    return saveResponse(r, {
      destPath,
      fallbackName,
      operation,
      onProgress: options?.onProgress,
      expectPackage,
      ...plan,
    });
  }
}
