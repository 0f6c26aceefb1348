// Write checks, part two: versions over time (prerelease, latest), refusals, promotion, deployment, delete.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPromotion } from '@proget-ci/core';
import { equal, expect, rejectsWith, skipIfForbidden } from './assert.js';
import type { Check } from './types.js';
import { build, built, id, own, PACKAGE_NAME, packagesApi, promotable, RC, V1, V2 } from './write-support.js';

export const lifecycleChecks: Check[] = [
  {
    id: 'upload-prerelease',
    title: 'a prerelease version uploads',
    requires: ['upload'],
    async run(ctx) {
      const pkg = await build(ctx, RC);
      ctx.state.set(`built:${RC}`, pkg);
      own(ctx, ctx.feed, RC);
      const result = await ctx.client.universal.upload(ctx.feed, pkg.path, { knownHashes: pkg });
      equal(result.sha1, pkg.sha1, 'sha1');
    },
  },
  {
    id: 'resolve-latest',
    title: '`latest` resolves to the prerelease',
    requires: ['upload-prerelease'],
    async run(ctx) {
      equal(
        await ctx.client.resolveVersion(ctx.feed, { group: ctx.group, name: PACKAGE_NAME }, 'latest'),
        RC,
        'latest',
      );
    },
  },
  {
    id: 'resolve-latest-stable',
    title: '`latest-stable` resolves to the stable version',
    requires: ['upload-prerelease'],
    async run(ctx) {
      equal(
        await ctx.client.resolveVersion(ctx.feed, { group: ctx.group, name: PACKAGE_NAME }, 'latest-stable'),
        V1,
        'latest-stable',
      );
    },
  },
  {
    id: 'packages-latest-stable',
    title: 'the Packages API names the stable version as latest stable',
    requires: ['upload-prerelease'],
    async run(ctx) {
      packagesApi(ctx);
      const list = await ctx.client.packages.latest(ctx.feed, {
        group: ctx.group,
        name: PACKAGE_NAME,
        stableOnly: true,
      });
      const mine = list.filter((v) => v.name === PACKAGE_NAME && (v.group ?? '') === ctx.group);
      equal(mine.map((v) => v.version).join(','), V1, 'latest stable');
    },
  },
  {
    id: 'packages-upload',
    title: 'the Packages API takes an upload',
    requires: ['upload'],
    async run(ctx) {
      packagesApi(ctx);
      const pkg = await build(ctx, V2);
      ctx.state.set(`built:${V2}`, pkg);
      own(ctx, ctx.feed, V2);
      const result = await ctx.client.packages.upload(ctx.feed, pkg.path);
      equal(result.sha1, pkg.sha1, 'sha1');
    },
  },
  {
    id: 'versions-all',
    title: 'every uploaded version is listed',
    requires: ['upload-prerelease'],
    async run(ctx) {
      const list = await ctx.client.universal.listVersions(ctx.feed, {
        group: ctx.group,
        name: PACKAGE_NAME,
      });
      const want = ctx.state.has(`built:${V2}`) ? [V1, RC, V2] : [V1, RC];
      equal(
        list
          .map((v) => v.version)
          .sort()
          .join(','),
        want.sort().join(','),
        'versions',
      );
    },
  },
  {
    id: 'bad-package-refused',
    title: 'a file that is not a package is refused and not stored',
    requires: ['upload'],
    async run(ctx) {
      const path = join(ctx.workDir, 'not-a-package.upack');
      await writeFile(path, 'this is not a zip file\n');
      await rejectsWith(
        ctx.client.universal.upload(ctx.feed, path),
        ['bad-request', 'forbidden', 'conflict', 'server'],
        'upload of a non-zip',
      );
      const list = await ctx.client.universal.listVersions(ctx.feed, { group: ctx.group });
      expect(
        list.every((v) => v.name === PACKAGE_NAME),
        `unexpected packages in the group: ${list.map((v) => v.name).join(', ')}`,
      );
    },
  },
  {
    id: 'bogus-key-upload',
    title: 'an upload with an unknown key is refused and not stored',
    requires: ['build'],
    async run(ctx) {
      const pkg = await build(ctx, '9.9.9');
      own(ctx, ctx.feed, '9.9.9');
      await rejectsWith(
        ctx.bogus.universal.upload(ctx.feed, pkg.path),
        ['forbidden', 'unauthorized'],
        'upload with an unknown key',
      );
      equal(await ctx.client.universal.getVersion(ctx.feed, id(ctx, '9.9.9')), undefined, 'stored anyway');
    },
  },
  {
    id: 'promote',
    title: 'the stable version promotes to the target feed',
    requires: ['upload'],
    async run(ctx) {
      promotable(ctx);
      own(ctx, ctx.targetFeed!, V1);
      await ctx.client.promotions
        .promote({
          ...id(ctx, V1),
          fromFeed: ctx.feed,
          toFeed: ctx.targetFeed!,
          comments: `proget-ci conformance ${ctx.runId}`,
        })
        .catch((e) => {
          skipIfForbidden(e, `Feeds_AcceptPackagePromotions on "${ctx.targetFeed}"`);
          throw e;
        });
    },
  },
  {
    id: 'promotion-listed',
    title: 'the promotion is listed',
    requires: ['promote'],
    async run(ctx) {
      const list = await ctx.client.promotions.list({
        toFeed: ctx.targetFeed,
        group: ctx.group,
        name: PACKAGE_NAME,
      });
      const match = findPromotion(list, { ...id(ctx, V1), toFeed: ctx.targetFeed!, fromFeed: ctx.feed });
      expect(
        match,
        `no promotion of ${PACKAGE_NAME} ${V1} to "${ctx.targetFeed}" among ${list.length} entries`,
      );
    },
  },
  {
    id: 'promoted-copy',
    title: 'the promoted copy has the same bytes and stays in the source',
    requires: ['promote'],
    async run(ctx) {
      const pkg = built(ctx, V1);
      await ctx.client.universal.download(ctx.targetFeed!, id(ctx, V1), join(ctx.workDir, 'promoted.upack'), {
        expect: { sha1: pkg.sha1 },
      });
      expect(await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1)), 'gone from the source feed');
    },
  },
  {
    id: 'deployment',
    title: 'a deployment record is accepted',
    requires: ['upload'],
    async run(ctx) {
      await ctx.client.deployments
        .record({
          ...id(ctx, V1),
          feed: ctx.feed,
          application: 'proget-ci-conformance',
          description: `run ${ctx.runId}`,
          target: 'conformance',
        })
        .catch((e) => {
          skipIfForbidden(e, 'Feeds_DownloadPackage (deployment records)');
          throw e;
        });
    },
  },
  {
    id: 'delete',
    title: 'a version deletes through the Universal Feed API',
    requires: ['upload-prerelease'],
    async run(ctx) {
      await ctx.client.universal.delete(ctx.feed, id(ctx, RC)).catch((e) => {
        skipIfForbidden(e, `Feeds_DeletePackage on "${ctx.feed}"`);
        throw e;
      });
      equal(
        await ctx.client.universal.getVersion(ctx.feed, id(ctx, RC)),
        undefined,
        'still there after delete',
      );
    },
  },
  {
    id: 'packages-delete',
    title: 'a version deletes through the Packages API',
    requires: ['packages-upload'],
    async run(ctx) {
      await ctx.client.packages.delete(ctx.feed, id(ctx, V2)).catch((e) => {
        skipIfForbidden(e, `Feeds_DeletePackage on "${ctx.feed}"`);
        throw e;
      });
      equal(
        await ctx.client.universal.getVersion(ctx.feed, id(ctx, V2)),
        undefined,
        'still there after delete',
      );
    },
  },
  {
    id: 'others-untouched',
    title: 'deleting one version left the others',
    requires: ['delete'],
    async run(ctx) {
      const list = await ctx.client.universal.listVersions(ctx.feed, {
        group: ctx.group,
        name: PACKAGE_NAME,
      });
      expect(
        list.some((v) => v.version === V1),
        `${V1} vanished with the delete of ${RC}`,
      );
    },
  },
];
