// What a real ProGet does with manifests, followed by core and the simulator alike: custom properties without
// the `_` prefix are stored and listed (api-notes §8), and `.` / `..` are never a name or a group segment.

import { readPackage, validateGroup, validateManifest, validatePackageName } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../sim/index.js';
import { raw, upack, zipBuffer } from '../sim/testing.js';
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

describe("'.' and '..' as a name or a group segment", () => {
  it.each([
    [{ name: '.' }, 'name "." is not allowed'],
    [{ name: '..' }, 'name ".." is not allowed'],
    [{ group: '..' }, `group ".." must not have a '.' or '..' segment`],
    [{ group: 'acme/./tools' }, `group "acme/./tools" must not have a '.' or '..' segment`],
    [{ group: 'acme/..' }, `group "acme/.." must not have a '.' or '..' segment`],
    [{ dependencies: ['acme/..'] }, 'the name ".." is not allowed'],
  ])('core refuses %j', (extra, expected) => {
    const problems = validateManifest({ name: 'ok', version: '1.0.0', ...extra });
    expect(problems).toEqual([expect.stringContaining(expected)]);
    expect(problems[0]).toContain(`mean "this" and "parent" in paths and URLs`);
  });

  it('core still accepts dots inside names and segments, and a tag "."', () => {
    expect(validateManifest({ name: '...', version: '1.0.0', group: 'a.b/.c/d..', tags: ['.'] })).toEqual([]);
    expect(validatePackageName('.hidden')).toBeUndefined();
    expect(validateGroup('a/..b')).toBeUndefined();
  });

  it.each([
    [{ name: '..', version: '1.0.0' }, 'Invalid package name "..": "." and ".." are not names.'],
    [{ name: '.', version: '1.0.0' }, 'Invalid package name ".": "." and ".." are not names.'],
    [
      { name: 'x', version: '1.0.0', group: 'acme/..' },
      'Invalid package group "acme/..": "." and ".." are not group segments.',
    ],
    [
      { name: 'x', version: '1.0.0', group: './acme' },
      'Invalid package group "./acme": "." and ".." are not group segments.',
    ],
  ])('the simulator refuses the upload of %j', async (m, reason) => {
    const up = await raw(sim.url, 'PUT', `/upack/${FEED}/upload`, { headers: ZIP, body: await upack(m) });
    expect(up.status).toBe(400);
    expect(up.text).toContain(reason);
  });

  it('the simulator refuses a upack.json nested 300,000 levels deep', async () => {
    const deep = `{"name":"deep","version":"1.0.0","x":${'['.repeat(300_000)}${']'.repeat(300_000)}}`;
    const body = await zipBuffer([
      { name: 'upack.json', data: deep },
      { name: 'package/a.txt', data: 'a' },
    ]);
    const up = await raw(sim.url, 'PUT', `/upack/${FEED}/upload`, { headers: ZIP, body });
    expect(up.status).toBe(400);
    expect(up.text).toContain('upack.json nests objects and arrays more than 64 levels deep.');
  });
});
