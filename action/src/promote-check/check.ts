// promote-check: are these package versions promoted to the target feed (and still there)? One promotions
// list per poll, filtered here; target existence checked per package with bounded concurrency, except that
// in a universal target feed a group with many packages to check is listed once and what the list shows
// needs no request of its own.

import {
  describePackage,
  findPromotion,
  isProGetError,
  type PackageVersionId,
  type ProGetClientApi,
  type PromotedPackage,
  type Promotion,
} from '@proget-ci/core';
import { mapLimit } from '../shared/concurrency.js';
import { feedState } from '../shared/feed-check.js';
import type { StepLogger } from '../shared/io.js';

export interface PromoteCheckOptions {
  packages: PackageVersionId[];
  fromFeed?: string;
  toFeed: string;
  requireInTarget: boolean;
  /** Keep polling this long for missing packages; 0 checks once. */
  waitTimeoutMs: number;
  pollIntervalMs: number;
  concurrency?: number;
  signal?: AbortSignal;
  logger: StepLogger;
  /** Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** `not-found`: the version (or a feed) does not exist, so no promotion can be made. */
export type PackageCheckStatus = 'promoted' | 'not-promoted' | 'not-in-target' | 'not-found';

export interface MissingFeed {
  input: 'from-feed' | 'to-feed';
  feed: string;
  /** Feeds the key can see, when the server listed them. */
  known?: string[];
}

export interface PackageCheck {
  package: PackageVersionId;
  status: PackageCheckStatus;
  /** The newest matching promotion, when there is one. */
  promotion?: Promotion;
  /** Whether the version exists in the target feed; undefined when not checked. */
  inTarget?: boolean;
  reason: string;
}

export interface PromoteCheckResult {
  /** Every package promoted (and in the target when required). */
  promoted: boolean;
  checks: PackageCheck[];
  missing: PackageCheck[];
  /** The part of `missing` that cannot be promoted: the version or a feed does not exist. */
  notFound: PackageCheck[];
  /** Feeds named in the inputs that do not exist; every package is then `not-found`. */
  missingFeeds: MissingFeed[];
  polls: number;
  /** How long the check waited for promotions, in milliseconds. */
  waitedMs: number;
}

export const DEFAULT_CONCURRENCY = 16;

/**
 * A universal target feed's group is listed once (`/upack/{feed}/packages?group=`) when at least this many
 * of its packages are to be checked; fewer are cheaper one by one.
 */
export const GROUP_LIST_THRESHOLD = 20;
/** The most packages asked for in one group listing (ProGet lists 1,000 unless told). */
export const GROUP_LIST_COUNT = 100_000;

export async function checkPromotions(
  client: ProGetClientApi,
  options: PromoteCheckOptions,
): Promise<PromoteCheckResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const started = now();
  const deadline = started + options.waitTimeoutMs;

  const { missing: missingFeeds, universalTarget } = await checkFeeds(client, options);
  if (missingFeeds.length > 0) {
    const checks = options.packages.map((pkg) => ({
      package: pkg,
      status: 'not-found' as const,
      reason: missingFeeds.map((f) => `feed ${f.feed} ("${f.input}") does not exist`).join('; '),
    }));
    return {
      promoted: false,
      checks,
      missing: checks,
      notFound: checks,
      missingFeeds,
      polls: 0,
      waitedMs: 0,
    };
  }
  const checks = new Map<PackageVersionId, PackageCheck>();
  let pending = options.packages;
  let polls = 0;

  for (;;) {
    polls++;
    const round = await checkOnce(client, options, pending, universalTarget);
    for (const check of round) checks.set(check.package, check);
    pending = round.filter((c) => c.status !== 'promoted').map((c) => c.package);
    const left = deadline - now();
    if (pending.length === 0 || left <= 0) break;
    const names = pending.slice(0, 10).map(describePackage).join(', ');
    options.logger.info(
      `${pending.length} of ${options.packages.length} not promoted yet (${names}${pending.length > 10 ? `, and ${pending.length - 10} more` : ''}); checking again in ${Math.ceil(Math.min(options.pollIntervalMs, left) / 1000)} s`,
    );
    await sleep(Math.min(options.pollIntervalMs, left), options.signal);
  }

  const ordered = options.packages.map((p) => checks.get(p)!);
  const missing = ordered.filter((c) => c.status !== 'promoted');
  return {
    promoted: missing.length === 0,
    checks: ordered,
    missing,
    notFound: missing.filter((c) => c.status === 'not-found'),
    missingFeeds: [],
    polls,
    waitedMs: Math.max(0, now() - started),
  };
}

async function checkFeeds(
  client: ProGetClientApi,
  options: PromoteCheckOptions,
): Promise<{ missing: MissingFeed[]; universalTarget: boolean }> {
  const named: [MissingFeed['input'], string | undefined][] = [
    ['from-feed', options.fromFeed],
    ['to-feed', options.toFeed],
  ];
  const missing: MissingFeed[] = [];
  let universalTarget = false;
  for (const [input, feed] of named) {
    if (feed === undefined) continue;
    const found = await feedState(client, feed, options.logger, options.signal);
    if (found.state === 'missing') missing.push({ input, feed, known: found.known });
    if (input === 'to-feed' && found.state === 'exists')
      universalTarget = found.feed?.feedType === 'universal';
  }
  return { missing, universalTarget };
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();
const packageKey = (group: string | undefined, name: string) => `${lower(group)}\0${lower(name)}`;

/** The promotions list by group and name, so each package's lookup reads only its own entries. */
function indexPromotions(list: readonly PromotedPackage[]): Map<string, PromotedPackage[]> {
  const index = new Map<string, PromotedPackage[]>();
  for (const entry of list) {
    const key = packageKey(entry.group, entry.name);
    const bucket = index.get(key);
    if (bucket) bucket.push(entry);
    else index.set(key, [entry]);
  }
  return index;
}

/**
 * Versions shown in the target feed by one listing per group that has at least GROUP_LIST_THRESHOLD
 * packages to check, as `group\0name\0version` (lower-cased). Only a positive counts: a version not listed
 * (a truncated list, a server that lists otherwise) is still asked about on its own. A listing that fails is
 * skipped the same way.
 */
export async function listedVersions(
  client: ProGetClientApi,
  feed: string,
  packages: readonly PackageVersionId[],
  options: { concurrency: number; signal?: AbortSignal; logger: StepLogger },
): Promise<Set<string>> {
  const byGroup = new Map<string, { group: string; count: number }>();
  for (const pkg of packages) {
    const key = lower(pkg.group);
    const entry = byGroup.get(key);
    if (entry) entry.count++;
    else byGroup.set(key, { group: pkg.group ?? '', count: 1 });
  }
  const groups = [...byGroup.values()].filter((g) => g.count >= GROUP_LIST_THRESHOLD);
  const listed = new Set<string>();
  await mapLimit(groups, options.concurrency, async ({ group, count }) => {
    try {
      const found = await client.universal.listPackages(feed, {
        group,
        count: GROUP_LIST_COUNT,
        signal: options.signal,
      });
      for (const p of found) {
        for (const v of p.versions) listed.add(`${packageKey(p.group, p.name)}\0${lower(v)}`);
      }
      options.logger.debug(
        `listed ${found.length} package(s) of group "${group}" in ${feed} for ${count} to check`,
      );
    } catch (e) {
      if (!isProGetError(e)) throw e;
      options.logger.debug(
        `could not list group "${group}" of ${feed} (${e.kind}); checking its packages one by one`,
      );
    }
  });
  return listed;
}

async function checkOnce(
  client: ProGetClientApi,
  options: PromoteCheckOptions,
  packages: PackageVersionId[],
  universalTarget: boolean,
): Promise<PackageCheck[]> {
  const { fromFeed, toFeed, signal } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const list = await client.promotions.list(fromFeed ? { fromFeed, toFeed } : { toFeed }, { signal });
  options.logger.debug(`${list.length} promoted package versions to ${toFeed}`);
  const promotions = indexPromotions(list);
  // Looked up once per package: the listing below and the check both need it.
  const found = new Map<PackageVersionId, Promotion | undefined>();
  for (const pkg of packages) {
    const entries = promotions.get(packageKey(pkg.group, pkg.name)) ?? [];
    found.set(pkg, findPromotion(entries, { ...pkg, fromFeed, toFeed })?.promotion);
  }
  const promotionOf = (pkg: PackageVersionId) => found.get(pkg);
  const listed =
    options.requireInTarget && universalTarget
      ? await listedVersions(
          client,
          toFeed,
          packages.filter((pkg) => promotionOf(pkg) !== undefined),
          { concurrency, signal, logger: options.logger },
        )
      : new Set<string>();
  return mapLimit(packages, concurrency, async (pkg) => {
    const promotion = promotionOf(pkg);
    const what = describePackage(pkg);
    if (promotion === undefined) {
      if (fromFeed !== undefined && (await versionIn(client, fromFeed, pkg, signal)) === false) {
        return {
          package: pkg,
          status: 'not-found',
          reason: `${what} does not exist in ${fromFeed}, so it cannot be promoted`,
        };
      }
      return {
        package: pkg,
        status: 'not-promoted',
        reason: `${what} has not been promoted${fromFeed ? ` from ${fromFeed}` : ''} to ${toFeed}`,
      };
    }
    if (!options.requireInTarget) {
      return { package: pkg, status: 'promoted', promotion, reason: `promoted to ${toFeed}` };
    }
    const inTarget =
      listed.has(`${packageKey(pkg.group, pkg.name)}\0${lower(pkg.version)}`) ||
      (await existsIn(client, toFeed, pkg, signal));
    return inTarget
      ? { package: pkg, status: 'promoted', promotion, inTarget, reason: `promoted to ${toFeed}` }
      : {
          package: pkg,
          status: 'not-in-target',
          promotion,
          inTarget,
          reason: `${what} was promoted to ${toFeed} but is no longer in it (deleted or retained away?)`,
        };
  });
}

async function existsIn(
  client: ProGetClientApi,
  feed: string,
  pkg: PackageVersionId,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const versions = await client.packages.versions(feed, pkg, { signal });
  return versions.some((v) => v.version.toLowerCase() === pkg.version.toLowerCase());
}

/** Whether the version is in the feed; undefined when the server could not say. */
async function versionIn(
  client: ProGetClientApi,
  feed: string,
  pkg: PackageVersionId,
  signal: AbortSignal | undefined,
): Promise<boolean | undefined> {
  try {
    return (await client.universal.getVersion(feed, pkg, { signal })) !== undefined;
  } catch (e) {
    if (isProGetError(e)) return undefined;
    throw e;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
