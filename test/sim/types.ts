// The simulator's programmatic surface. Every test, the demo, the benchmarks and the extension's
// end-to-end tests start it through `startSimulator(options)` from `test/sim/index.ts`.

import type { ScaSimOptions } from './sca/options.js';

export type { ScaSimOptions };

export type Edition = 'Free' | 'Basic' | 'Enterprise';

/**
 * 2023: connector health API present, /health JSON, a missing group matches any group. 2024: connector
 * health 404. 2026: /health is text unless format=json or /health/json.
 */
export type VersionMode = '2023' | '2024' | '2026';

export type Privilege =
  | 'Feeds_ViewFeed'
  | 'Feeds_DownloadPackage'
  | 'Feeds_AddPackage'
  | 'Feeds_OverwritePackage'
  | 'Feeds_DeletePackage'
  | 'Feeds_AcceptPackagePromotions'
  | 'Feeds_UnlistPackage'
  | 'Admin_ManageFeed'
  | 'Feeds_Manage'
  | 'Projects_View'
  | 'Projects_Manage'
  | 'Projects_UploadSbom'
  | 'Projects_ResolveIssue'
  | 'Licenses_Manage';

export interface ApiKeyConfig {
  key: string;
  privileges: Privilege[] | 'all';
  /** Restrict to these feeds (names, case-insensitive); undefined = all feeds. */
  feeds?: string[];
  /** Shown as the user in promotions/deployments; default 'SYSTEM' for promotions as the docs say. */
  user?: string;
  /** May call the Native API (`/api/json/*`). Default: only keys with `'all'` privileges. */
  nativeApi?: boolean;
}

export interface UserConfig {
  username: string;
  password: string;
  privileges: Privilege[] | 'all';
}

export interface FeedConfig {
  name: string;
  feedType: string;
  description?: string;
  active?: boolean;
  connectors?: string[];
  deploymentRecordsEnabled?: boolean;
  /** Only this feed may be a promotion target from here. */
  promotionTarget?: string;
}

export interface ConnectorConfig {
  id: number;
  name: string;
  url: string;
  state: 'healthy' | 'error' | 'unknown';
  errorMessage?: string;
  /** Connector filters, listed by the Native API as rows of their own (the doc page's example). */
  filters?: { allow: boolean; rule: string }[];
}

/** A fault for requests whose method and path match; applied in order, deterministic. */
export interface FaultRule {
  /** Method to match, or '*' (default). */
  method?: string;
  /** Matched against the path without the query: a string prefix, or a RegExp source string starting with '^'. */
  path: string;
  /** How many matching requests get the fault; undefined = every one. */
  times?: number;
  /** Skip the first N matching requests before applying. */
  after?: number;
  fault:
    | { type: 'latency'; ms: number }
    | { type: 'status'; status: number; body?: string; retryAfterSeconds?: number; contentType?: string }
    | { type: 'reset' } // destroy the socket after sending headers and part of the body
    | { type: 'truncate'; bytes: number } // send Content-Length of the full body but only `bytes` bytes
    | { type: 'slow-body'; bytesPerSecond: number }
    | { type: 'request-limit'; maxBytes: number } // 413 when the request body exceeds maxBytes
    | { type: 'reset-request' }; // destroy the socket while the client is still sending the body
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. Always binds 127.0.0.1. */
  port?: number;
  /** Where packages and the index live. Default: a fresh temp dir, removed on close. */
  dataDir?: string;
  edition?: Edition;
  versionMode?: VersionMode;
  /** 'demo' seeds the example feeds, packages, connectors, promotions and keys (see README of test/sim). */
  seed?: 'demo' | 'none';
  apiKeys?: ApiKeyConfig[];
  users?: UserConfig[];
  /** Privileges of the Anonymous user. Default: none (401 challenge on anything needing a privilege). */
  anonymous?: Privilege[];
  feeds?: FeedConfig[];
  connectors?: ConnectorConfig[];
  faults?: FaultRule[];
  /** Directory `/upack/{feed}/import` reads `from` paths in (also the asset directory root). */
  importDir?: string;
  /** Serve HTTPS with this certificate. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Free edition's API delete limit per hour. Default 10. */
  freeDeleteLimitPerHour?: number;
  /** Status once the Free delete limit is reached (UNVERIFIED in the notes). Default 429 (with Retry-After). */
  freeDeleteLimitStatus?: 400 | 429;
  /** Status for re-uploading an existing version without Feeds_OverwritePackage (UNVERIFIED). Default 403. */
  overwriteDeniedStatus?: 400 | 403 | 409;
  /** A deployment record for a feed with deploymentRecordsEnabled:false (UNVERIFIED): 200 and drop it, or 400. Default 'ignore'. */
  deploymentToDisabledFeed?: 'ignore' | 'reject';
  /** Reject manifest keys that are neither defined fields nor `_`-prefixed. Default false: real servers store them (api-notes §8). */
  rejectUnknownManifestKeys?: boolean;
  /** Accept `user:password` pseudo-keys where a key goes (2024+ admins may disable them). Default true. */
  pseudoKeys?: boolean;
  /**
   * Emit connector health as some old servers do: state `unhealthy` instead of `error` and the misspelled
   * `erroMessage` (the doc page's example). Default false: the documented model.
   */
  legacyConnectorHealth?: boolean;
  /** Initial instance health for /health. Default all OK. */
  health?: Partial<HealthState>;
  /** The SCA server: edition limits, UNVERIFIED behaviours, extra data (test/sim/sca/options.ts). */
  sca?: ScaSimOptions;
  /**
   * `X-ProGet-Edition` as real servers send it: `lowercase` (`free`, seen on real servers; the default),
   * `capitalized` (`Free`), or `missing` (no header at all).
   */
  editionHeader?: 'lowercase' | 'capitalized' | 'missing';
  /**
   * Not licensed or not activated (api-notes §1): every API call answers `302` to `/administration/licensing`
   * (the Native API answers the HTML login page with 200), `/health` 500 `ERROR: Product license is not valid`.
   */
  unlicensed?: boolean;
  /** Refuse a request `Content-Type` with a `; charset=` directive (400), as a 2022-era server did. Default false. */
  rejectCharsetContentType?: boolean;
  /** Asset directories (feeds of type `asset`) and their multipart upload protocol (sca-api-notes §7). */
  assets?: AssetOptions;
}

/** The UNVERIFIED corners of the asset multipart protocol, and faults inside a part's body. */
export interface AssetOptions {
  /** A part whose index was already received (UNVERIFIED): 'replace' it (default) or 400 as an overlap. */
  repeatedPart?: 'replace' | 'reject';
  /** What `multipart=complete` answers while parts are missing (UNVERIFIED). Default 400. */
  incompleteStatus?: 400 | 404 | 500;
  /** What `multipart=complete` answers for an id it never saw (UNVERIFIED). Default 400. */
  unknownUploadStatus?: 400 | 404;
  /** Longest upload id accepted (the docs set none). Default 128. */
  maxIdLength?: number;
  /** Faults while a part arrives; also settable later with `setAssetFaults`. */
  partFaults?: AssetPartFault[];
}

/**
 * A fault for the part requests (`multipart=upload`) it matches: the part with `index`, or the part that
 * holds the byte at `atFraction` of the whole file (0.5 = "halfway through the upload").
 */
export interface AssetPartFault {
  index?: number;
  atFraction?: number;
  /** reset: close the connection (TCP reset) after this many bytes of the part arrived (default: half the
   *  part, or exactly the `atFraction` byte). status: answer `status` without reading the part. */
  type: 'reset' | 'status';
  afterBytes?: number;
  status?: number;
  body?: string;
  /** How many matching part requests get the fault; undefined = every one. */
  times?: number;
  /** Skip the first N matching part requests. */
  after?: number;
}

/** What /health reports; any 'Error' makes ProGet 2024+ answer HTTP 500. */
export interface HealthState {
  databaseStatus: 'OK' | 'Error';
  databaseStatusDetails: string | null;
  licenseStatus: 'OK' | 'Error';
  licenseStatusDetail: string | null;
  serviceStatus: 'OK' | 'Error';
  serviceStatusDetail: string | null;
}

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received (so tests can check no secret went into a URL). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  at: string;
}

export interface RecordedDeployment {
  application: string;
  description: string;
  target: string;
  feedName: string;
  packageName: string;
  groupName?: string;
  version: string;
  userName?: string;
  url?: string;
  date: string;
}

export interface Simulator {
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
  setFaults(rules: FaultRule[]): void;
  setConnectorState(id: number, state: ConnectorConfig['state'], errorMessage?: string): void;
  requests(): RecordedRequest[];
  deployments(): RecordedDeployment[];
  /** Change what /health reports, e.g. `{ databaseStatus: 'Error' }`. */
  setHealth(patch: Partial<HealthState>): void;
  /** Replace the asset part faults (counting starts again). */
  setAssetFaults(faults: AssetPartFault[]): void;
  /** Multipart uploads started and not completed (what the server's "Feed Cleanup" would delete). */
  assetUploads(): {
    directory: string;
    path: string;
    id: string;
    totalParts: number;
    receivedParts: number[];
  }[];
  /** Run the "Feed Cleanup" job: drop orphaned parts; returns how many uploads it dropped. */
  runAssetCleanup(): Promise<number>;
}
