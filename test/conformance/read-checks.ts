// Read-only checks: what every run does, on any server and with any key that can view the feed.

import { join } from 'node:path';
import { isProGetError, parseProGetVersion } from '@proget-ci/core';
import { equal, expect, rejectsWith, skip, skipIfForbidden } from './assert.js';
import type { Check, CheckContext } from './types.js';

const MISSING = 'proget-ci-conformance-missing';

const packagesApi = (ctx: CheckContext) => {
  if (ctx.features['packages-api'] === 'not-supported') skip('the server has no Packages API (ProGet 2023+)');
};

export const readChecks: Check[] = [
  {
    id: 'health',
    title: 'instance health is readable and healthy',
    async run({ client }) {
      const health = await client.health.instance();
      expect(health.healthy, `unhealthy: ${JSON.stringify(health)}`);
    },
  },
  {
    id: 'version-header',
    title: 'X-ProGet-Version is a version number',
    async run({ client }) {
      await client.feeds.list();
      const raw = client.serverInfo.version;
      if (raw === undefined) skip('the server (or a proxy) sends no X-ProGet-Version header');
      expect(parseProGetVersion(raw), `X-ProGet-Version "${raw}" is not a version`);
    },
  },
  {
    id: 'edition-header',
    title: 'X-ProGet-Edition names an edition',
    async run({ client }) {
      await client.feeds.list();
      const edition = client.serverInfo.edition;
      if (edition === undefined) skip('the server sends no X-ProGet-Edition header');
      expect(/^(free|basic|enterprise|trial)$/i.test(edition), `unexpected edition "${edition}"`);
    },
  },
  {
    id: 'feeds-list',
    title: 'the feed list includes the feed',
    async run({ client, feed }) {
      const feeds = await client.feeds.list();
      expect(
        feeds.some((f) => f.name.toLowerCase() === feed.toLowerCase()),
        `"${feed}" not among ${feeds.length} feeds`,
      );
    },
  },
  {
    id: 'feed-get',
    title: 'the feed reads as an active universal feed',
    async run({ client, feed }) {
      const f = await client.feeds.get(feed).catch((e) => {
        skipIfForbidden(e, 'the right to read feed settings');
        throw e;
      });
      equal(f.feedType, 'universal', 'feed type');
      equal(f.active, true, 'active');
    },
  },
  {
    id: 'feed-get-missing',
    title: 'a missing feed is reported as not found',
    async run({ client }) {
      await rejectsWith(client.feeds.get(MISSING), ['not-found', 'forbidden'], 'feeds.get of a missing feed');
    },
  },
  {
    id: 'feed-probe',
    title: 'the Packages API probe names a universal feed',
    async run(ctx) {
      packagesApi(ctx);
      const probe = await ctx.client.feeds.probe(ctx.feed);
      equal(probe.feedType, 'universal', 'probed feed type');
    },
  },
  {
    id: 'feed-probe-missing',
    title: 'the Packages API probe of a missing feed is not found',
    async run(ctx) {
      packagesApi(ctx);
      await rejectsWith(ctx.client.feeds.probe(MISSING), ['not-found'], 'probe of a missing feed');
    },
  },
  {
    id: 'feed-meta',
    title: 'the universal feed describes itself',
    async run({ client, feed }) {
      const meta = await client.universal.meta(feed);
      expect(Array.isArray(meta.services), 'meta has no services list');
    },
  },
  {
    id: 'list-packages',
    title: 'packages of the feed list with names',
    async run({ client, feed, state }) {
      const packages = await client.universal.listPackages(feed, { count: 50 });
      for (const p of packages) expect(p.name, `a package without a name: ${JSON.stringify(p)}`);
      state.set(
        'sample',
        packages.find((p) => p.latestVersion),
      );
    },
  },
  {
    id: 'list-versions',
    title: 'versions of the feed list with name and version',
    async run({ client, feed }) {
      const versions = await client.universal.listVersions(feed, { count: 20 });
      for (const v of versions)
        expect(v.name && v.version, `a version without name or version: ${JSON.stringify(v)}`);
    },
  },
  {
    id: 'missing-package',
    title: 'a missing package reads as absent, not as an error',
    async run({ client, feed, group }) {
      equal(await client.universal.getPackage(feed, { group, name: MISSING }), undefined, 'getPackage');
    },
  },
  {
    id: 'missing-version',
    title: 'a missing version reads as absent',
    async run({ client, feed, group }) {
      const v = await client.universal.getVersion(feed, { group, name: MISSING, version: '0.0.1' });
      equal(v, undefined, 'getVersion');
    },
  },
  {
    id: 'packages-versions-missing',
    title: 'Packages API versions of a missing package are empty',
    async run(ctx) {
      packagesApi(ctx);
      const list = await ctx.client.packages.versions(ctx.feed, { group: ctx.group, name: MISSING });
      equal(list.length, 0, 'versions of a missing package');
    },
  },
  {
    id: 'packages-latest',
    title: 'Packages API latest versions list',
    async run(ctx) {
      packagesApi(ctx);
      const list = await ctx.client.packages.latest(ctx.feed);
      for (const v of list)
        expect(v.name && v.version, `an entry without name or version: ${JSON.stringify(v)}`);
    },
  },
  {
    id: 'promotions-list',
    title: 'promotions into the feed list',
    async run(ctx) {
      if (ctx.features.promotions === 'not-supported')
        skip('the server has no promotions API (ProGet 2023+)');
      const list = await ctx.client.promotions.list({ toFeed: ctx.feed });
      for (const p of list)
        expect(Array.isArray(p.promotions), `an entry without promotions: ${JSON.stringify(p)}`);
    },
  },
  {
    id: 'promotions-list-missing',
    title: 'promotions of a missing package are an empty list',
    async run(ctx) {
      if (ctx.features.promotions === 'not-supported')
        skip('the server has no promotions API (ProGet 2023+)');
      const list = await ctx.client.promotions.list({ toFeed: ctx.feed, name: MISSING, group: ctx.group });
      equal(list.filter((p) => p.name === MISSING).length, 0, 'promotions of a missing package');
    },
  },
  {
    id: 'connector-health',
    title: 'connector health matches the server version',
    async run({ client, version }) {
      const report = await client.health.connectors().catch((e) => {
        skipIfForbidden(e, 'Feeds_Manage');
        throw e;
      });
      if (version && version.major >= 2024)
        equal(report.supported, false, `connector health on ProGet ${version.display}`);
      if (report.supported) for (const c of report.connectors) expect(c.name, 'a connector without a name');
    },
  },
  {
    id: 'native-feeds',
    title: 'the Native API lists the feed',
    async run({ client, feed }) {
      const rows = await client.native
        .call<unknown[]>('Feeds_GetFeeds', { IncludeInactive_Indicator: 'Y' })
        .catch((e) => {
          skipIfForbidden(e, 'Native API access');
          if (isProGetError(e, 'not-found')) skip('the server has no Native API');
          throw e;
        });
      expect(Array.isArray(rows), 'Feeds_GetFeeds did not answer a list');
      expect(
        rows.some(
          (r) => String((r as Record<string, unknown>).Feed_Name).toLowerCase() === feed.toLowerCase(),
        ),
        `"${feed}" not among the Native API's ${rows.length} feeds`,
      );
    },
  },
  {
    id: 'anonymous-read',
    title: 'without a key the feed is refused with 401/403 or served to Anonymous',
    async run({ anonymous, feed }) {
      try {
        await anonymous.universal.listPackages(feed, { count: 1 });
      } catch (e) {
        if (isProGetError(e, 'unauthorized') || isProGetError(e, 'forbidden')) return;
        throw e;
      }
    },
  },
  {
    id: 'bogus-key-get',
    title: 'an unknown key is refused (or treated as Anonymous)',
    async run({ bogus, anonymous, feed }) {
      const asAnonymous = await anonymous.feeds.get(feed).then(
        () => true,
        () => false,
      );
      if (asAnonymous) {
        await bogus.feeds.get(feed);
        return;
      }
      await rejectsWith(
        bogus.feeds.get(feed),
        ['forbidden', 'unauthorized'],
        'feeds.get with an unknown key',
      );
    },
  },
  {
    id: 'bogus-key-list',
    title: 'the feed list with an unknown key is not an error',
    async run({ bogus, anonymous }) {
      const [withBogus, withNone] = await Promise.all([
        bogus.feeds.list(),
        anonymous.feeds.list().catch(() => []),
      ]);
      expect(
        withBogus.length <= withNone.length,
        `an unknown key sees ${withBogus.length} feeds, Anonymous ${withNone.length}`,
      );
    },
  },
  {
    id: 'download-existing',
    title: 'an existing package downloads with the hash the server reports',
    async run(ctx) {
      const sample = ctx.state.get('sample') as
        | { group?: string; name: string; latestVersion?: string }
        | undefined;
      if (!sample?.latestVersion) skip('the feed holds no package to download');
      const id = { group: sample.group ?? '', name: sample.name, version: sample.latestVersion };
      const version = await ctx.client.universal.getVersion(ctx.feed, id);
      if (version?.isVirtual) skip('the newest package is a virtual package');
      let expected: string | undefined;
      if (ctx.features['packages-api'] === 'supported') {
        const infos = await ctx.client.packages.versions(ctx.feed, id);
        expected = infos.find((i) => i.version === id.version)?.sha1;
      }
      const result = await ctx.client.universal
        .download(ctx.feed, id, join(ctx.workDir, 'existing.upack'), {
          hashes: ['sha1'],
          ...(expected ? { expect: { sha1: expected } } : {}),
        })
        .catch((e) => {
          skipIfForbidden(e, 'Feeds_DownloadPackage');
          throw e;
        });
      expect(result.size > 0, 'the download was empty');
    },
  },
  {
    id: 'file-list',
    title: 'an existing version lists its files',
    async run(ctx) {
      const sample = ctx.state.get('sample') as
        | { group?: string; name: string; latestVersion?: string }
        | undefined;
      if (!sample?.latestVersion) skip('the feed holds no package');
      const v = await ctx.client.universal.getVersion(
        ctx.feed,
        { group: sample.group ?? '', name: sample.name, version: sample.latestVersion },
        { includeFileList: true },
      );
      expect(v, `${sample.name} ${sample.latestVersion} is listed but not found`);
      if (v.isVirtual) skip('the newest package is a virtual package');
      expect(Array.isArray(v.fileList), 'no fileList');
    },
  },
  {
    id: 'target-feed',
    title: 'the target feed reads as an active universal feed',
    async run({ client, targetFeed }) {
      if (!targetFeed) skip('no --target-feed given');
      const probe = await client.feeds.list({ includeInactive: true });
      const f = probe.find((x) => x.name.toLowerCase() === targetFeed.toLowerCase());
      expect(f, `the key cannot see feed "${targetFeed}"`);
      equal(f.feedType, 'universal', 'target feed type');
      equal(f.active, true, 'target feed active');
    },
  },
];
