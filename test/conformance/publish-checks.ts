// Write checks, part one: build, upload, and read the upload back every way the client can.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProGetError } from '@proget-ci/core';
import { equal, expect, rejectsWith, skip, skipIfForbidden } from './assert.js';
import type { Check } from './types.js';
import { build, built, HELLO, id, own, PACKAGE_NAME, packagesApi, V1 } from './write-support.js';

export const publishChecks: Check[] = [
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
];
