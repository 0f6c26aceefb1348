// Asset directories (sca-api-notes §7): the multipart protocol as the docs and pgutil send it, its 400s, the
// part faults, and `POST /upack/{feed}/import` from an asset directory.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { Store } from '../store.js';
import { ADMIN, PUBLISH, raw, upack, VIEW, zipBuffer } from '../testing.js';

type Obj = Record<string, unknown>;

let sim: SimulatorHandle;
beforeEach(async () => {
  sim = await startSimulator({
    seed: 'demo',
    feeds: [{ name: 'big-assets', feedType: 'asset' }],
  });
});
afterEach(() => sim.close());

const base = '/endpoints/big-assets/content';

/** pgutil's URL shape: id first, partSize = this part's size, offset = index * nominal part size. */
function partUrl(path: string, id: string, index: number, total: number, nominal: number) {
  const totalParts = Math.ceil(total / nominal);
  const size = index === totalParts - 1 ? total - index * nominal : nominal;
  return {
    url: `${base}/${path}?id=${id}&multipart=upload&index=${index}&offset=${index * nominal}&totalSize=${total}&partSize=${size}&totalParts=${totalParts}`,
    start: index * nominal,
    size,
  };
}

async function sendParts(path: string, id: string, bytes: Buffer, nominal: number, order?: number[]) {
  const totalParts = Math.ceil(bytes.length / nominal);
  for (const i of order ?? [...Array(totalParts).keys()]) {
    const p = partUrl(path, id, i, bytes.length, nominal);
    const r = await raw(sim.url, 'POST', p.url, {
      headers: ADMIN,
      body: bytes.subarray(p.start, p.start + p.size),
    });
    expect(r.status, r.text).toBe(200);
  }
}

describe('asset multipart upload', () => {
  it('assembles parts sent out of order; the file is invisible until complete', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    await sendParts('a/b/file.bin', 'abc123', bytes, 1024, [3, 0, 4, 2, 1]);
    const before = await raw(sim.url, 'GET', `${base}/a/b/file.bin`, { headers: ADMIN });
    expect(before.status).toBe(404);
    expect(sim.assetUploads()).toEqual([
      {
        directory: 'big-assets',
        path: 'a/b/file.bin',
        id: 'abc123',
        totalParts: 5,
        receivedParts: [0, 1, 2, 3, 4],
      },
    ]);
    const done = await raw(sim.url, 'POST', `${base}/a/b/file.bin?id=abc123&multipart=complete`, {
      headers: { ...ADMIN, 'Content-Length': 0 },
    });
    expect(done.status).toBe(200);
    const after = await raw(sim.url, 'GET', `${base}/a/b/file.bin`, { headers: ADMIN });
    expect(after.status).toBe(200);
    expect(after.body.equals(bytes)).toBe(true);
    expect(sim.assetUploads()).toEqual([]);
    const list = await raw(sim.url, 'GET', '/endpoints/big-assets/dir/a/b?recursive=false)', {
      headers: VIEW,
    });
    expect(list.status).toBe(200);
    expect(list.json<Obj[]>()).toEqual([
      expect.objectContaining({ name: 'file.bin', parent: 'a/b', size: 5000 }),
    ]);
  });

  it('complete with a part missing is a 400 naming the part, and nothing is published', async () => {
    const bytes = Buffer.alloc(3000, 7);
    await sendParts('x.bin', 'm1', bytes, 1024, [0, 2]);
    const r = await raw(sim.url, 'POST', `${base}/x.bin?multipart=complete&id=m1`, { headers: ADMIN });
    expect(r.status).toBe(400);
    expect(r.text).toContain('missing part(s) 1 of 3');
    expect((await raw(sim.url, 'GET', `${base}/x.bin`, { headers: ADMIN })).status).toBe(404);
  });

  it('400s for out-of-range index/offset, size mismatch, overlaps and missing arguments', async () => {
    const body = Buffer.alloc(100);
    const post = (q: string, b = body) =>
      raw(sim.url, 'POST', `${base}/f.bin?${q}`, { headers: ADMIN, body: b });
    const all = 'multipart=upload&id=u1&totalSize=300&totalParts=3';
    expect((await post(`${all}&index=3&offset=0&partSize=100`)).status).toBe(400);
    expect((await post(`${all}&index=2&offset=250&partSize=100`)).status).toBe(400);
    expect((await post(`${all}&index=0&offset=0&partSize=99`)).text).toContain('partSize 99');
    expect((await post('multipart=upload&id=u1&index=0&offset=0&partSize=100&totalParts=3')).text).toContain(
      '"totalSize" argument is required',
    );
    expect((await post(`${all}&index=0&offset=0&partSize=100`)).status).toBe(200);
    const overlap = await post(`${all}&index=1&offset=50&partSize=100`);
    expect(overlap.status).toBe(400);
    expect(overlap.text).toContain('overlaps part 0');
    const mismatch = await post(
      'multipart=upload&id=u1&totalSize=400&totalParts=4&index=1&offset=100&partSize=100',
    );
    expect(mismatch.status).toBe(400);
    // The same part again replaces it by default (UNVERIFIED; `repeatedPart: 'reject'` makes it a 400).
    expect((await post(`${all}&index=0&offset=0&partSize=100`)).status).toBe(200);
  });

  it('repeatedPart "reject" refuses a part index already received', async () => {
    await sim.close();
    sim = await startSimulator({
      seed: 'demo',
      feeds: [{ name: 'big-assets', feedType: 'asset' }],
      assets: { repeatedPart: 'reject' },
    });
    const q = 'multipart=upload&id=r1&totalSize=200&totalParts=2&index=0&offset=0&partSize=100';
    const once = await raw(sim.url, 'POST', `${base}/f.bin?${q}`, {
      headers: ADMIN,
      body: Buffer.alloc(100),
    });
    expect(once.status).toBe(200);
    const twice = await raw(sim.url, 'POST', `${base}/f.bin?${q}`, {
      headers: ADMIN,
      body: Buffer.alloc(100),
    });
    expect(twice.status).toBe(400);
  });

  it('answers 401 (not 403) to a key without the privilege, 404 for an unknown directory', async () => {
    const q = 'multipart=upload&id=z&totalSize=10&totalParts=1&index=0&offset=0&partSize=10';
    const denied = await raw(sim.url, 'POST', `${base}/f.bin?${q}`, {
      headers: VIEW,
      body: Buffer.alloc(10),
    });
    expect(denied.status).toBe(401);
    const anon = await raw(sim.url, 'GET', '/endpoints/big-assets/dir/');
    expect(anon.status).toBe(401);
    const missing = await raw(sim.url, 'GET', '/endpoints/nope/dir/', { headers: ADMIN });
    expect(missing.status).toBe(404);
    // A feed that is not an asset directory has no /endpoints API.
    expect((await raw(sim.url, 'GET', '/endpoints/dev-feed/dir/', { headers: ADMIN })).status).toBe(404);
  });

  it('a reset fault at 50% cuts the part holding the middle byte; the part is not recorded', async () => {
    sim.setAssetFaults([{ type: 'reset', atFraction: 0.5, times: 1 }]);
    const bytes = Buffer.alloc(4096, 1);
    const p = partUrl('h.bin', 'f1', 2, bytes.length, 1024);
    await expect(
      raw(sim.url, 'POST', p.url, { headers: ADMIN, body: bytes.subarray(2048, 3072) }),
    ).rejects.toThrow();
    expect(sim.assetUploads()[0]?.receivedParts).toEqual([]);
    // `times: 1`: the same part goes through the second time.
    const again = await raw(sim.url, 'POST', p.url, { headers: ADMIN, body: bytes.subarray(2048, 3072) });
    expect(again.status).toBe(200);
  });

  it('the "Feed Cleanup" job drops orphaned parts', async () => {
    await sendParts('o.bin', 'orphan', Buffer.alloc(3000), 1024, [0, 1]);
    const folder = join(sim.dataDir, 'asset-parts', 'big-assets', 'orphan');
    expect(existsSync(folder)).toBe(true);
    expect(await sim.runAssetCleanup()).toBe(1);
    expect(existsSync(folder)).toBe(false);
    expect(sim.assetUploads()).toEqual([]);
  });

  it('PUT creates only, PATCH replaces only, POST does either; delete removes', async () => {
    const put = (m: string, body: string) => raw(sim.url, m, `${base}/s.txt`, { headers: ADMIN, body });
    expect((await put('PATCH', 'x')).status).toBe(404);
    expect((await put('PUT', 'one')).status).toBe(201);
    expect((await put('PUT', 'two')).status).toBe(400);
    expect((await put('POST', 'three')).status).toBe(201);
    expect((await raw(sim.url, 'GET', `${base}/s.txt`, { headers: ADMIN })).text).toBe('three');
    expect(
      (await raw(sim.url, 'POST', '/endpoints/big-assets/delete/s.txt', { headers: ADMIN })).status,
    ).toBe(200);
    expect((await raw(sim.url, 'GET', `${base}/s.txt`, { headers: ADMIN })).status).toBe(404);
  });
});

describe('POST /upack/{feed}/import from an asset directory', () => {
  it('imports the docs example body and moves the file out of the directory', async () => {
    const pkg = await upack({ name: 'huge', version: '1.0.0' });
    await sendParts('in/huge-1.0.0.upack', 'imp1', pkg, 1024);
    await raw(sim.url, 'POST', `${base}/in/huge-1.0.0.upack?id=imp1&multipart=complete`, { headers: ADMIN });
    const r = await raw(sim.url, 'POST', '/upack/dev-feed/import', {
      headers: { ...PUBLISH, 'Content-Type': 'application/json' },
      // Backslash separator, as the docs' bulk script sends it.
      body: JSON.stringify({ assetDirectory: 'big-assets', from: 'in\\huge-1.0.0.upack' }),
    });
    expect(r.status, r.text).toBeLessThan(300);
    const versions = await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=huge', {
      headers: VIEW,
    });
    const [v] = versions.json<Obj[]>();
    expect(v).toMatchObject({ version: '1.0.0', size: pkg.length });
    expect(v!.sha1).toBe(createHash('sha1').update(pkg).digest('hex'));
    expect((await raw(sim.url, 'GET', `${base}/in/huge-1.0.0.upack`, { headers: ADMIN })).status).toBe(404);
  });

  it('404 when the file is not in the asset directory; deleteFromSource false keeps it', async () => {
    const missing = await raw(sim.url, 'POST', '/upack/dev-feed/import', {
      headers: { ...PUBLISH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ assetDirectory: 'big-assets', from: 'nothing.upack' }),
    });
    expect(missing.status).toBe(404);
    const pkg = await upack({ name: 'kept', version: '2.0.0' });
    await raw(sim.url, 'POST', `${base}/kept.upack`, { headers: ADMIN, body: pkg });
    const r = await raw(sim.url, 'POST', '/upack/dev-feed/import', {
      headers: { ...PUBLISH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ assetDirectory: 'big-assets', from: 'kept.upack', deleteFromSource: false }),
    });
    expect(r.status).toBeLessThan(300);
    expect((await raw(sim.url, 'GET', `${base}/kept.upack`, { headers: ADMIN })).status).toBe(200);
  });
});

describe('hashes of a multipart upload', () => {
  // Uploads of 4 MiB and more hash their parts as they arrive in order (as the PUT hashes its body), and
  // the import then takes those hashes instead of reading the file again. Whatever the order and faults,
  // the feed must report the hashes of the bytes it holds.
  const MiB = 1024 * 1024;
  let pkg: Buffer;
  beforeEach(async () => {
    pkg = await zipBuffer([
      { name: 'upack.json', data: JSON.stringify({ name: 'hashed', version: '1.0.0' }) },
      { name: 'package/data.bin', data: randomBytes(6 * MiB) },
    ]);
  });
  afterEach(() => vi.restoreAllMocks());

  const digests = (b: Buffer) =>
    Object.fromEntries(
      (['md5', 'sha1', 'sha256', 'sha512'] as const).map((a) => [a, createHash(a).update(b).digest('hex')]),
    );

  async function completeAndImport(path: string, id: string) {
    const done = await raw(sim.url, 'POST', `${base}/${path}?id=${id}&multipart=complete`, {
      headers: ADMIN,
    });
    expect(done.status, done.text).toBe(200);
    return importFrom(path);
  }

  /** Imports `path` from the asset directory; the feed's record of the version. */
  async function importFrom(path: string) {
    const r = await raw(sim.url, 'POST', '/upack/dev-feed/import', {
      headers: { ...PUBLISH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ assetDirectory: 'big-assets', from: path }),
    });
    expect(r.status, r.text).toBe(201);
    const versions = await raw(sim.url, 'GET', '/api/packages/dev-feed/versions?name=hashed', {
      headers: VIEW,
    });
    return versions.json<Obj[]>()[0];
  }

  it('parts in order: the import takes the hashes computed on arrival, and they are right', async () => {
    const reads = vi.spyOn(Store.prototype, 'hashFile');
    await sendParts('p.upack', 'inorder', pkg, MiB);
    expect(await completeAndImport('p.upack', 'inorder')).toMatchObject({
      size: pkg.length,
      ...digests(pkg),
    });
    expect(reads).not.toHaveBeenCalled();
  });

  it('a part cut halfway and sent again is hashed once, from its start', async () => {
    sim.setAssetFaults([{ type: 'reset', index: 2, afterBytes: MiB / 2 + 7, times: 1 }]);
    const reads = vi.spyOn(Store.prototype, 'hashFile');
    const p = partUrl('c.upack', 'cut', 2, pkg.length, MiB);
    await sendParts('c.upack', 'cut', pkg, MiB, [0, 1]);
    await expect(
      raw(sim.url, 'POST', p.url, { headers: ADMIN, body: pkg.subarray(p.start, p.start + p.size) }),
    ).rejects.toThrow();
    const rest = [...Array(Math.ceil(pkg.length / MiB)).keys()].slice(2);
    await sendParts('c.upack', 'cut', pkg, MiB, rest);
    expect(await completeAndImport('c.upack', 'cut')).toMatchObject({ size: pkg.length, ...digests(pkg) });
    expect(reads).not.toHaveBeenCalled();
  });

  it('parts out of order: the import reads the file', async () => {
    const reads = vi.spyOn(Store.prototype, 'hashFile');
    const order = [...Array(Math.ceil(pkg.length / MiB)).keys()].reverse();
    await sendParts('o.upack', 'reversed', pkg, MiB, order);
    expect(await completeAndImport('o.upack', 'reversed')).toMatchObject({
      size: pkg.length,
      ...digests(pkg),
    });
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('a hashed part replaced by other bytes: the import reads the file', async () => {
    const reads = vi.spyOn(Store.prototype, 'hashFile');
    const p = partUrl('r.upack', 'replaced', 1, pkg.length, MiB);
    await sendParts('r.upack', 'replaced', pkg, MiB, [0, 1]);
    const other = Buffer.from(pkg);
    other.fill(0x5a, p.start + 100, p.start + 200);
    // Part 1 again with other bytes (repeatedPart "replace"): the stored file is `other`.
    const again = await raw(sim.url, 'POST', p.url, {
      headers: ADMIN,
      body: other.subarray(p.start, p.start + p.size),
    });
    expect(again.status).toBe(200);
    const rest = [...Array(Math.ceil(pkg.length / MiB)).keys()].slice(2);
    await sendParts('r.upack', 'replaced', pkg, MiB, rest);
    expect(await completeAndImport('r.upack', 'replaced')).toMatchObject({
      size: pkg.length,
      ...digests(other),
    });
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('a file replaced after complete is hashed as it now is', async () => {
    await sendParts('x.upack', 'swapped', pkg, MiB);
    const done = await raw(sim.url, 'POST', `${base}/x.upack?id=swapped&multipart=complete`, {
      headers: ADMIN,
    });
    expect(done.status).toBe(200);
    const other = Buffer.from(pkg);
    other.fill(0x33, pkg.length - 5000, pkg.length - 4000);
    expect((await raw(sim.url, 'POST', `${base}/x.upack`, { headers: ADMIN, body: other })).status).toBe(201);
    expect(await importFrom('x.upack')).toMatchObject({ size: other.length, ...digests(other) });
  });
});
