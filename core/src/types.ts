// Domain types: what our code uses. Wire shapes (what ProGet sends, quirks and all) live beside the
// parser of each area and are converted to these once, at the edge.

/** A package's identity. `group` is '' (or undefined) for the empty group; it may contain `/`. */
export interface PackageId {
  group?: string;
  name: string;
}

export interface PackageVersionId extends PackageId {
  version: string;
}

/** Feed types as ProGet names them, lower-cased; `ProGet` and `romp` are normalized to `universal`. */
export type FeedType =
  | 'universal'
  | 'nuget'
  | 'chocolatey'
  | 'npm'
  | 'maven'
  | 'powershell'
  | 'docker'
  | 'rubygems'
  | 'vsix'
  | 'asset'
  | 'pypi'
  | 'helm'
  | 'rpm'
  | 'debian'
  | 'conda'
  | 'cran'
  | 'cargo'
  | 'pub'
  | 'composer'
  | 'terraform'
  | 'alpine'
  | 'bower'
  | 'conan'
  | (string & {});

export interface Feed {
  name: string;
  alternateNames: string[];
  feedType: FeedType;
  description?: string;
  active: boolean;
  connectors: string[];
  endpointUrl?: string;
  canPublish?: boolean;
  deploymentRecordsEnabled?: boolean;
  vulnerabilitiesEnabled?: boolean;
  packageStatisticsEnabled?: boolean;
  /** Where the entry came from: the management API, the Packages API probe or the Native API. */
  source: 'management' | 'packages-probe' | 'native';
}

export interface FileEntry {
  /** Path inside `package/`, always with `/` separators. */
  name: string;
  size: number;
  date?: string;
}

/** One package of a universal feed (`/upack/{feed}/packages`), mostly from its latest version. */
export interface UniversalPackage extends PackageId {
  latestVersion?: string;
  title?: string;
  description?: string;
  icon?: string;
  downloads: number;
  versions: string[];
  /** `_`-prefixed and other unknown manifest properties. */
  extra: Record<string, unknown>;
}

/** One version of a universal package (`/upack/{feed}/versions`). */
export interface UniversalVersion extends PackageVersionId {
  title?: string;
  description?: string;
  icon?: string;
  dependencies: string[];
  downloads: number;
  published?: string;
  isLocal?: boolean;
  isCached?: boolean;
  isVirtual?: boolean;
  fileList?: FileEntry[];
  extra: Record<string, unknown>;
}

export interface UniversalFeedMeta {
  apiVersion?: string;
  name?: string;
  description?: string;
  version?: string;
  packageCount?: number;
  packageVersionCount?: number;
  services: string[];
}

/** PackageVersionInfo of the Packages API (`/api/packages/{feed}/...`), any feed type. */
export interface PackageVersionInfo extends PackageVersionId {
  purl?: string;
  totalDownloads: number;
  downloads: number;
  published?: string;
  publishedBy?: string;
  size?: number;
  listed: boolean;
  md5?: string;
  sha1?: string;
  sha256?: string;
  sha512?: string;
  allowDownload?: boolean;
  deprecated: boolean;
  deprecationReason?: string;
}

export interface Promotion {
  fromFeed: string;
  toFeed: string;
  /** Normalized to UTC ISO-8601 with a `Z` suffix. */
  date?: string;
  user?: string;
  comments?: string;
  id?: number;
}

export interface PromotedPackage extends PackageVersionId {
  packageType?: string;
  promotions: Promotion[];
}

export interface PromotionFilter {
  fromFeed?: string;
  toFeed?: string;
  group?: string;
  name?: string;
  version?: string;
}

export interface PromoteRequest extends PackageVersionId {
  fromFeed: string;
  toFeed: string;
  comments?: string;
}

export interface DeploymentRecord extends PackageVersionId {
  feed: string;
  application: string;
  description: string;
  target: string;
  user?: string;
  url?: string;
  /** Defaults to now on the server. */
  date?: Date | string;
}

export type HealthStatus = 'OK' | 'Error' | (string & {});

export interface InstanceHealth {
  /** False when the server answered 500 with its health JSON, or any status is not OK. */
  healthy: boolean;
  applicationName?: string;
  releaseNumber?: string;
  versionNumber?: string;
  databaseStatus?: HealthStatus;
  databaseStatusDetails?: string;
  licenseStatus?: HealthStatus;
  licenseStatusDetail?: string;
  serviceStatus?: HealthStatus;
  serviceStatusDetail?: string;
  replicationStatus?: unknown;
  extensionsInstalled?: unknown;
}

export type ConnectorState = 'healthy' | 'error' | 'unknown';

export interface ConnectorHealth {
  id?: number;
  name: string;
  url?: string;
  state: ConnectorState;
  errorMessage?: string;
  lastChecked?: string;
}

export type ConnectorHealthReport =
  | { supported: true; connectors: ConnectorHealth[] }
  | { supported: false; reason: string };

/** What the server said about itself in `X-ProGet-Version` / `X-ProGet-Edition`, once seen. */
export interface ServerInfo {
  version?: string;
  edition?: string;
}

/** `X-ProGet-Version` read leniently: `26.0.12.24`, `24.0.3`, `2024.3`, `6.0.19.1` all parse. */
export interface ServerVersion {
  /** As sent. */
  text: string;
  /** Numeric parts as sent, e.g. [26, 0, 12, 24]. */
  parts: number[];
  /** The product year for 2023+ servers (`26.…` and `2026.…` both give 2026); undefined for ProGet 5/6. */
  year?: number;
  /** How people name the release: `2026.12` (year servers), or the first three parts (`6.0.19`). */
  release: string;
}

export type Edition = 'Free' | 'Basic' | 'Enterprise';

/** What the headers say about the server, parsed: see `describeServer`. */
export interface ServerDescription {
  version?: ServerVersion;
  /** Capitalised whatever the header's case; undefined when the header is missing or unknown. */
  edition?: Edition;
  /** For banners: `ProGet 2026.12 (Free)`, `ProGet 24.0.3`, or `ProGet (version not reported)`. */
  display: string;
}

export interface TransferProgress {
  transferred: number;
  total?: number;
}

export interface FileHashes {
  size: number;
  sha1: string;
  sha256: string;
}

/** The hashes a transfer can compute while the bytes stream past (lower-case hex in results). */
export type HashAlgorithm = 'sha1' | 'sha256';

/** What a download must match; each value given is checked (hex, either case). */
export interface ExpectedHashes {
  size?: number;
  sha1?: string;
  sha256?: string;
}

/**
 * A saved download. `sha1` / `sha256` are present only when they were computed: asked for with the
 * `hashes` option or checked with `expect`. By default nothing is hashed (like `curl -o`): hashing costs
 * more CPU than the transfer itself.
 */
export interface DownloadResult {
  path: string;
  /** Bytes written to `path`. */
  size: number;
  sha1?: string;
  sha256?: string;
  contentType?: string;
  fileName?: string;
}

/**
 * The size and hashes of an uploaded file: computed from the bytes sent, or, when the caller passed
 * `knownHashes`, those hashes as given (the file is then not read twice).
 */
export interface UploadResult extends FileHashes {}
