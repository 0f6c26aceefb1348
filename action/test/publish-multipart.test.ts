// publish with asset-directory, against the simulator (an asset directory, part faults, the request log):
// which method went out, that the feed holds our bytes, what the step logged, output and summary.

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';
import type { ArtifactUploader } from '../src/publish/artifact.js';
import { type PublishOptions, publish } from '../src/publish/publish.js';
import { publishStep } from '../src/publish/step.js';
import type { StepEnvironment } from '../src/shared/environment.js';
import { StepError } from '../src/shared/errors.js';
import { runStep } from '../src/shared/run-step.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';
import { MemoryLogger, removeTempDirs, tempDir, writeFiles } from './helpers/nock.js';

const DIR = 'big-assets';
const PART = 4096;
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

let sim: SimulatorHandle;
let source: string;
let temp: string;
let logger: MemoryLogger;

beforeEach(async () => {
  sim = await startSimulator({
    seed: 'demo',
    feeds: [{ name: DIR, feedType: 'asset' }],
    // May add to the feed and the asset directory, but not replace a version.
    apiKeys: [
      {
        key: 'adder',
        privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage', 'Feeds_AddPackage', 'Feeds_DeletePackage'],
      },
    ],
  });
  source = await tempDir('publish-mp-src-');
  temp = await tempDir('publish-mp-tmp-');
  logger = new MemoryLogger();
  // Random bytes do not compress: the package is about ten parts of PART bytes.
  await writeFiles(source, { 'data.bin': randomBytes(40_000).toString('base64'), 'README.md': '# big\n' });
});
afterEach(async () => {
  await sim.close();
  await removeTempDirs();
});

const client = (apiKey = 'demo-admin-key') => new ProGetClient({ url: sim.url, apiKey, retries: 0 });

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    feed: 'dev-feed',
    path: source,
    overrides: { group: 'apps', name: 'web', version: '1.2.3' },
    provenance: { createdBy: 'octocat' },
    include: [],
    exclude: [],
    ifExists: 'fail',
    dryRun: false,
    verify: true,
    tempDir: temp,
    logger,
    assetDirectory: DIR,
    multipartThreshold: 1024,
    partSizeBytes: PART,
    ...overrides,
  };
}

const log = () => sim.requests().map((r) => `${r.method} ${r.url.split('?')[0]}`);
const partIndexes = () =>
  sim
    .requests()
    .filter((r) => r.url.includes('multipart=upload'))
    .map((r) => Number(new URL(r.url, sim.url).searchParams.get('index')));

/** What the feed serves for apps/web 1.2.3, and its SHA-1. */
async function stored(): Promise<string> {
  const out = join(temp, `stored-${Date.now()}.upack`);
  await client().universal.download('dev-feed', { group: 'apps', name: 'web', version: '1.2.3' }, out);
  return sha1(await readFile(out));
}

describe('publish with asset-directory', () => {
  it('sends a package above the threshold in parts, imports it and lands with its SHA-1; no second check', async () => {
    const result = await publish(client(), options());
    const parts = Math.ceil(result.size! / PART);
    expect(parts).toBeGreaterThan(5);
    expect(result.upload).toEqual({
      method: 'multipart',
      reason: `${result.size} bytes is above the 1024-byte threshold`,
      assetDirectory: DIR,
      parts,
      partRequests: parts,
    });
    expect(result.verifiedBy).toBe('import-check');
    expect(partIndexes()).toEqual([...Array(parts).keys()]);
    const requests = log();
    expect(requests.filter((r) => r.startsWith('PUT '))).toEqual([]);
    expect(requests).toContain('POST /upack/dev-feed/import');
    // Core checked the feed's SHA-1 once after the import; the step neither asked again nor downloaded.
    const afterImport = requests.slice(requests.indexOf('POST /upack/dev-feed/import') + 1);
    expect(afterImport.filter((r) => r.includes('/versions'))).toHaveLength(1);
    expect(afterImport.filter((r) => r.includes('/download/'))).toEqual([]);
    expect(logger.lines).toContainEqual(
      `info: Upload method: multipart through asset directory "${DIR}", because ${result.size} bytes is above the 1024-byte threshold: ${parts} parts, then imported into dev-feed; dev-feed reports SHA-1 ${result.sha1}.`,
    );
    expect(await client().assets.list(DIR)).toEqual([]);
    expect(await stored()).toBe(result.sha1);
  });

  it('uses the plain PUT at or below the threshold, saying why, and verifies as before', async () => {
    const result = await publish(client(), options({ multipartThreshold: 10 * 1024 * 1024 }));
    expect(result.upload).toMatchObject({ method: 'put' });
    expect(result.upload!.reason).toContain(`${result.size} bytes is not above the`);
    expect(result.verifiedBy).toBe('packages-api');
    expect(partIndexes()).toEqual([]);
    expect(log().filter((r) => r.startsWith('PUT '))).toEqual(['PUT /upack/dev-feed/upload']);
    expect(logger.lines.filter((l) => l.startsWith('info: Upload method: PUT, because'))).toHaveLength(1);
    expect(await stored()).toBe(result.sha1);
  });

  it('falls back to the PUT when the server has no such asset directory, and logs the reason', async () => {
    const result = await publish(client(), options({ assetDirectory: 'no-such-dir' }));
    expect(result.upload).toMatchObject({ method: 'put' });
    expect(logger.lines).toContainEqual(
      'info: Upload method: PUT, because asset directory "no-such-dir" was not found (HTTP 404).',
    );
    expect(partIndexes()).toEqual([]);
    expect(await stored()).toBe(result.sha1);
  });

  it('retries a part the server refused once (503), warning with the part, and succeeds', async () => {
    sim.setAssetFaults([{ type: 'status', index: 2, status: 503, times: 1 }]);
    const result = await publish(client(), options());
    const parts = Math.ceil(result.size! / PART);
    expect(result.upload).toMatchObject({ method: 'multipart', parts, partRequests: parts + 1 });
    expect(partIndexes()).toEqual([0, 1, 2, ...[...Array(parts - 2).keys()].map((i) => i + 2)]);
    const warnings = logger.lines.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: Part 3 \(index 2\) of apps\/web 1\.2\.3 failed on attempt 1 \(.*503.*\); sending that part again\.$/,
    );
    expect(logger.lines.some((l) => l.includes(`${parts} parts (1 sent again)`))).toBe(true);
    expect(await stored()).toBe(result.sha1);
  });

  it('verify: false adds no read-back: none after a PUT, only core’s own check after an import', async () => {
    const put = await publish(client(), options({ verify: false, multipartThreshold: 10 * 1024 * 1024 }));
    expect(put.verifiedBy).toBeUndefined();
    const afterPut = log().slice(log().indexOf('PUT /upack/dev-feed/upload') + 1);
    expect(afterPut).toEqual([]);

    const multipart = await publish(
      client(),
      options({ verify: false, overrides: { group: 'apps', name: 'web', version: '1.2.4' } }),
    );
    expect(multipart.verifiedBy).toBe('import-check');
    expect(log().filter((r) => r.includes('/download/'))).toEqual([]);
  });

  it('a server without SHA-1s (no Packages API): verify downloads it after the import; verify: false does not', async () => {
    sim.setFaults([{ method: 'GET', path: '/api/packages/', fault: { type: 'status', status: 404 } }]);
    const checked = await publish(client(), options());
    expect(checked.upload).toMatchObject({ method: 'multipart' });
    expect(checked.verifiedBy).toBe('download');
    expect(log().filter((r) => r.includes('/download/'))).toHaveLength(1);

    const unchecked = await publish(
      client(),
      options({ verify: false, overrides: { group: 'apps', name: 'web', version: '1.2.4' } }),
    );
    expect(unchecked.upload).toMatchObject({ method: 'multipart' });
    expect(unchecked.verifiedBy).toBeUndefined();
    expect(log().filter((r) => r.includes('/download/'))).toHaveLength(1);
  });

  it('an interrupted fallback PUT is sent again only after the feed shows it lacks the version', async () => {
    sim.setFaults([
      { method: 'PUT', path: '/upack/dev-feed/upload', times: 1, fault: { type: 'reset-request' } },
    ]);
    const result = await publish(client(), options({ multipartThreshold: 10 * 1024 * 1024 }));
    expect(result.upload).toMatchObject({ method: 'put' });
    expect(result.upload!.reason).toContain('not above the multipart-threshold');
    const requests = log();
    const puts = requests.flatMap((r, i) => (r === 'PUT /upack/dev-feed/upload' ? [i] : []));
    expect(puts).toHaveLength(2);
    // Between the two PUTs: the question whether the feed has the version.
    expect(requests.slice(puts[0]! + 1, puts[1]).some((r) => r.includes('/versions'))).toBe(true);
    expect(
      logger.lines.some((l) => l.startsWith('warning: The upload of apps/web 1.2.3 was interrupted')),
    ).toBe(true);
    expect(await stored()).toBe(result.sha1);
  });

  it('a failed import says what happened and that nothing is left in the asset directory', async () => {
    // The version exists and this key may not replace it: the import is refused after the upload.
    await publish(client(), options({ assetDirectory: undefined }));
    const before = await stored();
    const error = await publish(client('adder'), options({ ifExists: 'overwrite' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StepError);
    const message = (error as Error).message;
    expect(message).toContain(
      `apps/web 1.2.3 reached asset directory "${DIR}" in full, but importing it into dev-feed failed:`,
    );
    expect(message).toContain('403');
    expect(message).toMatch(
      /The uploaded copy \(web-1\.2\.3\.[0-9a-f]{8}\.upack\) was deleted from asset directory "[^"]+": nothing is left behind\./,
    );
    expect(message).toContain('Feeds_OverwritePackage');
    expect(message).toContain('leave asset-directory empty');
    expect(await client().assets.list(DIR)).toEqual([]);
    expect(await stored()).toBe(before);
  });
});

describe('publish step with asset-directory', () => {
  function environment(io: FakeIo, workspace: string): StepEnvironment {
    return {
      io,
      context: { ...fakeContext({}, workspace), tempDir: temp },
      now: () => new Date('2026-11-22T03:00:00.000Z'),
      createClient: () => client(),
    };
  }
  const noArtifacts: ArtifactUploader = { upload: async () => ({ skipped: 'not used' }) };
  const stepInputs = () => ({
    server: sim.url,
    'api-key': 'demo-admin-key',
    feed: 'dev-feed',
    path: source,
    group: 'apps',
    name: 'web',
    version: '1.2.3',
    'asset-directory': DIR,
  });

  it('sets upload-method and names the method and parts in the summary', async () => {
    const io = new FakeIo({ ...stepInputs(), 'multipart-threshold': '1KiB' });
    await runStep(io, () => publishStep(environment(io, source), noArtifacts));
    expect(io.failed).toBeUndefined();
    // The default part size (32 MiB) holds the whole package: one part.
    expect(io.outputs['upload-method']).toBe('multipart');
    expect(io.summary).toContain(
      `| Upload | multipart: 1 part, through asset directory <code>${DIR}</code>, then imported |`,
    );
    expect(io.summary).toContain('| Verified | SHA-1 and size reported by ProGet after the import match |');
    expect(await stored()).toBe(io.outputs.sha1);
  });

  it('upload-method is empty when nothing was uploaded (dry run, existing version skipped)', async () => {
    const inputs = { ...stepInputs(), 'multipart-threshold': '0' };
    const dry = new FakeIo({ ...inputs, 'dry-run': 'true' });
    await runStep(dry, () => publishStep(environment(dry, source), noArtifacts));
    expect(dry.failed).toBeUndefined();
    expect(dry.outputs['upload-method']).toBe('');
    expect(dry.summary).not.toContain('| Upload |');

    await publish(client(), options({ assetDirectory: undefined }));
    const skip = new FakeIo({ ...inputs, 'if-exists': 'skip' });
    await runStep(skip, () => publishStep(environment(skip, source), noArtifacts));
    expect(skip.failed).toBeUndefined();
    expect(skip.outputs).toMatchObject({ skipped: 'true', 'upload-method': '' });
    expect(partIndexes()).toEqual([]);
  });

  it('a bad multipart-threshold fails the step naming the input, before any request', async () => {
    const io = new FakeIo({
      server: sim.url,
      'api-key': 'demo-admin-key',
      feed: 'dev-feed',
      path: source,
      name: 'web',
      version: '1.2.3',
      'asset-directory': DIR,
      'multipart-threshold': '10 gigs',
    });
    await runStep(io, () => publishStep(environment(io, source), noArtifacts));
    expect(io.failed).toContain('"multipart-threshold" must be a size such as 512MiB');
    expect(sim.requests()).toEqual([]);
  });
});
