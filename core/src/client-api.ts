// The public surface of ProGetClient, one interface per area. The action and the extension code against
// these; the area modules implement them.

import type { ScaApi } from './areas/sca/api.js';
import type {
  ConnectorHealth,
  ConnectorHealthReport,
  DeploymentRecord,
  DownloadResult,
  ExpectedHashes,
  Feed,
  FileHashes,
  HashAlgorithm,
  InstanceHealth,
  PackageId,
  PackageVersionId,
  PackageVersionInfo,
  PromotedPackage,
  PromoteRequest,
  PromotionFilter,
  ServerDescription,
  ServerInfo,
  TransferProgress,
  UniversalFeedMeta,
  UniversalPackage,
  UniversalVersion,
  UploadResult,
} from './types.js';

export interface ProGetClientOptions {
  /** Base URL of the ProGet instance, e.g. `https://proget.example.com` (a path prefix is kept). */
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  /** Per-request timeout for ordinary calls. Default 30 s. */
  timeoutMs?: number;
  /** Per-request timeout for uploads and downloads (idle time between bytes, not total). Default 10 min. */
  transferTimeoutMs?: number;
  /** Overall deadline for one logical call including retries. Default 5 min (transfers: none). */
  overallTimeoutMs?: number;
  /** Retries for idempotent requests (GET/HEAD and bodies not yet sent). Default 3. */
  retries?: number;
  /** Base delay for exponential backoff. Default 500 ms. Tests set it low. */
  retryBaseDelayMs?: number;
  /** Cap on one wait between attempts, for backoff and for a server's Retry-After alike. Default 30 s. */
  retryMaxDelayMs?: number;
  /** Same-origin (and credential-free cross-origin GET) redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Largest JSON response read into memory; larger ones fail with `invalid-response`. Default 64 MiB. */
  maxJsonBytes?: number;
  userAgent?: string;
  /** PEM file with extra CA certificates to trust. */
  caCertPath?: string;
  /** Skip TLS verification. Logs a loud warning through `logger.warn`. */
  insecureTls?: boolean;
  /** Cancels every request of this client. */
  signal?: AbortSignal;
  logger?: ProGetLogger;
  /**
   * Read package bytes through `node:http` like every other request, instead of core's own socket reader
   * (default false). For hosts that route traffic by patching `node:http`, such as VS Code's proxy support in
   * the extension host, which core's reader would bypass. Slower for large downloads (test/bench/README.md).
   * Proxies named in HTTPS_PROXY/HTTP_PROXY are honoured either way.
   */
  nodeHttpTransfers?: boolean;
}

export interface ProGetLogger {
  debug(message: string): void;
  warn(message: string): void;
}

/** Per-call options every method accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface TransferOptions extends CallOptions {
  onProgress?: (progress: TransferProgress) => void;
}

/**
 * Options of every download to a file. By default a download only saves the bytes (like `curl -o`): no
 * hash is computed, since SHA-1 + SHA-256 cost several times the transfer itself on CPUs without SHA
 * instructions. Ask for what you need:
 *
 * - `hashes: ['sha256']` computes SHA-256 while the bytes stream to disk and returns it in the result;
 * - `expect: { sha1 }` (or `sha256`, `size`) also checks it: a mismatch fails the download with a
 *   `ProGetError` of kind `integrity`, and the file is removed, as with any other failed download (the
 *   target is never replaced by bytes that failed the check). A mismatch is not retried.
 *
 * Any algorithm named in `expect` is computed (and returned) whether or not it is in `hashes`.
 */
export interface DownloadOptions extends TransferOptions {
  /** Hashes to compute and return; default none. */
  hashes?: readonly HashAlgorithm[];
  /** Size and/or hashes the downloaded bytes must have (hex in either case). */
  expect?: ExpectedHashes;
  /**
   * Into a directory: replace a file of the same name already there. Default false: the download fails
   * and the existing file is kept. (A file path given as the target is the caller's choice and replaced.)
   */
  overwrite?: boolean;
  /** Fail once the download (from its request on, across retries) has taken this long. Default: no limit. */
  deadlineMs?: number;
  /** Fail, saving nothing, once the download is larger than this many bytes. Default: no limit. */
  maxBytes?: number;
}

export interface UploadOptions extends TransferOptions {
  /**
   * The file's size and hashes when the caller already has them (e.g. `buildPackage`'s result): the file
   * is then streamed without hashing and these are returned as the result. They are trusted, not checked,
   * except that `size` must equal the file's size (a stale value is refused before anything is sent).
   * Without them the SHA-1 and SHA-256 of the bytes sent are computed while uploading.
   */
  knownHashes?: FileHashes;
}

/** What `feeds.require` checks beyond "exists, is active, the key may view it". */
export interface FeedRequirement {
  /** e.g. `'universal'` (compared as `normalizeFeedType` does: `ProGet`, `romp`, `upack` are universal). */
  type?: string;
}

/** Where a package version stands in a feed that exists (`universal.findVersion`). */
export type VersionLookup =
  | { state: 'found'; version: UniversalVersion }
  | { state: 'package-absent' }
  | { state: 'version-absent'; versions: string[] };
/** One file or folder of an asset directory listing (`AssetDirectoryItem`). */
export interface AssetItem {
  name: string;
  /** Folder path of the item; undefined at the root. */
  parent?: string;
  directory: boolean;
  /** Content type, or `dir`. */
  type: string;
  size?: number;
  modified?: string;
  sha1?: string;
}

/** A file into an asset directory in parts (sca-api-notes §7.2), each part retried on its own. */
export interface MultipartUploadOptions extends TransferOptions {
  /** Bytes per part (the last part sends the rest). Default 32 MiB; at least 1024. */
  partSizeBytes?: number;
  /** Attempts per part (and for `complete`) before giving up. Default 5. */
  partAttempts?: number;
  /** Backoff between attempts of one part: full jitter from this base, doubling. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Cap on one wait between attempts. Default 30 s. */
  retryMaxDelayMs?: number;
  /** As for {@link UploadOptions}: the file is then not hashed while it goes up. */
  knownHashes?: FileHashes;
  /** Called before a part is sent again (for logs). */
  onPartRetry?: (info: { index: number; attempt: number; error: Error }) => void;
}

export interface ResumableUploadOptions extends UploadOptions, MultipartUploadOptions {
  /**
   * The asset directory big packages go through. Without it (or when the server answers 404 for it) the
   * package goes up with the plain PUT.
   */
  assetDirectory?: string;
  /** Packages larger than this many bytes use the asset directory. Default 256 MiB. */
  thresholdBytes?: number;
}

export interface ResumableUploadResult extends UploadResult {
  method: 'put' | 'multipart';
  /** Why this method, in words (for logs and summaries). */
  reason: string;
  assetDirectory?: string;
  /** Where the file sat in the asset directory before the import moved it into the feed. */
  assetPath?: string;
  parts?: number;
  /** Part requests sent, retries included. */
  partRequests?: number;
  /** What was checked after the import: the feed's SHA-1 and size of the version, or only that it exists. */
  verified?: 'sha1' | 'exists';
}

export interface AssetsApi {
  /** `undefined` on 404: no such asset directory, or no asset API on this server. */
  list(
    dir: string,
    path?: string,
    options?: CallOptions & { recursive?: boolean },
  ): Promise<AssetItem[] | undefined>;
  /** Multipart upload of a file to `path` in `dir`; the file is visible there once this resolves. */
  uploadMultipart(
    dir: string,
    path: string,
    filePath: string,
    options?: MultipartUploadOptions,
  ): Promise<UploadResult & { id: string; parts: number; partRequests: number }>;
  delete(dir: string, path: string, options?: CallOptions & { recursive?: boolean }): Promise<void>;
}

export interface FeedsApi {
  /**
   * The feed, checked before anything is built or uploaded: it exists, is active, matches `type` and the key
   * may view it. Otherwise a `ProGetError` with `subject` `feed` (missing / inactive / wrong type), `key`
   * (wrong key, or lacking Feeds_ViewFeed, named in `privilege`) or `server` (not a ProGet API).
   */
  require(name: string, options?: CallOptions & FeedRequirement): Promise<Feed>;
  /** Management API list; falls back to Native `Feeds_GetFeeds` where the management API is missing. */
  list(options?: CallOptions & { includeInactive?: boolean }): Promise<Feed[]>;
  /** Management API get; 403 on a bad key (unlike list), so it also validates a key. */
  get(name: string, options?: CallOptions): Promise<Feed>;
  /** Packages API probe `/api/packages/{feed}`: cheap existence and type check. */
  probe(
    name: string,
    options?: CallOptions,
  ): Promise<{ name: string; feedType: string; packageType?: string }>;
}

export interface UniversalListOptions extends CallOptions {
  /** '' means the empty group; undefined means all groups. */
  group?: string;
  count?: number;
}

export interface UniversalVersionsOptions extends CallOptions {
  group?: string;
  name?: string;
  includeFileList?: boolean;
  count?: number;
}

export interface UniversalDownloadOptions extends DownloadOptions {
  contentOnly?: 'zip' | 'tgz';
}

export interface UniversalApi {
  meta(feed: string, options?: CallOptions): Promise<UniversalFeedMeta>;
  listPackages(feed: string, options?: UniversalListOptions): Promise<UniversalPackage[]>;
  /**
   * undefined on a 404: the package is not there, or the feed is not (use `feeds.require` first, or
   * `findVersion`, to know the feed exists). A package of another group is never returned.
   */
  getPackage(feed: string, id: PackageId, options?: CallOptions): Promise<UniversalPackage | undefined>;
  listVersions(feed: string, options?: UniversalVersionsOptions): Promise<UniversalVersion[]>;
  /**
   * Tells "version absent in an existing feed" from "package absent" and (thrown, `subject: 'feed'`) "feed
   * missing". Selectors (`latest`) are resolved first.
   */
  findVersion(feed: string, id: PackageVersionId, options?: CallOptions): Promise<VersionLookup>;
  /** undefined on a 404, as `getPackage` (see there). A version of another group is never returned. */
  getVersion(
    feed: string,
    id: PackageVersionId,
    options?: CallOptions & { includeFileList?: boolean },
  ): Promise<UniversalVersion | undefined>;
  /**
   * Streams to a temp file beside `destPath` and renames on success; nothing is left on failure. Hashes
   * only when asked (see {@link DownloadOptions}).
   */
  download(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: UniversalDownloadOptions,
  ): Promise<DownloadResult>;
  /** `path` is inside the package, e.g. `package/readme.txt` or `upack.json`. */
  downloadFile(
    feed: string,
    id: PackageVersionId,
    path: string,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult>;
  /** Streams one file of a package to the caller (for viewers); the caller must consume or destroy it. */
  openFile(
    feed: string,
    id: PackageVersionId,
    path: string,
    options?: CallOptions,
  ): Promise<NodeJS.ReadableStream>;
  downloadVpack(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult>;
  /** Streams a .upack from disk with an explicit Content-Length; never retried once the body started. */
  upload(feed: string, filePath: string, options?: UploadOptions): Promise<UploadResult>;
  /**
   * Like `upload`, but a package above `thresholdBytes` goes up in parts through `assetDirectory` and is
   * then imported into the feed, so a broken connection resends one part, not the package; the feed is
   * then checked to hold the version with this SHA-1 and size. Without an asset directory (or where the
   * server answers 404 for it) this is the plain `upload`.
   */
  publishResumable(
    feed: string,
    filePath: string,
    options?: ResumableUploadOptions,
  ): Promise<ResumableUploadResult>;
  delete(feed: string, id: PackageVersionId, options?: CallOptions): Promise<void>;
  import(
    feed: string,
    request: { from: string; assetDirectory?: string; deleteFromSource?: boolean },
    options?: CallOptions,
  ): Promise<void>;
  /** Unsupported by the vendor; best effort. */
  search(
    feed: string,
    query: string,
    options?: CallOptions & { count?: number },
  ): Promise<UniversalPackage[]>;
}

export interface PackagesApi {
  latest(
    feed: string,
    options?: CallOptions & { group?: string; name?: string; stableOnly?: boolean },
  ): Promise<PackageVersionInfo[]>;
  versions(
    feed: string,
    id: PackageId & { version?: string },
    options?: CallOptions,
  ): Promise<PackageVersionInfo[]>;
  download(
    feed: string,
    id: PackageVersionId,
    destPath: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult>;
  upload(feed: string, filePath: string, options?: UploadOptions): Promise<UploadResult>;
  delete(feed: string, id: PackageVersionId, options?: CallOptions): Promise<void>;
}

export interface PromotionsApi {
  list(filter?: PromotionFilter, options?: CallOptions): Promise<PromotedPackage[]>;
  promote(request: PromoteRequest, options?: CallOptions): Promise<void>;
}

export interface DeploymentsApi {
  /** Sent once: a deployment record is not idempotent, so it is never retried after the body was sent. */
  record(record: DeploymentRecord, options?: CallOptions): Promise<void>;
}

export interface HealthApi {
  /** `/health?format=json`; a 500 carrying the health JSON is returned as `healthy: false`, not thrown. */
  instance(options?: CallOptions): Promise<InstanceHealth>;
  /** `/api/connector-health`; a 404 (ProGet 2024+) gives `{ supported: false, reason }`. */
  connectors(options?: CallOptions): Promise<ConnectorHealthReport>;
  connector(id: number, options?: CallOptions): Promise<ConnectorHealth>;
}

export interface NativeApi {
  /** `/api/json/{method}`; the key goes in the `X-ApiKey` header, never the query string. */
  call<T = unknown>(
    method: string,
    args?: Record<string, string | number | boolean>,
    options?: CallOptions,
  ): Promise<T>;
}

export interface ProGetClientApi {
  readonly baseUrl: string;
  /** Version and edition headers from the most recent response that carried them. */
  readonly serverInfo: ServerInfo;
  /** `serverInfo` parsed leniently (four-part versions, any-case or missing edition). */
  readonly server: ServerDescription;
  readonly feeds: FeedsApi;
  readonly universal: UniversalApi;
  readonly packages: PackagesApi;
  readonly promotions: PromotionsApi;
  readonly deployments: DeploymentsApi;
  readonly health: HealthApi;
  readonly native: NativeApi;
  /** Supply chain: SCA projects and builds, vulnerabilities, package compliance, licenses. */
  readonly sca: ScaApi;
  readonly assets: AssetsApi;
}
