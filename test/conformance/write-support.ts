// What the write checks share: the test package, its versions, and the ledger of what a run stored.
// Every package lives in `proget-ci-conformance/<run-id>` and is recorded in `ctx.owned` the moment it
// may exist, so the cleanup deletes it whatever happens in the checks.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuiltPackage, buildPackage } from '@proget-ci/core';
import { skip } from './assert.js';
import type { CheckContext } from './types.js';

export const PACKAGE_NAME = 'conformance-pkg';
export const V1 = '1.0.0';
export const RC = '1.1.0-rc.1';
export const V2 = '1.2.0';
export const HELLO = 'hello from proget-ci conformance\n';

export const id = (ctx: CheckContext, version: string) => ({ group: ctx.group, name: PACKAGE_NAME, version });

export async function build(ctx: CheckContext, version: string): Promise<BuiltPackage> {
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

export function own(ctx: CheckContext, feed: string, version: string): void {
  if (!ctx.owned.some((o) => o.feed === feed && o.version === version))
    ctx.owned.push({ feed, group: ctx.group, name: PACKAGE_NAME, version });
}

export const built = (ctx: CheckContext, version: string) =>
  ctx.state.get(`built:${version}`) as BuiltPackage;

export const packagesApi = (ctx: CheckContext) => {
  if (ctx.features['packages-api'] === 'not-supported') skip('the server has no Packages API (ProGet 2023+)');
};

export const promotable = (ctx: CheckContext) => {
  if (!ctx.targetFeed) skip('no --target-feed given');
  if (ctx.edition?.toLowerCase() === 'free') skip('ProGet Free does not promote through the API');
  if (ctx.features.promotions === 'not-supported') skip('the server has no promotions API');
};
