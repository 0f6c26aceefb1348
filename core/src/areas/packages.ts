// Packages API (ProGet 2023+): /api/packages/{feed}/... for any local or cached feed type.

import type { CallOptions, DownloadOptions, PackagesApi, UploadOptions } from '../client-api.js';
import { isProGetError, ValidationError } from '../errors.js';
import { isVersionSelector, resolveSelector } from '../latest.js';
import { downloadPlan, saveResponse } from '../transport/download.js';
import type { Transport } from '../transport/transport.js';
import { fileBody } from '../transport/upload.js';
import { joinPath } from '../transport/urls.js';
import type {
  DownloadResult,
  PackageId,
  PackageVersionId,
  PackageVersionInfo,
  UploadResult,
} from '../types.js';
import { describePackage } from '../upack/describe.js';
import type { FeedsArea } from './feeds.js';
import { overwriteRefusal } from './overwrite.js';
import { arrayOf, bool, num, objectOf, optNum, str, utcDate } from './wire.js';

const NEEDS_2023 =
  'The Packages API needs ProGet 2023 or later; on a newer server, check that the feed and package exist.';

export function parsePackageVersionInfo(value: unknown): PackageVersionInfo {
  const o = objectOf(value, 'a package version');
  return {
    purl: str(o.purl),
    group: str(o.group) ?? '',
    name: str(o.name) ?? '',
    version: str(o.version) ?? '',
    totalDownloads: num(o.totalDownloads),
    downloads: num(o.downloads),
    published: utcDate(o.published),
    publishedBy: str(o.publishedBy),
    size: optNum(o.size),
    listed: bool(o.listed) ?? true,
    md5: str(o.md5),
    sha1: str(o.sha1),
    sha256: str(o.sha256),
    sha512: str(o.sha512),
    allowDownload: bool(o.allowDownload),
    deprecated: bool(o.deprecated) ?? false,
    deprecationReason: str(o.deprecationReason),
  };
}

/** Same group? '' and undefined are the empty group; groups compare case-insensitively. */
function sameGroup(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

export class PackagesArea implements PackagesApi {
  constructor(
    private readonly transport: Transport,
    private readonly feeds?: FeedsArea,
  ) {}

  async latest(
    feed: string,
    options?: CallOptions & { group?: string; name?: string; stableOnly?: boolean },
  ): Promise<PackageVersionInfo[]> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('api', 'packages', feed, 'latest'),
        query: {
          group: options?.group,
          name: options?.name,
          stableOnly: options?.stableOnly ? true : undefined,
        },
        signal: options?.signal,
        operation: `list latest packages in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
        notFoundHint: NEEDS_2023,
      },
      (json) => arrayOf(json, 'the latest-package list').map(parsePackageVersionInfo),
    );
  }

  async versions(
    feed: string,
    id: PackageId & { version?: string },
    options?: CallOptions,
  ): Promise<PackageVersionInfo[]> {
    const versions = await this.transport.json(
      {
        method: 'GET',
        path: joinPath('api', 'packages', feed, 'versions'),
        // The group is always sent (`group=` for the empty one): ProGet 2023 ignores a missing group.
        query: { group: id.group ?? '', name: id.name, version: id.version },
        signal: options?.signal,
        operation: `list versions of ${describePackage(id)} in feed "${feed}"`,
        privilege: `Feeds_ViewFeed on feed "${feed}"`,
        notFoundHint: NEEDS_2023,
      },
      (json) => arrayOf(json, 'the version list').map(parsePackageVersionInfo),
    );
    // Another group's versions are not this package's (a server that ignored the group).
    return versions.filter((v) => sameGroup(v.group, id.group));
  }

  /** `latest`/`latest-unstable` include prereleases, `latest-stable` does not; resolved here, never sent. */
  async resolveVersion(feed: string, id: PackageVersionId, options?: CallOptions): Promise<string> {
    return resolveSelector(
      id.version,
      async () =>
        (await this.versions(feed, { group: id.group, name: id.name }, options)).map((v) => v.version),
      `${describePackage(id)} in feed "${feed}"`,
    );
  }

  async download(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult> {
    const plan = downloadPlan(options);
    const version = await this.resolveVersion(feed, id, options);
    const pkg = { ...id, version };
    return this.feedFirst(feed, options, () =>
      this.transport.request(
        {
          method: 'GET',
          path: joinPath('api', 'packages', feed, 'download'),
          query: { group: id.group ?? '', name: id.name, version },
          accept: '*/*',
          transfer: true,
          deadlineMs: plan.deadlineMs,
          signal: options?.signal,
          operation: `download ${describePackage(pkg)} from feed "${feed}"`,
          privilege: `Feeds_DownloadPackage on feed "${feed}"`,
          notFoundHint: NEEDS_2023,
        },
        (r) =>
          saveResponse(r, {
            destPath,
            fallbackName: `${id.name}.${version}`,
            operation: `download ${describePackage(pkg)}`,
            onProgress: options?.onProgress,
            expectPackage: true,
            ...plan,
          }),
      ),
    );
  }

  /** A 404 is about the package only once the feed is known to exist: otherwise the feed's error. */
  private async feedFirst<T>(
    feed: string,
    options: CallOptions | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (this.feeds && isProGetError(e, 'not-found') && !this.feeds.isKnown(feed)) {
        await this.feeds.require(feed, options);
      }
      throw e;
    }
  }

  async upload(feed: string, filePath: string, options?: UploadOptions): Promise<UploadResult> {
    const file = await fileBody(filePath, options?.onProgress, undefined, options?.knownHashes);
    try {
      await this.transport.request(
        {
          method: 'PUT',
          path: joinPath('api', 'packages', feed, 'upload'),
          body: file.body,
          accept: '*/*',
          transfer: true,
          successStatuses: [200, 201],
          signal: options?.signal,
          operation: `upload ${filePath} to feed "${feed}"`,
          privilege: `Feeds_AddPackage on feed "${feed}" (plus Feeds_OverwritePackage to replace an existing version)`,
          notFoundHint: NEEDS_2023,
        },
        (r) => r.readText(),
      );
    } catch (e) {
      throw await overwriteRefusal(e, feed, filePath, async (id) => {
        const found = await this.versions(feed, id, options);
        return found.length > 0 ? found : undefined;
      });
    }
    return file.result();
  }

  async delete(feed: string, id: PackageVersionId, options?: CallOptions): Promise<void> {
    if (isVersionSelector(id.version)) {
      throw new ValidationError('Delete', [
        `"${id.version}" is not a version: name the exact version to delete`,
      ]);
    }
    await this.feedFirst(feed, options, () =>
      this.transport.send({
        method: 'POST',
        path: joinPath('api', 'packages', feed, 'delete'),
        query: { group: id.group ?? '', name: id.name, version: id.version },
        body: { type: 'empty' },
        accept: '*/*',
        signal: options?.signal,
        operation: `delete ${describePackage(id)} from feed "${feed}"`,
        privilege: `Feeds_DeletePackage (Overwrite/Delete) on feed "${feed}"`,
        notFoundHint:
          'The package version was not found (or the server is older than ProGet 2023 and lacks the Packages API).',
      }),
    );
  }
}
