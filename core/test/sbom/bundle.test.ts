// The SBOM module as the actions ship it: one esbuild ESM bundle (the settings of action/build.mjs plus
// SBOM_BUNDLE_EXTERNALS), run by plain Node on the fixtures.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SBOM_BUNDLE_EXTERNALS } from '../../src/sbom/index.js';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const sbomModule = fileURLToPath(new URL('../../src/sbom/index.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proget-ci-sbom-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENTRY = `
import { generateSbom, originOf, readSbom, serializeSbom } from ${JSON.stringify(sbomModule)};
const [fixtures] = process.argv.slice(2);
const generated = await generateSbom({ workspace: fixtures + '/lockfiles' });
const read = await readSbom([fixtures + '/cyclonedx/cdxgen-1.6.xml', fixtures + '/cyclonedx/cyclonedx-npm-1.5.json']);
console.log(JSON.stringify({
  kinds: [...new Set(generated.lockfiles.map((l) => l.kind))].sort(),
  specVersion: JSON.parse(serializeSbom(generated)).specVersion,
  origin: originOf(generated, 'pkg:npm/typescript@5.4.5'),
  read: read.components.length,
}));
`;

it('bundles with esbuild to ESM and runs under Node', async () => {
  const entry = join(dir, 'entry.mjs');
  await writeFile(entry, ENTRY);
  const outfile = join(dir, 'out.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source', 'module'],
    external: [...SBOM_BUNDLE_EXTERNALS],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  // Run from the scratch folder, where no node_modules can stand in for what the bundle lacks.
  const { stdout } = await run(process.execPath, [outfile, fixtures.replace(/\/$/, '')], {
    cwd: dir,
    timeout: 60_000,
  });
  expect(JSON.parse(stdout)).toEqual({
    kinds: ['npm', 'nuget', 'pip', 'pnpm', 'poetry', 'yarn'],
    specVersion: '1.6',
    origin: { file: 'yarn-berry/yarn.lock', line: 24 },
    read: 5,
  });
}, 120_000);
