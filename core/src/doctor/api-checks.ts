// The part of doctor() that uses the key: which feeds it sees, which of our features the server
// supports, and what the key may do on each feed, as far as reading can tell.

import type { ProGetClient } from '../client.js';
import { isProGetError, ProGetError } from '../errors.js';
import type { Feed } from '../types.js';
import { looksLikeHtml, type ProbeTls, probeGet } from './probe.js';
import type {
  DoctorOptions,
  DoctorReport,
  FeatureName,
  FeatureSupport,
  Finding,
  FindingStatus,
} from './types.js';

type Add = (id: string, status: FindingStatus, title: string, detail: string, hint?: string) => Finding;

export interface ApiCheckContext {
  client: ProGetClient;
  options: DoctorOptions;
  report: DoctorReport;
  add: Add;
  base: URL;
  tls: ProbeTls;
  timeoutMs: number;
}

const MAX_FEEDS_LISTED = 25;
const WRITE_NOTE =
  'add, overwrite, delete and promote cannot be learned without writing; `pnpm conformance --write` tries them in a package group of its own';

export async function checkApi(ctx: ApiCheckContext): Promise<void> {
  const { client, options, add } = ctx;
  const hasKey = Boolean(options.apiKey);
  let feeds: Feed[] | undefined;
  try {
    feeds = await client.feeds.list({ includeInactive: true });
  } catch (e) {
    add('feeds', 'fail', 'Cannot list feeds', errorDetail(e), errorHint(e));
  }
  if (feeds) {
    const names = feeds.map((f) => f.name);
    if (feeds.length === 0) {
      if (hasKey) {
        add(
          'key',
          'fail',
          'The API key sees no feeds',
          'The feed list is empty with this key.',
          'ProGet treats an unknown key as Anonymous, so the key is probably wrong, expired or revoked; otherwise grant it View on some feed (Administration › API Keys).',
        );
        // Everything after this would only repeat "forbidden" for a key that is most likely wrong.
        return;
      } else
        add(
          'key',
          'warn',
          'Anonymous sees no feeds',
          'No API key was given, and Anonymous may view no feed.',
          'Give an API key (--api-key, or PROGET_API_KEY).',
        );
    } else {
      add(
        'key',
        hasKey ? 'ok' : 'info',
        hasKey ? 'API key accepted' : 'No API key: acting as Anonymous',
        `Sees ${feeds.length} feed${feeds.length === 1 ? '' : 's'}: ${shortList(names)}.`,
      );
    }
  }

  const universal = feeds?.find((f) => f.feedType === 'universal' && f.active) ?? feeds?.[0];
  const probeFeed = options.feeds?.[0] ?? universal?.name;
  await features(ctx, probeFeed);

  const wanted = options.feeds?.length
    ? options.feeds
    : (feeds ?? []).slice(0, MAX_FEEDS_LISTED).map((f) => f.name);
  for (const name of wanted)
    await checkFeed(
      ctx,
      name,
      feeds?.find((f) => f.name.toLowerCase() === name.toLowerCase()),
    );
  if (!options.feeds?.length && feeds && feeds.length > MAX_FEEDS_LISTED)
    add(
      'feeds.more',
      'info',
      `${feeds.length - MAX_FEEDS_LISTED} more feeds not examined`,
      'Name the feeds to examine with --feed.',
    );
}

async function features(ctx: ApiCheckContext, feed: string | undefined): Promise<void> {
  const { client, report, add } = ctx;
  const set = (name: FeatureName, support: FeatureSupport) => {
    report.features[name] = support;
  };
  const free = report.edition?.toLowerCase() === 'free';

  // Packages API (2023+): a probe of a feed known to exist; 404 then means the API is missing.
  if (feed) {
    try {
      await client.feeds.probe(feed);
      set('packages-api', 'supported');
      add('feature.packages-api', 'ok', 'Packages API available', `/api/packages/${feed} answered.`);
    } catch (e) {
      feature(
        ctx,
        'packages-api',
        'Packages API',
        e,
        'The Packages API needs ProGet 2023 or later; proget-ci then falls back to the Universal Feed API where it can.',
      );
    }
  } else {
    set('packages-api', 'unknown');
    add('feature.packages-api', 'info', 'Packages API not checked', 'No feed is visible to probe it with.');
  }

  try {
    await client.promotions.list(feed ? { toFeed: feed } : {});
    set('promotions', 'supported');
    add(
      'feature.promotions',
      free ? 'warn' : 'ok',
      free ? 'Promotions can be read, not made' : 'Promotions API available',
      free
        ? 'ProGet Free lists promotions but promotes only in the web UI.'
        : '/api/promotions/list answered.',
      free ? 'Promoting through the API (proget-ci promote) needs a paid edition.' : '',
    );
  } catch (e) {
    feature(ctx, 'promotions', 'Promotions API', e, 'The promotions API needs ProGet 2023 or later.');
  }

  try {
    const connectors = await client.health.connectors();
    if (connectors.supported) {
      set('connector-health', 'supported');
      const bad = connectors.connectors.filter((c) => c.state !== 'healthy');
      add(
        'feature.connector-health',
        bad.length ? 'warn' : 'ok',
        'Connector health reported',
        bad.length
          ? `${bad.length} of ${connectors.connectors.length} connectors not healthy: ${shortList(bad.map((c) => `${c.name} (${c.state}${c.errorMessage ? `: ${c.errorMessage}` : ''})`))}`
          : `${connectors.connectors.length} connectors, all healthy.`,
      );
    } else {
      set('connector-health', 'not-supported');
      add(
        'feature.connector-health',
        'info',
        'Connector health not reported',
        `${connectors.reason}.`,
        'The extension shows instance health (/health) instead.',
      );
    }
  } catch (e) {
    feature(ctx, 'connector-health', 'Connector health', e, '');
  }

  try {
    await client.native.call('Feeds_GetFeeds', { IncludeInactive_Indicator: 'N' });
    set('native-api', 'supported');
    add('feature.native-api', 'ok', 'Native API available to this key', '/api/json/Feeds_GetFeeds answered.');
  } catch (e) {
    feature(
      ctx,
      'native-api',
      'Native API',
      e,
      'proget-ci uses the Native API only as a fallback on servers without the management API.',
    );
  }

  await sca(ctx);
}

async function sca(ctx: ApiCheckContext): Promise<void> {
  const { options, report, add } = ctx;
  try {
    const response = await probeGet(new URL('api/sca/projects', ctx.base), {
      tls: ctx.tls,
      timeoutMs: ctx.timeoutMs,
      signal: options.signal,
      headers: options.apiKey ? { 'x-apikey': options.apiKey } : {},
    });
    if (response.status === 200 && !looksLikeHtml(response) && response.text.trim().startsWith('[')) {
      report.features.sca = 'supported';
      add('feature.sca', 'ok', 'SCA API available', '/api/sca/projects answered.');
    } else if (response.status === 404) {
      report.features.sca = 'not-supported';
      add(
        'feature.sca',
        'info',
        'SCA API not available',
        '/api/sca/projects answered HTTP 404.',
        'Software composition analysis (projects, builds, SBOMs) needs ProGet 2023 or later with SCA enabled.',
      );
    } else {
      report.features.sca = 'unknown';
      add(
        'feature.sca',
        'info',
        'SCA API not usable with this key',
        `/api/sca/projects answered HTTP ${response.status}.`,
        response.status === 401 || response.status === 403
          ? 'The key needs the SCA privileges (View SCA, or Manage SCA) to use it.'
          : '',
      );
    }
  } catch (e) {
    report.features.sca = 'unknown';
    add('feature.sca', 'info', 'SCA API not checked', e instanceof Error ? e.message : String(e));
  }
}

function feature(
  ctx: ApiCheckContext,
  name: FeatureName,
  title: string,
  error: unknown,
  notFoundHint: string,
): void {
  if (isProGetError(error, 'not-found') || isProGetError(error, 'not-supported')) {
    ctx.report.features[name] = 'not-supported';
    ctx.add(`feature.${name}`, 'info', `${title} not available`, errorDetail(error), notFoundHint);
  } else if (isProGetError(error, 'edition-required')) {
    ctx.report.features[name] = 'not-supported';
    ctx.add(`feature.${name}`, 'info', `${title} needs a paid edition`, errorDetail(error), errorHint(error));
  } else {
    ctx.report.features[name] = 'unknown';
    const access = isProGetError(error, 'forbidden') || isProGetError(error, 'unauthorized');
    ctx.add(
      `feature.${name}`,
      access ? 'info' : 'warn',
      access ? `${title}: this key may not use it` : `${title}: could not tell`,
      errorDetail(error),
      errorHint(error),
    );
  }
}

async function checkFeed(ctx: ApiCheckContext, name: string, listed: Feed | undefined): Promise<void> {
  const { client, report, add, options } = ctx;
  const id = `feed.${name}`;
  let feed = listed;
  if (!feed) {
    try {
      feed = await client.feeds.get(name);
    } catch (e) {
      if (isProGetError(e, 'not-found'))
        add(
          id,
          'fail',
          `Feed "${name}" does not exist`,
          errorDetail(e),
          "Check the feed name (Feeds in ProGet's menu lists them).",
        );
      else if (isProGetError(e, 'forbidden') || isProGetError(e, 'unauthorized'))
        add(
          id,
          'fail',
          `Feed "${name}": the key may not view it`,
          errorDetail(e),
          options.apiKey
            ? `The API key is wrong (ProGet treats an unknown key as Anonymous), or lacks View on feed "${name}".`
            : 'Give an API key with View on this feed.',
        );
      else add(id, 'fail', `Feed "${name}" could not be read`, errorDetail(e), errorHint(e));
      return;
    }
  }
  const access = {
    name: feed.name,
    feedType: feed.feedType,
    active: feed.active,
    view: true,
  } as DoctorReport['feeds'][number];
  report.feeds.push(access);
  if (!feed.active) {
    add(
      id,
      'warn',
      `Feed "${feed.name}" is inactive`,
      `A ${feed.feedType} feed the key can see, but it is disabled.`,
      'Activate it under Feeds › (feed) › Manage Feed, or use another feed.',
    );
    return;
  }
  if (feed.feedType !== 'universal') {
    add(
      id,
      'info',
      `Feed "${feed.name}" (${feed.feedType || 'unknown type'})`,
      `The key may view it. Not a universal feed: proget-ci publishes and promotes universal packages only.`,
    );
    return;
  }
  try {
    const packages = await client.universal.listPackages(feed.name, { count: 1 });
    add(
      id,
      'ok',
      `Feed "${feed.name}" (universal)`,
      `The key may view it and list its packages${packages.length ? '' : ' (none yet)'}; ${WRITE_NOTE}.${feed.deploymentRecordsEnabled === false ? ' Deployment records are disabled on this feed.' : ''}`,
    );
  } catch (e) {
    add(id, 'warn', `Feed "${feed.name}" (universal): packages not listable`, errorDetail(e), errorHint(e));
  }
}

function shortList(items: string[]): string {
  return items.length <= 8
    ? items.join(', ')
    : `${items.slice(0, 8).join(', ')} and ${items.length - 8} more`;
}

function errorDetail(error: unknown): string {
  if (error instanceof ProGetError) return error.summary;
  return error instanceof Error ? error.message : String(error);
}

function errorHint(error: unknown): string {
  return error instanceof ProGetError ? (error.hint ?? '') : '';
}
