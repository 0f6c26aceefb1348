// Checks that write (only with --write): every package lives in `proget-ci-conformance/<run-id>`, is
// recorded in `ctx.owned` the moment it may exist, and is deleted by the cleanup whatever happens here.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuiltPackage, buildPackage, findPromotion, isProGetError } from '@proget-ci/core';
import { equal, expect, rejectsWith, skip, skipIfForbidden } from './assert.js';
import type { Check, CheckContext } from './types.js';

export const PACKAGE_NAME = 'conformance-pkg';
const V1 = '1.0.0';
const RC = '1.1.0-rc.1';
const V2 = '1.2.0';
const HELLO = 'hello from proget-ci conformance\n';

const id = (ctx: CheckContext, version: string) => ({ group: ctx.group, name: PACKAGE_NAME, version });

async function build(ctx: CheckContext, version: string): Promise<BuiltPackage> {
  const sourceDir = join(ctx.workDir, `src-${version}`);
  await mkdir(join(sourceDir, 'docs'), { recursive: true });
  await writeFile(join(sourceDir, 'hello.txt'), HELLO);
  await writeFile(join(sourceDir, 'docs', 'version.txt'), `${version}\n`);
  return buildPackage({
    sourceDir,
    outFile: join(ctx.workDir, `${PACKAGE_NAME}-${version}.upack`),
    manifest: {
      group: ctx.group,
      name: PACKAGE_NAME,
      version,
      title: 'proget-ci conformance',
      description: 'Written by `pnpm conformance --write`; deleted at the end of the run.',
      _conformanceRun: ctx.runId,
    },
  });
}

function own(ctx: CheckContext, feed: string, version: string): void {
  if (!ctx.owned.some((o) => o.feed === feed && o.version === version))
    ctx.owned.push({ feed, group: ctx.group, name: PACKAGE_NAME, version });
}

const built = (ctx: CheckContext, version: string) => ctx.state.get(`built:${version}`) as BuiltPackage;

const packagesApi = (ctx: CheckContext) => {
  if (ctx.features['packages-api'] === 'not-supported') skip('the server has no Packages API (ProGet 2023+)');
};

const promotable = (ctx: CheckContext) => {
  if (!ctx.targetFeed) skip('no --target-feed given');
  if (ctx.edition?.toLowerCase() === 'free') skip('ProGet Free does not promote through the API');
  if (ctx.features.promotions === 'not-supported') skip('the server has no promotions API');
};

export const writeChecks: Check[] = [
  {
    id: 'build',
    title: "core's builder makes the test package",
    async run(ctx) {
      const pkg = await build(ctx, V1);
      expect(/^[0-9a-f]{40}$/.test(pkg.sha1), `sha1 "${pkg.sha1}"`);
      ctx.state.set(`built:${V1}`, pkg);
    },
  },
  {
    id: 'absent-before',
    title: 'the version is absent before the upload',
    requires: ['build'],
    async run(ctx) {
      equal(
        await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1)),
        undefined,
        'getVersion before upload',
      );
    },
  },
  {
    id: 'upload',
    title: 'the package uploads and the server takes the bytes sent',
    requires: ['build'],
    async run(ctx) {
      own(ctx, ctx.feed, V1);
      const result = await ctx.client.universal.upload(ctx.feed, built(ctx, V1).path).catch((e) => {
        skipIfForbidden(e, `Feeds_AddPackage on "${ctx.feed}"`);
        throw e;
      });
      equal(result.sha1, built(ctx, V1).sha1, 'sha1 of the bytes sent');
    },
  },
  {
    id: 'read-back',
    title: 'the uploaded version reads back in its own group',
    requires: ['upload'],
    async run(ctx) {
      const v = await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1));
      expect(v, 'the uploaded version is not found');
      equal(v.group ?? '', ctx.group, 'group');
      equal(v.version, V1, 'version');
    },
  },
  {
    id: 'custom-property',
    title: 'a custom `_` manifest property is kept',
    requires: ['upload'],
    async run(ctx) {
      const v = await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1));
      equal(v?.extra._conformanceRun, ctx.runId, '_conformanceRun');
    },
  },
  {
    id: 'versions-in-group',
    title: 'the version list of the group holds exactly the upload',
    requires: ['upload'],
    async run(ctx) {
      const list = await ctx.client.universal.listVersions(ctx.feed, {
        group: ctx.group,
        name: PACKAGE_NAME,
      });
      equal(
        list.map((v) => `${v.group}/${v.name}@${v.version}`).join(','),
        `${ctx.group}/${PACKAGE_NAME}@${V1}`,
        'versions',
      );
    },
  },
  {
    id: 'package-entry',
    title: 'the package entry names the upload as latest',
    requires: ['upload'],
    async run(ctx) {
      const p = await ctx.client.universal.getPackage(ctx.feed, { group: ctx.group, name: PACKAGE_NAME });
      equal(p?.latestVersion, V1, 'latestVersion');
    },
  },
  {
    id: 'packages-api-hash',
    title: 'the Packages API reports the SHA-1 of the upload',
    requires: ['upload'],
    async run(ctx) {
      packagesApi(ctx);
      const list = await ctx.client.packages.versions(ctx.feed, { group: ctx.group, name: PACKAGE_NAME });
      const info = list.find((i) => i.version === V1);
      expect(info, 'the Packages API does not list the upload');
      if (!info.sha1) skip('the server reports no sha1 for the version');
      equal(info.sha1.toLowerCase(), built(ctx, V1).sha1, 'sha1');
    },
  },
  {
    id: 'download-verified',
    title: 'the download has the SHA-1 and size of the upload',
    requires: ['upload'],
    async run(ctx) {
      const pkg = built(ctx, V1);
      const result = await ctx.client.universal.download(
        ctx.feed,
        id(ctx, V1),
        join(ctx.workDir, 'down-1.upack'),
        {
          expect: { sha1: pkg.sha1, size: pkg.size },
        },
      );
      equal(result.sha1, pkg.sha1, 'sha1');
    },
  },
  {
    id: 'packages-download',
    title: 'the Packages API download has the SHA-256 of the upload',
    requires: ['upload'],
    async run(ctx) {
      packagesApi(ctx);
      const pkg = built(ctx, V1);
      const result = await ctx.client.packages.download(
        ctx.feed,
        id(ctx, V1),
        join(ctx.workDir, 'down-2.upack'),
        {
          expect: { sha256: pkg.sha256 },
        },
      );
      equal(result.size, pkg.size, 'size');
    },
  },
  {
    id: 'integrity-refused',
    title: 'a download that does not match the expected hash fails and leaves no file',
    requires: ['upload'],
    async run(ctx) {
      const dest = join(ctx.workDir, 'mismatch.upack');
      const error = await rejectsWith(
        ctx.client.universal.download(ctx.feed, id(ctx, V1), dest, { expect: { sha1: '0'.repeat(40) } }),
        ['invalid-response'],
        'download with a wrong sha1',
      );
      expect(
        /do not match/.test((error as Error).message),
        `not a hash mismatch: ${(error as Error).message}`,
      );
      expect(!existsSync(dest), 'the mismatching file was left behind');
      const leftovers = (await readdir(ctx.workDir)).filter((n) => n.startsWith('mismatch'));
      equal(leftovers.length, 0, 'temporary files left');
    },
  },
  {
    id: 'download-file',
    title: 'one file of the package downloads with its content',
    requires: ['upload'],
    async run(ctx) {
      const dest = join(ctx.workDir, 'hello.txt');
      await ctx.client.universal.downloadFile(ctx.feed, id(ctx, V1), 'package/hello.txt', dest);
      equal(await readFile(dest, 'utf8'), HELLO, 'package/hello.txt');
    },
  },
  {
    id: 'open-manifest',
    title: 'upack.json streams back with the manifest sent',
    requires: ['upload'],
    async run(ctx) {
      const stream = await ctx.client.universal.openFile(ctx.feed, id(ctx, V1), 'upack.json');
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
      const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      equal(manifest.name, PACKAGE_NAME, 'name');
      equal(manifest.group, ctx.group, 'group');
      equal(manifest.version, V1, 'version');
    },
  },
  {
    id: 'file-list-upload',
    title: 'the file list of the upload names its files',
    requires: ['upload'],
    async run(ctx) {
      const v = await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1), { includeFileList: true });
      const names = (v?.fileList ?? []).map((f) => f.name).sort();
      expect(
        names.includes('hello.txt') && names.includes('docs/version.txt'),
        `file list ${JSON.stringify(names)}`,
      );
    },
  },
  {
    id: 'reupload',
    title: 'uploading the same version again is replaced or refused clearly',
    requires: ['upload'],
    async run(ctx) {
      try {
        await ctx.client.universal.upload(ctx.feed, built(ctx, V1).path);
      } catch (e) {
        if (isProGetError(e, 'forbidden') || isProGetError(e, 'bad-request') || isProGetError(e, 'conflict'))
          return;
        throw e;
      }
      const v = await ctx.client.universal.getVersion(ctx.feed, id(ctx, V1));
      expect(v, 'the version vanished after being replaced');
    },
  },
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
