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
  VersionLookup,
} from '../client-api.js';
import { isProGetError, ProGetError, ValidationError } from '../errors.js';
import { isVersionSelector, resolveSelector } from '../latest.js';
import { downloadPlan, saveResponse } from '../transport/download.js';
import type { RequestSpec, ResponseContext, Transport } from '../transport/transport.js';
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
import { describePackage } from '../upack/describe.js';
import { readManifest } from '../upack/read.js';
import { publishResumable } from '../upload/resumable.js';
import { AssetsArea } from './assets.js';
import type { FeedsArea } from './feeds.js';
import { PackagesArea } from './packages.js';
import { mayIgnoreMissingGroup, reframe } from './server.js';
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

export { describePackage };

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

type TransferOp = 'download' | 'download-file' | 'download-vpack';

/** Same group? '' and undefined are the empty group; groups compare case-insensitively. */
function sameGroup(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** Statuses real servers use to refuse replacing an existing version without Overwrite (api-notes §7). */
const OVERWRITE_REFUSALS = new Set([400, 403, 409]);

export class UniversalArea implements UniversalApi {
  constructor(
    private readonly transport: Transport,
    private readonly feeds?: FeedsArea,
  ) {}

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
    const packages = await this.transport.json(
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
    return options?.group === undefined
      ? packages
      : packages.filter((p) => sameGroup(p.group, options.group));
  }

  async getPackage(
    feed: string,
    id: PackageId,
    options?: CallOptions,
  ): Promise<UniversalPackage | undefined> {
    const found = await this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'packages'),
        // The group is always sent (`group=` for the empty one): ProGet 2023 ignores a missing group.
        query: { group: id.group ?? '', name: id.name },
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
    // A package of another group is not the one asked for (a server that ignored the group).
    return found && sameGroup(found.group, id.group) ? found : undefined;
  }

  async listVersions(feed: string, options?: UniversalVersionsOptions): Promise<UniversalVersion[]> {
    // With a name, the group is explicit (`group=` for the empty one): ProGet 2023 ignores a missing group.
    const group = options?.name !== undefined ? (options.group ?? '') : options?.group;
    const versions = await this.transport.json(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'versions'),
        query: {
          group,
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
    return group === undefined ? versions : versions.filter((v) => sameGroup(v.group, group));
  }

  async getVersion(
    feed: string,
    id: PackageVersionId,
    options?: CallOptions & { includeFileList?: boolean },
  ): Promise<UniversalVersion | undefined> {
    const version = await this.resolveVersion(feed, id, options);
    const found = await this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'versions'),
        query: {
          group: id.group ?? '',
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
    return found && sameGroup(found.group, id.group) ? found : undefined;
  }

  async findVersion(feed: string, id: PackageVersionId, options?: CallOptions): Promise<VersionLookup> {
    await this.feedExists(feed, options);
    const pkg = await this.getPackage(feed, id, options);
    if (!pkg) return { state: 'package-absent' };
    const wanted = isVersionSelector(id.version) ? await this.resolveVersion(feed, id, options) : id.version;
    const version = await this.getVersion(feed, { ...id, version: wanted }, options);
    return version ? { state: 'found', version } : { state: 'version-absent', versions: pkg.versions };
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
    const ext = options?.contentOnly === 'tgz' ? 'tgz' : options?.contentOnly === 'zip' ? 'zip' : 'upack';
    return this.transferGet(
      feed,
      id,
      'download',
      options,
      { query: { contentOnly: options?.contentOnly }, deadlineMs: plan.deadlineMs },
      (pkg) => `download ${describePackage(pkg)} from feed "${feed}"`,
      (r, pkg) =>
        this.save(
          r,
          destPath,
          `${id.name}.${pkg.version}.${ext}`,
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
    return this.transferGet(
      feed,
      id,
      'download-file',
      options,
      {
        query: { path },
        deadlineMs: plan.deadlineMs,
        notFoundHint: `Check the package, version and file path (content lives under "package/", e.g. package/${path.replace(/^package\//, '')}).`,
      },
      (pkg) => `download ${path} of ${describePackage(pkg)} from feed "${feed}"`,
      (r, pkg) =>
        this.save(
          r,
          destPath,
          path.split('/').pop() || 'file',
          `download ${path} of ${describePackage(pkg)}`,
          options,
          plan,
        ),
      path,
    );
  }

  async openFile(
    feed: string,
    id: PackageVersionId,
    path: string,
    options?: CallOptions,
  ): Promise<NodeJS.ReadableStream> {
    return this.transferGet(
      feed,
      id,
      'download-file',
      options,
      { query: { path } },
      (pkg) => `open ${path} of ${describePackage(pkg)} in feed "${feed}"`,
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
      path,
    );
  }

  async downloadVpack(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult> {
    const plan = downloadPlan(options);
    return this.transferGet(
      feed,
      id,
      'download-vpack',
      options,
      { deadlineMs: plan.deadlineMs },
      (pkg) => `download virtual package ${describePackage(pkg)} from feed "${feed}"`,
      (r, pkg) =>
        this.save(
          r,
          destPath,
          `${id.name}.${pkg.version}.vpack`,
          `download ${describePackage(pkg)}`,
          options,
          plan,
          true,
        ),
    );
  }

  /**
   * The one template of the four transfer GETs (`download`, `download-file` twice, `download-vpack`): resolve
   * the version, GET `/upack/{feed}/{op}/{group…}/{name}/{version}`, and on a 404 say whether the feed, the
   * package, the version (or the file) is missing.
   */
  private async transferGet<T>(
    feed: string,
    id: PackageVersionId,
    op: TransferOp,
    options: CallOptions | undefined,
    extra: Pick<RequestSpec, 'query' | 'notFoundHint' | 'deadlineMs'>,
    operation: (pkg: PackageVersionId) => string,
    handle: (r: ResponseContext, pkg: PackageVersionId) => Promise<T>,
    filePath?: string,
  ): Promise<T> {
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    try {
      return await this.transport.request(
        {
          method: 'GET',
          path: joinPath('upack', feed, op, ...groupSegments(id.group), id.name, version),
          accept: '*/*',
          transfer: true,
          signal: options?.signal,
          operation: operation(pkg),
          privilege: `Feeds_DownloadPackage on feed "${feed}"`,
          ...extra,
        },
        (r) => handle(r, pkg),
      );
    } catch (e) {
      throw await this.explainNotFound(e, feed, pkg, options, filePath);
    }
  }

  /**
   * A 404 under a feed names what is missing: the feed (probed first), the package, the version, or else
   * the file inside the package. Anything else is returned unchanged.
   */
  private async explainNotFound(
    error: unknown,
    feed: string,
    id: PackageVersionId,
    options?: CallOptions,
    filePath?: string,
  ): Promise<unknown> {
    if (!isProGetError(error, 'not-found') || error.status !== 404 || !this.feeds) return error;
    try {
      await this.feeds.require(feed, options);
      const pkg = await this.getPackage(feed, id, options);
      if (!pkg) {
        return reframe(error, {
          subject: 'package',
          message: `Package ${describePackage({ ...id, version: undefined })} was not found in feed "${feed}"`,
          hint: 'Check the package name and group (names and groups are matched ignoring case).',
        });
      }
      if (!pkg.versions.some((v) => v.toLowerCase() === id.version.toLowerCase())) {
        const recent = pkg.versions.slice(-5).join(', ');
        return reframe(error, {
          subject: 'version',
          message: `Version ${id.version} of ${describePackage({ ...id, version: undefined })} was not found in feed "${feed}"`,
          hint: recent ? `Versions in the feed include: ${recent}.` : undefined,
        });
      }
      if (filePath !== undefined) return reframe(error, { subject: 'package' });
      return error;
    } catch (diagnosis) {
      // The feed (or the key, or the server) is what is wrong: that error says so.
      return isProGetError(diagnosis) ? diagnosis : error;
    }
  }

  /** Throws the feed's own error (missing, inactive, not ProGet) unless the feed is known to exist. */
  private async feedExists(feed: string, options?: CallOptions): Promise<void> {
    if (!this.feeds || this.feeds.isKnown(feed)) return;
    await this.feeds.require(feed, options);
  }

  async upload(feed: string, filePath: string, options?: UploadOptions): Promise<UploadResult> {
    const file = await fileBody(filePath, options?.onProgress, undefined, options?.knownHashes);
    try {
      await this.transport.request(
        {
          method: 'PUT',
          path: joinPath('upack', feed, 'upload'),
          body: file.body,
          accept: '*/*',
          transfer: true,
          successStatuses: [200, 201],
          signal: options?.signal,
          operation: `upload ${filePath} to feed "${feed}"`,
          privilege: `Feeds_AddPackage on feed "${feed}" (plus Feeds_OverwritePackage to replace an existing version)`,
        },
        (r) => r.readText(),
      );
    } catch (e) {
      throw await overwriteRefusal(e, feed, filePath, (id) => this.getVersion(feed, id, options));
    }
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
    // Built first: a name or version that would leave the API path is refused before any request.
    const path = joinPath('upack', feed, 'delete', ...groupSegments(id.group), id.name, id.version);
    if (!id.group) await this.refuseTwinDelete(feed, id, options);
    try {
      // POST rather than DELETE: IIS (WebDAV) often blocks the DELETE verb in front of ProGet.
      await this.transport.send({
        method: 'POST',
        path,
        body: { type: 'empty' },
        accept: '*/*',
        signal: options?.signal,
        operation: `delete ${describePackage(id)} from feed "${feed}"`,
        privilege: `Feeds_DeletePackage (Overwrite/Delete) on feed "${feed}"`,
      });
    } catch (e) {
      throw await this.explainNotFound(e, feed, id, options);
    }
  }

  /**
   * ProGet 2023 ignores a missing group: deleting the ungrouped `name version` may remove a grouped twin
   * (api-notes §7). Unless the server is known to be 2024 or later, look first and refuse when a twin exists.
   */
  private async refuseTwinDelete(feed: string, id: PackageVersionId, options?: CallOptions): Promise<void> {
    if (!mayIgnoreMissingGroup(this.transport.serverInfo)) return;
    // Without a group, a 2023 server lists the name's versions from every group.
    const all = await this.transport.request(
      {
        method: 'GET',
        path: joinPath('upack', feed, 'versions'),
        query: { name: id.name },
        signal: options?.signal,
        passStatuses: [404],
        operation: `check ${describePackage(id)} in feed "${feed}" before deleting it`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
      },
      async (r) =>
        r.status === 404 ? [] : arrayOf(await r.readJson(), 'the version list').map(parseUniversalVersion),
    );
    if (!mayIgnoreMissingGroup(this.transport.serverInfo)) return;
    const v = id.version.toLowerCase();
    const twins = all.filter((x) => x.group !== '' && x.version.toLowerCase() === v);
    if (twins.length === 0) return;
    throw new ProGetError({
      kind: 'conflict',
      subject: 'package',
      message: `Refusing to delete ${describePackage(id)} from feed "${feed}": this server may delete ${describePackage(twins[0]!)} instead`,
      hint:
        'ProGet 2023 ignores a missing group, so a delete of a package without group can remove a grouped ' +
        'package of the same name and version. Delete it in the ProGet UI, or upgrade to ProGet 2024 or later.',
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

export const OVERWRITE_MESSAGE = 'version exists; the key lacks Overwrite';

/**
 * Servers refuse replacing an existing version without Overwrite with 400, 403 or 409 (UNVERIFIED which,
 * api-notes §7): whichever it is, when the version exists, one clear error says so. Anything else is
 * returned unchanged.
 */
export async function overwriteRefusal(
  error: unknown,
  feed: string,
  filePath: string,
  lookup: (id: PackageVersionId) => Promise<unknown>,
): Promise<unknown> {
  if (!isProGetError(error) || error.status === undefined || !OVERWRITE_REFUSALS.has(error.status))
    return error;
  let id: PackageVersionId;
  let exists: boolean;
  try {
    const m = await readManifest(filePath);
    id = { group: m.group, name: m.name, version: m.version };
    exists = (await lookup(id)) !== undefined;
  } catch {
    return error;
  }
  if (!exists) return error;
  return reframe(error, {
    kind: 'conflict',
    subject: 'version',
    privilege: 'Feeds_OverwritePackage',
    message: `Could not upload ${describePackage(id)} to feed "${feed}": ${OVERWRITE_MESSAGE}`,
    hint: `${describePackage(id)} is already in feed "${feed}", and replacing it needs the Feeds_OverwritePackage (Overwrite/Delete) privilege. Publish a new version, or grant Overwrite to the key.`,
  });
}
