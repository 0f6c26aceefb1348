// @proget-ci/core as a library someone outside this workspace installs: `pnpm pack` in core/ (which builds
// dist/ first), `npm install` of the tarball into a scratch project, then plain Node ESM imports it, builds a
// package with buildPackage and publishes and reads it back through ProGetClient against the simulator.
// The set of runtime exports is pinned here, for the workspace source and the installed build alike, so an
// export added or removed by accident fails; change EXPORTS together with core/README.md.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as core from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';

// Asynchronous: the simulator answers from this process's event loop while the consumer runs.
const run = promisify(execFile);
const CORE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core');

/** Every runtime export of core/src/index.ts, each documented in core/README.md. */
const EXPORTS = [
  'CONNECTOR_HEALTH_REMOVED',
  'DEFAULTS',
  'DEFAULT_COMPRESSION_LEVEL',
  'DEFAULT_EXTRACT_LIMITS',
  'FIXED_ENTRY_DATE',
  'HashingStream',
  'PROGET_CI_VERSION',
  'PackageFormatError',
  'ProGetClient',
  'ProGetError',
  'ScaRateLimitError',
  'ValidationError',
  'assertValidManifest',
  'buildPackage',
  'checkServerUrl',
  'compareVersions',
  'connectorPageUrl',
  'deploymentBody',
  'describePackage',
  'errorSummary',
  'extractPackage',
  'feedPageUrl',
  'findPromotion',
  'hashFile',
  'holdYoungGeneration',
  'isPrerelease',
  'isProGetError',
  'isVersionSelector',
  'latestVersion',
  'normalizeFeedType',
  'openEntryStream',
  'packagePageUrl',
  'parseContentDisposition',
  'parseVersion',
  'readManifest',
  'readPackage',
  'redactUrl',
  'resolveLatest',
  'serializeManifest',
  'sortVersions',
  'universalDownloadUrl',
  'validateDependency',
  'validateGroup',
  'validateManifest',
  'validatePackageName',
  'validateTag',
  'validateVersion',
  'versionPageUrl',
  'versionProblem',
  'MAX_MANIFEST_DEPTH',
  'OVERWRITE_MESSAGE',
  'checkManifest',
  'describeServer',
  'doctor',
  'healthFromText',
  'jsonDepthProblem',
  'manifestWarnings',
  'mayIgnoreMissingGroup',
  'parseEdition',
  'parseProGetVersion',
  'parseServerVersion',
  'renderDoctorReport',
].sort();

// What the installed package runs: plain Node ESM, no TypeScript, no workspace.
const CONSUMER = `
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@proget-ci/core';
import { buildPackage, isProGetError, ProGetClient } from '@proget-ci/core';

const [url, apiKey, work] = process.argv.slice(2);
const content = join(work, 'content');
await mkdir(join(content, 'bin'), { recursive: true });
await writeFile(join(content, 'bin', 'hello.txt'), 'hello from a packed core\\n');
const built = await buildPackage({
  sourceDir: content,
  manifest: { group: 'packed', name: 'from-tarball', version: '1.2.3' },
  outFile: join(work, 'from-tarball.upack'),
});
const client = new ProGetClient({ url, apiKey, retries: 0 });
const uploaded = await client.universal.upload('dev-feed', built.path);
const found = await client.universal.getPackage('dev-feed', { group: 'packed', name: 'from-tarball' });
let missing;
try {
  await client.feeds.get('no-such-feed');
} catch (e) {
  missing = { isProGetError: isProGetError(e), status: e.status };
}
console.log(JSON.stringify({
  exports: Object.keys(core).sort(),
  resolved: import.meta.resolve('@proget-ci/core'),
  built: { fileCount: built.fileCount, sha256: built.sha256 },
  uploaded: { sha256: uploaded.sha256 },
  versions: found?.versions,
  missing,
}));
`;

let sim: SimulatorHandle;
let scratch: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo' });
  scratch = await mkdtemp(join(tmpdir(), 'proget-ci-core-package-'));
});
afterAll(async () => {
  await sim?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('@proget-ci/core public surface', () => {
  it('exports exactly the documented names from its source', () => {
    expect(Object.keys(core).sort()).toEqual(EXPORTS);
  });

  it('documents every export in core/README.md', async () => {
    const readme = await readFile(join(CORE_DIR, 'README.md'), 'utf8');
    // Named in code, as `name` or `name(…)`.
    expect(EXPORTS.filter((name) => !new RegExp(`\`${name}[\`(]`).test(readme))).toEqual([]);
  });
});

describe('@proget-ci/core as a packed tarball', () => {
  it('installs outside the workspace, imports from plain Node ESM and talks to ProGet', async () => {
    const packs = join(scratch, 'packs');
    await run('pnpm', ['pack', '--pack-destination', packs], { cwd: CORE_DIR, timeout: 180_000 });
    const [tarball, ...others] = await readdir(packs);
    expect(others).toEqual([]);
    expect(tarball).toMatch(/^proget-ci-core-\d+\.\d+\.\d+\.tgz$/);

    const project = join(scratch, 'consumer');
    await mkdir(project, { recursive: true });
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await writeFile(join(project, 'main.mjs'), CONSUMER);
    await run('npm', ['install', join(packs, tarball!), '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: project,
      timeout: 180_000,
    });

    // What was installed is the build, not the workspace's TypeScript.
    const installed = join(project, 'node_modules', '@proget-ci', 'core');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(JSON.stringify(manifest.exports)).not.toContain('src/');
    expect(manifest.types).toBe('./dist/index.d.ts');
    const files = await readdir(installed, { recursive: true });
    expect(files).toContain(join('dist', 'index.js'));
    expect(files).toContain(join('dist', 'index.d.ts'));
    expect(files).toContain('README.md');
    expect(
      files.filter(
        (f) => f.startsWith('src') || f.startsWith('test') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      ),
    ).toEqual([]);

    const { stdout: out } = await run(process.execPath, ['main.mjs', sim.url, 'demo-publish-key', scratch], {
      cwd: project,
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.exports).toEqual(EXPORTS);
    expect(result.resolved).toBe(`file://${join(installed, 'dist', 'index.js')}`);
    expect(result.built.fileCount).toBe(1);
    expect(result.built.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.uploaded.sha256).toBe(result.built.sha256);
    expect(result.versions).toEqual(['1.2.3']);
    expect(result.missing).toEqual({ isProGetError: true, status: 404 });
  }, 300_000);
});
