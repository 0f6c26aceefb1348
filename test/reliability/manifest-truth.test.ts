// What a real ProGet does with manifests, followed by core and the simulator alike: custom properties without
// the `_` prefix are stored and listed (api-notes §8), and `.` / `..` are never a name or a group segment.

import { readPackage } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../sim/index.js';
import { raw, upack } from '../sim/testing.js';
import { ADMIN_KEY, FEED, type Scratch, scratch, startRelSim } from './helpers.js';

const KEY = { 'X-ApiKey': ADMIN_KEY };
const ZIP = { ...KEY, 'Content-Type': 'application/zip' };

let sim: SimulatorHandle;
let dir: Scratch;
beforeAll(async () => {
  sim = await startRelSim();
  dir = await scratch('manifest-truth');
});
afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

describe('custom manifest properties without the _ prefix', () => {
  const manifest = { name: 'custom-props', version: '1.0.0', author: 'Ann', license: { spdx: 'MIT' } };

  it('core reads them as part of the manifest and warns, recommending _', async () => {
    const file = await dir.file('custom.upack', await upack({ ...manifest, _commit: 'abc' }));
    const pkg = await readPackage(file);
    expect(pkg.manifestProblems).toEqual([]);
    expect(pkg.manifest).toMatchObject({ author: 'Ann', license: { spdx: 'MIT' }, _commit: 'abc' });
    expect(pkg.manifestWarnings).toEqual([
      expect.stringMatching(/^property "author" is not a standard manifest field; .*\(e\.g\. "_author"\)/),
      expect.stringMatching(/^property "license" is not a standard manifest field; .*\(e\.g\. "_license"\)/),
    ]);
  });

  it('the simulator stores them and lists them like _ properties', async () => {
    const body = await upack({ ...manifest, _commit: 'abc' });
    const up = await raw(sim.url, 'PUT', `/upack/${FEED}/upload`, { headers: ZIP, body });
    expect(up.status, up.text).toBe(201);

    const version = await raw(sim.url, 'GET', `/upack/${FEED}/versions?name=custom-props&version=1.0.0`, {
      headers: KEY,
    });
    expect(version.status).toBe(200);
    expect(version.json()).toMatchObject({ author: 'Ann', license: { spdx: 'MIT' }, _commit: 'abc' });

    const pkg = await raw(sim.url, 'GET', `/upack/${FEED}/packages?name=custom-props`, { headers: KEY });
    expect(pkg.json()).toMatchObject({ latestVersion: '1.0.0', author: 'Ann', _commit: 'abc' });
  });
});
