// The simulator's state shared by the route modules: options, feeds, connectors, health, the store, auth.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { type AuthConfig, can, FORBIDDEN_TEXT, type Principal, resolvePrincipal } from './auth.js';
import { Faults } from './faults.js';
import { HttpError } from './http.js';
import type { Store } from './store.js';
import type {
  ConnectorConfig,
  Edition,
  FeedConfig,
  HealthState,
  Privilege,
  RecordedRequest,
  VersionMode,
} from './types.js';

/** Which kind of endpoint refuses a caller: feed endpoints challenge a missing key, management ones do not. */
export type ApiArea = 'feed' | 'management';

export interface Feed {
  id: number;
  name: string;
  feedType: string;
  description: string;
  active: boolean;
  connectors: string[];
  deploymentRecordsEnabled: boolean;
  promotionTarget?: string;
}

export interface Connector extends ConnectorConfig {
  lastChecked: string | null;
}

export type { HealthState };

/** One request as the route modules see it. */
export interface Call {
  req: IncomingMessage;
  method: string;
  url: URL;
  query: URLSearchParams;
  /** Decoded path segments, without empty ones. */
  segments: string[];
  /** The request body (wrapped by a request-limit fault when one applies). */
  body: Readable;
  /** The caller; pass the form `key` / JSON `API_Key` when the endpoint reads a body. */
  who(bodyKey?: string): Principal;
}

/** Four-part versions as real servers send them in `X-ProGet-Version` (api-notes §1). */
export const PRODUCT_VERSIONS: Record<
  VersionMode,
  { version: string; release: string; versionNumber: string }
> = {
  '2023': { version: '23.0.28.5', release: '2023.28', versionNumber: '2023.28 (Build 5)' },
  '2024': { version: '24.0.39.3', release: '2024.39', versionNumber: '2024.39 (Build 3)' },
  '2026': { version: '26.0.12.24', release: '2026.12', versionNumber: '2026.12' },
};

export interface Behaviour {
  edition: Edition;
  versionMode: VersionMode;
  freeDeleteLimitPerHour: number;
  freeDeleteLimitStatus: 400 | 429;
  overwriteDeniedStatus: 400 | 403 | 409;
  deploymentToDisabledFeed: 'ignore' | 'reject';
  rejectUnknownManifestKeys: boolean;
  legacyConnectorHealth: boolean;
  importDir?: string;
  editionHeader: 'lowercase' | 'capitalized' | 'missing';
  unlicensed: boolean;
  rejectCharsetContentType: boolean;
}

const UNIVERSAL_TYPES = new Set(['universal', 'proget', 'romp', 'upack']);

export function isUniversal(feed: Feed): boolean {
  return UNIVERSAL_TYPES.has(feed.feedType.toLowerCase());
}

/** The package type name the promotions and Packages APIs use for a feed. */
export function packageTypeOf(feed: Feed): string {
  return isUniversal(feed) ? 'upack' : feed.feedType.toLowerCase();
}

export function toFeed(config: FeedConfig, id: number): Feed {
  return {
    id,
    name: config.name,
    feedType: config.feedType,
    description: config.description ?? '',
    active: config.active ?? true,
    connectors: config.connectors ?? [],
    deploymentRecordsEnabled: config.deploymentRecordsEnabled ?? true,
    promotionTarget: config.promotionTarget,
  };
}

export class Sim {
  readonly faults = new Faults();
  readonly log: RecordedRequest[] = [];
  readonly deleteTimes: number[] = [];

  constructor(
    readonly behaviour: Behaviour,
    readonly store: Store,
    readonly auth: AuthConfig,
    readonly feeds: Feed[],
    readonly connectors: Connector[],
    public health: HealthState,
  ) {}

  get productVersion(): { version: string; release: string; versionNumber: string } {
    return PRODUCT_VERSIONS[this.behaviour.versionMode];
  }

  commonHeaders(): Record<string, string> {
    const { edition, editionHeader } = this.behaviour;
    if (editionHeader === 'missing') return { 'X-ProGet-Version': this.productVersion.version };
    return {
      'X-ProGet-Version': this.productVersion.version,
      'X-ProGet-Edition': editionHeader === 'lowercase' ? edition.toLowerCase() : edition,
    };
  }

  /** ProGet 2023 (up to at least 2023.28) ignores a missing group: a bare name matches any group. */
  get ignoresMissingGroup(): boolean {
    return this.behaviour.versionMode === '2023';
  }

  feed(name: string): Feed | undefined {
    const n = name.toLowerCase();
    return this.feeds.find((f) => f.name.toLowerCase() === n);
  }

  principal(req: IncomingMessage, query: URLSearchParams, bodyKey?: string): Principal {
    return resolvePrincipal(this.auth, req, query, bodyKey);
  }

  can(who: Principal, privilege: Privilege, feed?: string): boolean {
    return can(this.auth, who, privilege, feed);
  }

  /** See `denied`. */
  authorize(who: Principal, privilege: Privilege, feed?: string, area: ApiArea = 'feed'): void {
    if (this.can(who, privilege, feed)) return;
    throw this.denied(who, area);
  }

  /**
   * api-notes §1: a missing key is challenged (401 + `WWW-Authenticate: Basic`) on feed endpoints but gets
   * 403 on `/api/management/*` and `/api/api-keys/*`; wrong Basic credentials are 401; an unknown key is
   * Anonymous and, like an under-privileged key, gets 403.
   */
  denied(who: Principal, area: ApiArea = 'feed'): HttpError {
    const challenge = {
      'WWW-Authenticate': 'Basic realm="ProGet"',
    };
    if (who.kind === 'invalid')
      return new HttpError(401, 'The username or password is incorrect.', challenge);
    if (who.kind === 'anonymous' && !who.unknownKey && area === 'feed')
      return new HttpError(401, 'Authentication is required to perform this action.', challenge);
    return new HttpError(403, FORBIDDEN_TEXT);
  }

  /**
   * An existing feed the caller may use with `privilege`. Unknown and inactive feeds are a 404 only for a
   * caller who could see them; anyone else gets the same 401/403 as for an existing feed.
   */
  usableFeed(who: Principal, name: string, privilege: Privilege): Feed {
    const feed = this.feed(name);
    if (!feed) {
      if (who.kind === 'anonymous' && !this.auth.anonymous.includes('Feeds_ViewFeed')) throw this.denied(who);
      if (who.kind === 'invalid') throw this.denied(who);
      throw new HttpError(404, `Feed "${name}" was not found.`);
    }
    this.authorize(who, privilege, feed.name);
    if (!feed.active) throw new HttpError(404, `Feed "${feed.name}" is disabled.`);
    return feed;
  }
}
