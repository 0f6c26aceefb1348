// Resumable publish through an asset directory, against the simulator and its part faults: which requests
// went out is read from the simulator's request log.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';
import { buildPackage, ProGetClient, ProGetError, ValidationError } from '../src/index.js';
import { rejection, tempDir } from './helpers.js';

let sim: SimulatorHandle;
let dir: Awaited<ReturnType<typeof tempDir>>;
let pkgPath: string;
let pkg: Buffer;

const PART = 4096;
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

beforeEach(async () => {
  sim = await startSimulator({
    seed: 'demo',
    feeds: [{ name: 'big-assets', feedType: 'asset' }],
    // May add to the feed and the asset directory (and delete there), but not overwrite a version.
    apiKeys: [
      {
        key: 'adder',
        privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage', 'Feeds_AddPackage', 'Feeds_DeletePackage'],
      },
    ],
  });
  dir = await tempDir();
  pkgPath = join(dir.path, 'big.upack');
  const content = join(dir.path, 'content');
  await mkdir(content);
  await writeFile(
    join(content, 'data.bin'),
    Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 31) % 251)),
  );
  // Stored (level 0), so the package is about ten parts of PART bytes.
  await buildPackage({
    sourceDir: content,
    outFile: pkgPath,
    manifest: { name: 'big', version: '1.0.0' },
    compressionLevel: 0,
  });
  pkg = await readFile(pkgPath);
});
afterEach(async () => {
  await sim.close();
  await dir.remove();
});

const client = () =>
  new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retryBaseDelayMs: 1, retries: 0 });

const partRequests = () =>
  sim
    .requests()
    .filter((r) => r.url.includes('multipart=upload'))
    .map((r) => ({ index: Number(new URL(r.url, sim.url).searchParams.get('index')), status: r.status }));

const opts = { assetDirectory: 'big-assets', thresholdBytes: 0, partSizeBytes: PART, retryBaseDelayMs: 1 };

describe('publishResumable', () => {
  it('goes up in parts, is imported, and is checked against the feed (SHA-1 and size)', async () => {
    const progress: number[] = [];
    const result = await client().universal.publishResumable('dev-feed', pkgPath, {
      ...opts,
      onProgress: (p) => progress.push(p.transferred),
    });
    const parts = Math.ceil(pkg.length / PART);
    expect(result).toMatchObject({
      method: 'multipart',
      size: pkg.length,
      sha1: sha1(pkg),
      parts,
      partRequests: parts,
      verified: 'sha1',
      assetDirectory: 'big-assets',
    });
    expect(partRequests().map((p) => p.index)).toEqual([...Array(parts).keys()]);
    // Every argument the docs require, on every part; partSize is this part's size (the last sends the rest).
    const queries = sim
      .requests()
      .filter((r) => r.url.includes('multipart=upload'))
      .map((r) => Object.fromEntries(new URL(r.url, sim.url).searchParams));
    const ids = new Set(queries.map((q) => q.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{32}$/);
    queries.forEach((q, i) => {
      const size = i === parts - 1 ? pkg.length - i * PART : PART;
      expect(q).toEqual({
        id: q.id,
        multipart: 'upload',
        index: String(i),
        offset: String(i * PART),
        totalSize: String(pkg.length),
        partSize: String(size),
        totalParts: String(parts),
      });
    });
    expect(progress.at(-1)).toBe(pkg.length);
    const log = sim.requests().map((r) => `${r.method} ${r.url.split('?')[0]}`);
    expect(log).toContain('POST /upack/dev-feed/import');
    expect(log.filter((l) => l.startsWith('PUT '))).toEqual([]);
    // The import moved the file out of the asset directory, and no upload is left open.
    expect(await client().assets.list('big-assets')).toEqual([]);
    expect(sim.assetUploads()).toEqual([]);
  });

  it('a reset at 50% resends only the part it cut; earlier parts are not sent again', async () => {
    sim.setAssetFaults([{ type: 'reset', atFraction: 0.5, times: 1 }]);
    const retries: number[] = [];
    const result = await client().universal.publishResumable('dev-feed', pkgPath, {
      ...opts,
      onPartRetry: (r) => retries.push(r.index),
    });
    const parts = Math.ceil(pkg.length / PART);
    const cut = Math.floor(Math.floor(pkg.length / 2) / PART);
    expect(retries).toEqual([cut]);
    const sent = partRequests().map((p) => p.index);
    // Every part once, the cut one twice, in order: nothing before it went again.
    expect(sent).toEqual([
      ...[...Array(cut + 1).keys()],
      ...[...Array(parts - cut).keys()].map((i) => i + cut),
    ]);
    expect(partRequests()[cut]!.status).toBe(0); // the reset: no answer
    expect(result).toMatchObject({ partRequests: parts + 1, sha1: sha1(pkg), verified: 'sha1' });
  });

  it('parts share a kept-alive connection; one the server drops as it is reused costs that part only', async () => {
    // A TCP relay in front of the simulator counts connections, and once cuts the connection that starts
    // sending part 3: a server closing an idle kept-alive socket just as the next part goes out.
    let connections = 0;
    let cut = false;
    const sockets = new Set<Socket>();
    const port = Number(new URL(sim.url).port);
    const relay = createServer((client) => {
      connections++;
      const upstream = connect(port, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        if (!cut && chunk.toString('latin1').includes('multipart=upload&index=3&')) {
          cut = true;
          client.resetAndDestroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const address = relay.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const retries: number[] = [];
      const result = await new ProGetClient({
        url,
        apiKey: 'demo-admin-key',
        retries: 0,
      }).universal.publishResumable('dev-feed', pkgPath, {
        ...opts,
        onPartRetry: (r) => retries.push(r.index),
      });
      const parts = Math.ceil(pkg.length / PART);
      expect(cut).toBe(true);
      expect(retries).toEqual([3]);
      expect(result).toMatchObject({ partRequests: parts + 1, sha1: sha1(pkg), verified: 'sha1' });
      // Reads, parts and complete on kept-alive connections (the cut one replaced once), the import on its
      // own: far fewer connections than requests.
      expect(parts).toBeGreaterThanOrEqual(10);
      expect(connections).toBeLessThanOrEqual(4);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it('a connection reset on complete is retried, and the upload still lands', async () => {
    const parts = Math.ceil(pkg.length / PART);
    sim.setFaults([
      {
        method: 'POST',
        path: '/endpoints/big-assets/content/',
        after: parts,
        times: 1,
        fault: { type: 'reset-request' },
      },
    ]);
    const result = await client().universal.publishResumable('dev-feed', pkgPath, opts);
    expect(result).toMatchObject({ method: 'multipart', verified: 'sha1', partRequests: parts });
    const completes = sim.requests().filter((r) => r.url.includes('multipart=complete'));
    expect(completes.map((r) => r.status)).toEqual([0, 200]);
  });

  it('a complete whose answer was lost: the refused retry finds the file there and carries on', async () => {
    const parts = Math.ceil(pkg.length / PART);
    // The server completes the upload, then the connection is reset before the answer goes out.
    sim.setFaults([
      {
        method: 'POST',
        path: '/endpoints/big-assets/content/',
        after: parts,
        times: 1,
        fault: { type: 'reset' },
      },
    ]);
    const result = await client().universal.publishResumable('dev-feed', pkgPath, opts);
    expect(result).toMatchObject({ method: 'multipart', verified: 'sha1' });
    const completes = sim.requests().filter((r) => r.url.includes('multipart=complete'));
    expect(completes).toHaveLength(2);
    expect(completes[1]!.status).toBe(400);
    // The probe before the upload, then the look for the file after the refused retry.
    expect(sim.requests().filter((r) => r.url.startsWith('/endpoints/big-assets/dir/'))).toHaveLength(2);
  });

  it('an import whose answer was lost counts when the feed has the version with our SHA-1', async () => {
    sim.setFaults([{ method: 'POST', path: '/upack/dev-feed/import', times: 1, fault: { type: 'reset' } }]);
    const result = await client().universal.publishResumable('dev-feed', pkgPath, opts);
    expect(result).toMatchObject({ method: 'multipart', verified: 'sha1' });
    const imports = sim.requests().filter((r) => r.url === '/upack/dev-feed/import');
    expect(imports).toHaveLength(1);
    expect(sim.requests().some((r) => r.url.includes('/delete/'))).toBe(false);
  });

  it('an import cut before the server acted fails, and the uploaded file is removed', async () => {
    sim.setFaults([
      { method: 'POST', path: '/upack/dev-feed/import', times: 1, fault: { type: 'reset-request' } },
    ]);
    const error = (await rejection(
      client().universal.publishResumable('dev-feed', pkgPath, opts),
    )) as unknown as ProGetError;
    expect(error.kind).toBe('network');
    expect(sim.requests().filter((r) => r.url.startsWith('/endpoints/big-assets/delete/'))).toHaveLength(1);
    expect(await client().assets.list('big-assets')).toEqual([]);
  });

  it('a part that keeps failing gives up after the set attempts, naming the part; nothing is imported', async () => {
    sim.setAssetFaults([{ type: 'status', index: 2, status: 503 }]);
    const error = await rejection(
      client().universal.publishResumable('dev-feed', pkgPath, { ...opts, partAttempts: 3 }),
    );
    expect(error).toBeInstanceOf(ProGetError);
    const e = error as unknown as ProGetError;
    const parts = Math.ceil(pkg.length / PART);
    expect(e.message).toContain(
      `Could not upload part 3 of ${parts} (index 2, bytes ${2 * PART}-${3 * PART - 1})`,
    );
    expect(e.message).toContain('gave up after 3 attempts');
    expect(e.attempts).toBe(3);
    expect(e.hint).toContain('Feed Cleanup');
    expect(partRequests().map((p) => p.index)).toEqual([0, 1, 2, 2, 2]);
    expect(sim.requests().some((r) => r.url.includes('/import'))).toBe(false);
    // The abandoned upload: the protocol has no cancel, so the parts wait for the server's cleanup job.
    expect(sim.assetUploads()).toMatchObject([{ directory: 'big-assets', receivedParts: [0, 1] }]);
    expect(await sim.runAssetCleanup()).toBe(1);
  });

  it('cancelling while a part waits to be retried stops at once with an "aborted" error', async () => {
    sim.setAssetFaults([{ type: 'status', index: 0, status: 503 }]);
    const controller = new AbortController();
    const started = Date.now();
    const error = (await rejection(
      client().universal.publishResumable('dev-feed', pkgPath, {
        ...opts,
        retryBaseDelayMs: 60_000,
        retryMaxDelayMs: 60_000,
        signal: controller.signal,
        onPartRetry: () => controller.abort(),
      }),
    )) as unknown as ProGetError;
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(partRequests()).toHaveLength(1);
  });

  it('a 4xx on a part is not retried', async () => {
    sim.setAssetFaults([{ type: 'status', index: 1, status: 400, body: 'overlapping parts' }]);
    const error = (await rejection(
      client().universal.publishResumable('dev-feed', pkgPath, { ...opts, partAttempts: 5 }),
    )) as unknown as ProGetError;
    expect(error.message).toContain('gave up after 1 attempt:');
    expect(error.serverText).toBe('overlapping parts');
    expect(partRequests().map((p) => p.index)).toEqual([0, 1]);
  });

  it('a failed import removes the uploaded file from the asset directory', async () => {
    // The version is already there and this key may not overwrite it: the import is refused.
    const adder = new ProGetClient({ url: sim.url, apiKey: 'adder', retries: 0 });
    await adder.universal.upload('dev-feed', pkgPath);
    const error = await rejection(adder.universal.publishResumable('dev-feed', pkgPath, opts));
    expect(error).toBeInstanceOf(ProGetError);
    expect((error as unknown as ProGetError).status).toBe(403);
    // The refusal names the right that was missing (replacing a version), and what became of the copy.
    expect((error as Error).message).toContain('Feeds_OverwritePackage');
    expect((error as unknown as ProGetError).hint).toMatch(
      /The uploaded copy \(big-1\.0\.0\.[0-9a-f]{8}\.upack\) was deleted from asset directory "big-assets": nothing is left behind\.$/,
    );
    const deletes = sim.requests().filter((r) => r.url.startsWith('/endpoints/big-assets/delete/'));
    expect(deletes).toHaveLength(1);
    expect(await adder.assets.list('big-assets')).toEqual([]);
  });

  it('a failed import whose cleanup fails too says which file to delete by hand', async () => {
    const adder = new ProGetClient({ url: sim.url, apiKey: 'adder', retries: 0 });
    await adder.universal.upload('dev-feed', pkgPath);
    sim.setFaults([
      { method: 'POST', path: '/endpoints/big-assets/delete/', fault: { type: 'status', status: 500 } },
    ]);
    const error = (await rejection(
      adder.universal.publishResumable('dev-feed', pkgPath, opts),
    )) as unknown as ProGetError;
    expect(error.status).toBe(403);
    const [left] = (await adder.assets.list('big-assets')) ?? [];
    expect(left?.name).toMatch(/^big-1\.0\.0\.[0-9a-f]{8}\.upack$/);
    expect(error.hint).toContain(
      `Deleting the uploaded copy from asset directory "big-assets" failed: delete ${left!.name} there by hand.`,
    );
  });

  it('falls back to the plain PUT below the threshold, without a directory, and on a 404 for it', async () => {
    const c = client();
    const below = await c.universal.publishResumable('dev-feed', pkgPath, {
      ...opts,
      thresholdBytes: pkg.length,
    });
    expect(below).toMatchObject({ method: 'put', sha1: sha1(pkg) });
    expect(below.reason).toContain('not above');
    const none = await c.universal.publishResumable('dev-feed', pkgPath, { thresholdBytes: 0 });
    expect(none).toMatchObject({ method: 'put', reason: 'no asset directory was given' });
    const missing = await c.universal.publishResumable('dev-feed', pkgPath, {
      ...opts,
      assetDirectory: 'no-such-dir',
    });
    expect(missing).toMatchObject({ method: 'put' });
    expect(missing.reason).toContain('"no-such-dir" was not found');
    expect(partRequests()).toEqual([]);
    expect(sim.requests().filter((r) => r.method === 'PUT')).toHaveLength(3);
  });

  it('a key that may add but not list: the refused probe does not stop the multipart upload', async () => {
    await sim.close();
    sim = await startSimulator({
      seed: 'demo',
      feeds: [{ name: 'big-assets', feedType: 'asset' }],
      apiKeys: [{ key: 'add-only', privileges: ['Feeds_ViewFeed', 'Feeds_AddPackage'] }],
    });
    const c = new ProGetClient({ url: sim.url, apiKey: 'add-only', retries: 0 });
    const result = await c.universal.publishResumable('dev-feed', pkgPath, opts);
    expect(result).toMatchObject({ method: 'multipart', verified: 'sha1' });
    expect(sim.requests()[0]).toMatchObject({ method: 'GET', status: 401 });
  });

  it('a refused probe and a 404 for the first part: the plain PUT', async () => {
    sim.setFaults([{ path: '/endpoints/no-such-dir/dir', fault: { type: 'status', status: 401 } }]);
    const result = await client().universal.publishResumable('dev-feed', pkgPath, {
      ...opts,
      assetDirectory: 'no-such-dir',
    });
    expect(result).toMatchObject({ method: 'put', sha1: sha1(pkg) });
    expect(result.reason).toContain('HTTP 404 for the first part');
    expect(partRequests()).toEqual([{ index: 0, status: 404 }]);
  });

  it('refuses bad options before any request', async () => {
    const error = await rejection(
      client().universal.publishResumable('dev-feed', join(dir.path, 'nope.upack'), {
        ...opts,
        partSizeBytes: 10,
        partAttempts: 0,
        assetDirectory: ' ',
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as unknown as ValidationError).problems).toHaveLength(4);
    expect(sim.requests()).toEqual([]);
    expect(existsSync(pkgPath)).toBe(true);
  });
});
