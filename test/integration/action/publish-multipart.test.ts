// The bundled publish step the runner's way (`node action/dist/publish.js`, INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY) with asset-directory and a tiny multipart-threshold, against the simulator.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-publish-key';

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({
    seed: 'demo',
    feeds: [{ name: 'big-assets', feedType: 'asset' }],
    assets: { partFaults: [{ type: 'status', index: 0, status: 503, times: 1 }] },
  });
});
afterAll(async () => {
  await sim?.close();
});

describe('publish bundle with asset-directory', () => {
  it('sends the package in parts, retries the refused part, and reports the method', async () => {
    const workspace = join(sim.dataDir, 'ws-multipart');
    await mkdir(join(workspace, 'app'), { recursive: true });
    await writeFile(join(workspace, 'app', 'data.bin'), randomBytes(8192));
    const run = await runAction('publish', {
      inputs: {
        server: sim.url,
        'api-key': KEY,
        feed: 'dev-feed',
        path: 'app',
        group: 'it/big',
        name: 'blob',
        version: '2.0.0',
        'asset-directory': 'big-assets',
        'multipart-threshold': '1KiB',
      },
      workspace,
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'upload-method': 'multipart', skipped: 'false' });
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toMatch(
      /^Part 1 \(index 0\) of it\/big\/blob 2\.0\.0 failed on attempt 1 \(.*503/,
    );
    expect(run.stdout).toContain('Upload method: multipart through asset directory "big-assets", because');
    expect(run.summary).toContain(
      '| Upload | multipart: 1 part, 1 sent again, through asset directory <code>big-assets</code>, then imported |',
    );
    expect(run.summary).toContain('| Verified | SHA-1 and size reported by ProGet after the import match |');
    expectSecretsKept(run, [KEY], sim);
    expectNoStackTrace(run);

    const requests = sim.requests().map((r) => `${r.method} ${r.url.split('?')[0]}`);
    expect(requests.filter((r) => r.startsWith('PUT '))).toEqual([]);
    expect(requests).toContain('POST /upack/dev-feed/import');
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const out = join(sim.dataDir, 'blob.upack');
    await client.universal.download('dev-feed', { group: 'it/big', name: 'blob', version: '2.0.0' }, out);
    expect(
      createHash('sha1')
        .update(await readFile(out))
        .digest('hex'),
    ).toBe(run.outputs.sha1);
  });
});
