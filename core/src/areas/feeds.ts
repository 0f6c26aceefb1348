// Feeds: the management API (list/get), the Packages API probe, and the Native API fallback for old servers.

import type { CallOptions, FeedRequirement, FeedsApi } from '../client-api.js';
import { isProGetError, ProGetError } from '../errors.js';
import type { ResponseContext, Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { Feed, FeedType } from '../types.js';
import type { NativeArea } from './native.js';
import { describeHtml, hasProGetHeaders, isHtml, notProGet, reframe } from './server.js';
import { arrayOf, bool, isObject, objectOf, str, strings } from './wire.js';

/** Lower-cased; `ProGet` (old name) and `romp` are universal-shaped feeds. */
export function normalizeFeedType(type: string | undefined): FeedType {
  const t = (type ?? '').trim().toLowerCase();
  if (t === 'proget' || t === 'romp' || t === 'upack') return 'universal';
  return t;
}

export function parseManagementFeed(value: unknown): Feed {
  const o = objectOf(value, 'a feed');
  return {
    name: str(o.name) ?? '',
    alternateNames: strings(o.alternateNames),
    feedType: normalizeFeedType(str(o.feedType)),
    description: str(o.description) || undefined,
    active: bool(o.active) ?? true,
    connectors: strings(o.connectors),
    endpointUrl: str(o.endpointUrl),
    canPublish: bool(o.canPublish),
    deploymentRecordsEnabled: bool(o.deploymentRecordsEnabled),
    vulnerabilitiesEnabled: bool(o.vulnerabilitiesEnabled),
    packageStatisticsEnabled: bool(o.packageStatisticsEnabled),
    source: 'management',
  };
}

export function parseNativeFeed(value: unknown): Feed {
  const o = objectOf(value, 'a Native API feed row');
  return {
    name: str(o.Feed_Name) ?? '',
    alternateNames: [],
    feedType: normalizeFeedType(str(o.FeedType_Name)),
    description: str(o.Feed_Description) || undefined,
    active: bool(o.Active_Indicator) ?? true,
    connectors: [],
    source: 'native',
  };
}

/** How many visible feed names a "no such feed" hint lists. */
const LISTED_FEEDS = 10;

export class FeedsArea implements FeedsApi {
  /** Feeds `require` has seen to exist (lower-cased name → feed), so later 404s need no second probe. */
  private readonly known = new Map<string, Feed>();

  constructor(
    private readonly transport: Transport,
    private readonly native: NativeArea,
    private readonly baseUrl: string = '',
  ) {}

  /**
   * The feed, checked up front: it exists, is active, is of `type` (when given) and the key may view it.
   * Otherwise a `ProGetError` whose `subject` says what is wrong: `feed` (missing, inactive, wrong type),
   * `key` (wrong, or lacking Feeds_ViewFeed on it) or `server` (what answers is not a ProGet API).
   */
  async require(name: string, options?: CallOptions & FeedRequirement): Promise<Feed> {
    const feed = this.known.get(name.toLowerCase()) ?? (await this.locate(name, options));
    this.known.set(name.toLowerCase(), feed);
    if (!feed.active) {
      throw new ProGetError({
        kind: 'not-found',
        subject: 'feed',
        message: `Feed "${feed.name}" is disabled (inactive) on ${this.baseUrl}`,
        hint: 'Enable the feed in ProGet (Feeds › the feed › Manage Feed), or use another feed.',
      });
    }
    if (options?.type && normalizeFeedType(options.type) !== feed.feedType) {
      throw new ProGetError({
        kind: 'bad-request',
        subject: 'feed',
        message: `Feed "${feed.name}" is a ${feed.feedType || 'unknown'} feed, not a ${normalizeFeedType(options.type)} feed`,
        hint:
          normalizeFeedType(options.type) === 'universal'
            ? 'Universal packages (.upack) need a feed of type Universal; create one in ProGet or pick another feed.'
            : undefined,
      });
    }
    return feed;
  }

  /** True once `require` found the feed (so a 404 under it is about a package or version, not the feed). */
  isKnown(name: string): boolean {
    return this.known.has(name.toLowerCase());
  }

  private async locate(name: string, options?: CallOptions): Promise<Feed> {
    // The Packages API probe (2023+) is the cheapest call that fails for a missing feed or a key without
    // view access; the management API needs more than Feeds_ViewFeed on some servers.
    const probe = await this.transport.request(
      {
        method: 'GET',
        path: joinPath('api', 'packages', name),
        signal: options?.signal,
        passStatuses: [401, 403, 404],
        operation: `check feed "${name}"`,
        privilege: `Feeds_ViewFeed on feed "${name}"`,
      },
      async (r) => ({ status: r.status, headers: r.headers, text: await r.readText() }),
    );
    if (probe.status === 401) {
      throw new ProGetError({
        kind: 'unauthorized',
        subject: 'key',
        status: 401,
        message: this.transport.hasCredentials
          ? `The server did not accept the credentials for ${this.baseUrl}`
          : `${this.baseUrl} requires an API key to read feed "${name}"`,
        hint: this.transport.hasCredentials
          ? 'Check the API key (or username and password): it may be mistyped, expired or revoked.'
          : 'Supply an API key with Feeds_ViewFeed on the feed.',
      });
    }
    if (probe.status === 403) throw await this.forbidden(name, options);
    if (probe.status === 404) return this.absent(name, probe, options);
    return this.fromProbe(name, probe);
  }

  private fromProbe(name: string, probe: { headers: ResponseContext['headers']; text: string }): Feed {
    let parsed: unknown;
    try {
      parsed = JSON.parse(probe.text);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) || (parsed.feedType === undefined && parsed.name === undefined)) {
      throw notProGet(
        isHtml(probe.headers, probe.text)
          ? describeHtml(probe.text)
          : `something that is not ProGet's JSON (${JSON.stringify(probe.text.slice(0, 60))})`,
        this.baseUrl,
      );
    }
    return {
      name: str(parsed.name) ?? name,
      alternateNames: [],
      feedType: normalizeFeedType(str(parsed.feedType) ?? str(parsed.packageType)),
      active: true,
      connectors: [],
      source: 'packages-probe',
    };
  }

  /** A 404 for the feed: missing, inactive, an old server without the Packages API, or no ProGet at all. */
  private async absent(
    name: string,
    probe: { headers: ResponseContext['headers']; text: string },
    options?: CallOptions,
  ): Promise<Feed> {
    let feeds: Feed[];
    try {
      feeds = await this.list({ ...options, includeInactive: true });
    } catch (e) {
      if (isProGetError(e, 'not-found') || isProGetError(e, 'invalid-response')) {
        const found = isHtml(probe.headers, probe.text)
          ? describeHtml(probe.text)
          : hasProGetHeaders(probe.headers)
            ? '404 Not Found for its API endpoints'
            : '404 Not Found and without ProGet headers for its API endpoints (a wrong base path?)';
        throw notProGet(found, this.baseUrl, { status: 404, kind: 'not-found' });
      }
      throw e;
    }
    const lower = name.toLowerCase();
    const feed = feeds.find(
      (f) => f.name.toLowerCase() === lower || f.alternateNames.some((a) => a.toLowerCase() === lower),
    );
    if (feed) return feed; // inactive (checked by the caller), or a server without the Packages API
    const visible = feeds.filter((f) => f.active).map((f) => f.name);
    throw new ProGetError({
      kind: 'not-found',
      subject: 'feed',
      status: 404,
      message: `There is no feed named "${name}" on ${this.baseUrl}`,
      hint:
        visible.length === 0
          ? 'The API key sees no feeds at all: check the feed name, and that the key may view the feed.'
          : `Feeds this API key can see: ${visible.slice(0, LISTED_FEEDS).join(', ')}${visible.length > LISTED_FEEDS ? `, and ${visible.length - LISTED_FEEDS} more` : ''}.`,
    });
  }

  /**
   * A 403 on the feed. ProGet treats an unknown key as Anonymous, so a 403 alone cannot tell a wrong key from
   * a key lacking the privilege: the feed list can (a valid key sees at least the feeds it was given).
   */
  private async forbidden(name: string, options?: CallOptions): Promise<ProGetError> {
    const visible = await this.list(options).catch(() => [] as Feed[]);
    if (visible.length === 0) {
      return new ProGetError({
        kind: 'forbidden',
        subject: 'key',
        status: 403,
        message: `The API key was not accepted for feed "${name}" on ${this.baseUrl}`,
        hint:
          'ProGet treats an unknown API key as Anonymous: check that the key is typed correctly and not expired ' +
          'or revoked, and that it has Feeds_ViewFeed on the feed.',
      });
    }
    return new ProGetError({
      kind: 'forbidden',
      subject: 'key',
      privilege: 'Feeds_ViewFeed',
      status: 403,
      message: `The API key lacks the Feeds_ViewFeed privilege on feed "${name}"`,
      hint: `Grant View/Download on feed "${name}" to the key in ProGet (Administration › API Keys). It can see: ${visible
        .slice(0, LISTED_FEEDS)
        .map((f) => f.name)
        .join(', ')}.`,
    });
  }

  async list(options?: CallOptions & { includeInactive?: boolean }): Promise<Feed[]> {
    return this.keyRequired(() => this.listFeeds(options));
  }

  /**
   * ProGet answers a missing key on `/api/management/*` with 403, not 401 (api-notes §1): without
   * credentials that 403 means "an API key is needed", and says so.
   */
  private async keyRequired<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isProGetError(e, 'forbidden') && !this.transport.hasCredentials) {
        throw reframe(e, {
          kind: 'unauthorized',
          subject: 'key',
          hint: 'This server requires an API key here: supply one with Feeds_ViewFeed on the feeds to use.',
        });
      }
      throw e;
    }
  }

  private async listFeeds(options?: CallOptions & { includeInactive?: boolean }): Promise<Feed[]> {
    const management = await this.transport.request(
      {
        method: 'GET',
        path: joinPath('api', 'management', 'feeds', 'list'),
        signal: options?.signal,
        passStatuses: [404],
        operation: 'list feeds',
        privilege: 'Feeds_ViewFeed',
      },
      async (r) =>
        r.status === 404 ? undefined : arrayOf(await r.readJson(), 'the feed list').map(parseManagementFeed),
    );
    // Older servers lack the management API; the Native API still lists feeds there.
    const feeds =
      management ??
      arrayOf(
        await this.native.call(
          'Feeds_GetFeeds',
          { IncludeInactive_Indicator: options?.includeInactive ? 'Y' : 'N' },
          options,
        ),
        'the Native API feed list',
      ).map(parseNativeFeed);
    return options?.includeInactive ? feeds : feeds.filter((f) => f.active);
  }

  async get(name: string, options?: CallOptions): Promise<Feed> {
    return this.keyRequired(() =>
      this.transport.json(
        {
          method: 'GET',
          path: joinPath('api', 'management', 'feeds', 'get', name),
          signal: options?.signal,
          operation: `read feed "${name}"`,
          privilege: `Feeds_ViewFeed on feed "${name}" (reading a feed's settings may need Admin_ManageFeed)`,
          notFoundHint: `There is no feed named "${name}" (or the server is too old for the management API).`,
        },
        (json) => {
          const feed = parseManagementFeed(json);
          if (!feed.name)
            throw new ProGetError({ kind: 'invalid-response', message: 'the feed has no name' });
          return feed;
        },
      ),
    );
  }

  async probe(
    name: string,
    options?: CallOptions,
  ): Promise<{ name: string; feedType: string; packageType?: string }> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('api', 'packages', name),
        signal: options?.signal,
        operation: `probe feed "${name}"`,
        privilege: `Feeds_ViewFeed on feed "${name}"`,
        notFoundHint: `There is no feed named "${name}", or the server is older than ProGet 2023 (no Packages API).`,
      },
      (json) => {
        const o = objectOf(json, 'the feed probe');
        return {
          name: str(o.name) ?? name,
          feedType: normalizeFeedType(str(o.feedType)),
          packageType: str(o.packageType),
        };
      },
    );
  }
}
