// Promotions: the history query (tolerant of the page's two shapes) and the promote call (ProGet 2023+).

import type { CallOptions, PromotionsApi } from '../client-api.js';
import { ValidationError } from '../errors.js';
import { isVersionSelector } from '../latest.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { PromotedPackage, PromoteRequest, Promotion, PromotionFilter } from '../types.js';
import { describePackage } from '../upack/describe.js';
import { arrayOf, isObject, objectOf, optNum, str, utcDate } from './wire.js';

export function parsePromotedPackage(value: unknown): PromotedPackage {
  const o = objectOf(value, 'a promoted package');
  return {
    // The page's example says `packageName`, its model `package`; servers send `package`.
    name: str(o.package) ?? str(o.packageName) ?? str(o.name) ?? '',
    group: str(o.group) ?? str(o.groupName) ?? '',
    version: str(o.version) ?? '',
    packageType: str(o.packageType),
    promotions: Array.isArray(o.promotions) ? o.promotions.filter(isObject).map(parsePromotion) : [],
  };
}

function parsePromotion(o: Record<string, unknown>): Promotion {
  return {
    fromFeed: str(o.fromFeed) ?? '',
    toFeed: str(o.toFeed) ?? '',
    date: utcDate(o.date),
    user: str(o.user),
    comments: str(o.comments),
    id: optNum(o.id),
  };
}

export interface PromotionQuery {
  group?: string;
  name: string;
  version: string;
  toFeed: string;
  fromFeed?: string;
}

export interface PromotionMatch {
  package: PromotedPackage;
  promotion: Promotion;
}

/**
 * The newest promotion of exactly this package version into `toFeed` (and from `fromFeed`, if given):
 * names, groups and feeds compare case-insensitively, the version exactly. The server's own filtering
 * is not trusted: grouped lookups are known to miss or over-match.
 */
export function findPromotion(
  list: readonly PromotedPackage[],
  query: PromotionQuery,
): PromotionMatch | undefined {
  const same = (a: string | undefined, b: string | undefined) =>
    (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  let best: PromotionMatch | undefined;
  for (const pkg of list) {
    if (!same(pkg.name, query.name) || !same(pkg.group, query.group) || pkg.version !== query.version)
      continue;
    for (const promotion of pkg.promotions) {
      if (!same(promotion.toFeed, query.toFeed)) continue;
      if (query.fromFeed !== undefined && !same(promotion.fromFeed, query.fromFeed)) continue;
      if (!best || isNewer(promotion, best.promotion)) best = { package: pkg, promotion };
    }
  }
  return best;
}

function isNewer(a: Promotion, b: Promotion): boolean {
  const ta = a.date ? Date.parse(a.date) : Number.NaN;
  const tb = b.date ? Date.parse(b.date) : Number.NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta > tb;
  if (Number.isNaN(tb) && !Number.isNaN(ta)) return true;
  if (Number.isNaN(ta) && !Number.isNaN(tb)) return false;
  return (a.id ?? -1) > (b.id ?? -1);
}

export class PromotionsArea implements PromotionsApi {
  constructor(private readonly transport: Transport) {}

  async list(filter?: PromotionFilter, options?: CallOptions): Promise<PromotedPackage[]> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('api', 'promotions', 'list'),
        query: {
          fromFeed: filter?.fromFeed,
          toFeed: filter?.toFeed,
          group: filter?.group || undefined,
          package: filter?.name,
          version: filter?.version,
        },
        signal: options?.signal,
        operation: 'query promotions',
        privilege: 'Feeds_ViewFeed',
      },
      (json) => arrayOf(json, 'the promotion list').map(parsePromotedPackage),
    );
  }

  async promote(request: PromoteRequest, options?: CallOptions): Promise<void> {
    if (isVersionSelector(request.version)) {
      throw new ValidationError('Promote', [
        `"${request.version}" is not a version: resolve it first (servers disagree on what "latest" means)`,
      ]);
    }
    const group = request.group || undefined;
    await this.transport.send({
      method: 'POST',
      path: joinPath('api', 'promotions', 'promote'),
      body: {
        type: 'json',
        value: {
          fromFeed: request.fromFeed,
          toFeed: request.toFeed,
          name: request.name,
          version: request.version,
          group,
          comments: request.comments,
          // Older servers and clients use these names for the same fields.
          packageName: request.name,
          groupName: group,
        },
      },
      accept: '*/*',
      signal: options?.signal,
      operation: `promote ${describePackage(request)} from "${request.fromFeed}" to "${request.toFeed}"`,
      privilege: `Feeds_AcceptPackagePromotions (Promote) on the target feed "${request.toFeed}"`,
      paidFeature: 'promotion through the API',
      notFoundHint:
        'Promotion through the API needs ProGet 2023 or later; on a newer server, check both feed names and that the package version exists in the source feed.',
    });
  }
}
