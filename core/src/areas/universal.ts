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
import { ValidationError } from '../errors.js';
import { isVersionSelector, resolveSelector } from '../latest.js';
import { downloadPlan, saveResponse } from '../transport/download.js';
import type { RequestSpec, ResponseContext, Transport } from '../transport/transport.js';
import { fileBody } from '../transport/upload.js';
import { groupSegments, joinPath } from '../transport/urls.js';
import type {
  DownloadResult,
  PackageId,
  PackageVersionId,
  UniversalFeedMeta,
  UniversalPackage,
  UniversalVersion,
  UploadResult,
} from '../types.js';
import { describePackage } from '../upack/describe.js';
import { publishResumable } from '../upload/resumable.js';
import { AssetsArea } from './assets.js';
import type { FeedsArea } from './feeds.js';
import { overwriteRefusal } from './overwrite.js';
import { PackagesArea } from './packages.js';
import { explainNotFound, refuseTwinDelete } from './universal-diagnosis.js';
import { parseFeedMeta, parseUniversalPackage, parseUniversalVersion } from './universal-wire.js';
import { arrayOf } from './wire.js';

/** Same group? '' and undefined are the empty group; groups compare case-insensitively. */
function sameGroup(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

type TransferOp = 'download' | 'download-file' | 'download-vpack';

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

  /** A 404 under a feed names what is missing (see `explainNotFound`). */
  private explainNotFound(
    error: unknown,
    feed: string,
    id: PackageVersionId,
    options?: CallOptions,
    filePath?: string,
  ): Promise<unknown> {
    return explainNotFound(error, { feeds: this.feeds, universal: this }, feed, id, options, filePath);
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
    if (!id.group) await refuseTwinDelete(this.transport, feed, id, options);
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
      privilege: `Feeds_AddPackage on feed "${feed}" (plus Feeds_OverwritePackage to replace an existing version)`,
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
