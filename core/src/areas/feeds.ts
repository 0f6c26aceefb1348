// Feeds: the management API (list/get), the Packages API probe, and the Native API fallback for old servers.

import type { CallOptions, FeedsApi } from '../client-api.js';
import { ProGetError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { Feed, FeedType } from '../types.js';
import type { NativeArea } from './native.js';
import { arrayOf, bool, objectOf, str, strings } from './wire.js';

/** Lower-cased; `ProGet` (old name) and `romp` are universal-shaped feeds. */
export function normaliseFeedType(type: string | undefined): FeedType {
  const t = (type ?? '').trim().toLowerCase();
  if (t === 'proget' || t === 'romp' || t === 'upack') return 'universal';
  return t;
}

export function parseManagementFeed(value: unknown): Feed {
  const o = objectOf(value, 'a feed');
  return {
    name: str(o.name) ?? '',
    alternateNames: strings(o.alternateNames),
    feedType: normaliseFeedType(str(o.feedType)),
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
    feedType: normaliseFeedType(str(o.FeedType_Name)),
    description: str(o.Feed_Description) || undefined,
    active: bool(o.Active_Indicator) ?? true,
    connectors: [],
    source: 'native',
  };
}

export class FeedsArea implements FeedsApi {
  constructor(
    private readonly transport: Transport,
    private readonly native: NativeArea,
  ) {}

  async list(options?: CallOptions & { includeInactive?: boolean }): Promise<Feed[]> {
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
    return this.transport.json(
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
        if (!feed.name) throw new ProGetError({ kind: 'invalid-response', message: 'the feed has no name' });
        return feed;
      },
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
          feedType: normaliseFeedType(str(o.feedType)),
          packageType: str(o.packageType),
        };
      },
    );
  }
}
