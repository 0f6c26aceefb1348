// The read-only `proget:` file system against the simulator: file content through core's openFile, the
// manifest, stat from the tree's file list, refused writes, and missing files.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { ProGetFileSystemProvider } = await import('../src/fs/provider.js');
const { fileUriParts } = await import('../src/fs/uri.js');
const vscode = await import('./fake-vscode.js');

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
});
afterAll(async () => {
  await sim.close();
});

const failures: { path: string; message: string }[] = [];

function provider(url?: string) {
  return new ProGetFileSystemProvider({
    failed: (ref, message) => failures.push({ path: ref.path, message }),
    clientFor: async (server) =>
      server === sim.url
        ? new ProGetClient({ url: url ?? server, apiKey: 'demo-admin-key', retries: 0, timeoutMs: 5000 })
        : undefined,
    known: (ref) =>
      ref.path === 'package/index.htm' ? { size: 57, date: '2015-01-01T01:52:50.000Z' } : undefined,
  });
}

const uri = (path: string, extra: Partial<{ server: string; version: string }> = {}) =>
  vscode.Uri.from(
    fileUriParts({
      server: sim.url,
      feed: 'dev-feed',
      group: '',
      name: 'HDARS',
      version: '1.3.10',
      path,
      ...extra,
    }),
  ) as never;

describe('ProGetFileSystemProvider', () => {
  test('reads a file of a package version', async () => {
    const bytes = await provider().readFile(uri('package/index.htm'));
    expect(Buffer.from(bytes).toString('utf8')).toContain('<title>HDARS 1.3.10</title>');
  });

  test('reads the manifest', async () => {
    const manifest = JSON.parse(Buffer.from(await provider().readFile(uri('upack.json'))).toString('utf8'));
    expect(manifest).toMatchObject({ name: 'HDARS', version: '1.3.10' });
  });

  test('binary files come back byte for byte', async () => {
    const bytes = Buffer.from(await provider().readFile(uri('package/assets/muth.png')));
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBe(1791);
  });

  test('stat is read-only and uses what the tree knows', () => {
    const stat = provider().stat(uri('package/index.htm'));
    expect(stat).toMatchObject({
      type: vscode.FileType.File,
      size: 57,
      permissions: vscode.FilePermission.Readonly,
    });
    expect(stat.mtime).toBe(Date.parse('2015-01-01T01:52:50.000Z'));
  });

  test('missing files, unknown servers and writes are refused with file-system errors', async () => {
    await expect(provider().readFile(uri('package/nope.txt'))).rejects.toMatchObject({
      code: 'FileNotFound',
    });
    await expect(
      provider().readFile(uri('upack.json', { server: 'http://127.0.0.1:9' })),
    ).rejects.toMatchObject({
      code: 'Unavailable',
    });
    expect(() => provider().writeFile()).toThrow(expect.objectContaining({ code: 'NoPermissions' }));
    expect(() => provider().delete()).toThrow(expect.objectContaining({ code: 'NoPermissions' }));
    expect(() => provider().stat(vscode.Uri.parse('file:///x') as never)).toThrow(
      expect.objectContaining({ code: 'FileNotFound' }),
    );
  });

  test('no request for a file carries the key in its URL', async () => {
    await provider().readFile(uri('package/example.txt'));
    // The simulator records a request when its connection closes, just after the client has the body.
    await expect
      .poll(() => sim.requests().filter((r) => r.url.includes('example.txt')).length)
      .toBeGreaterThan(0);
    const reqs = sim.requests().filter((r) => r.url.includes('example.txt'));
    expect(reqs.every((r) => !r.url.includes('demo-admin-key'))).toBe(true);
  });

  test('a server that is down: the reason and a hint, passed on to be logged (issue 14, bug 2)', async () => {
    failures.length = 0;
    const error = await provider('http://127.0.0.1:9')
      .readFile(uri('package/index.htm'))
      .then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
    expect(error?.code).toBe('Unavailable');
    expect(error?.message).toMatch(
      /^Could not open package\/index\.htm of HDARS 1\.3\.10 \(feed dev-feed\): The server is unreachable \(.*ECONNREFUSED.*\)\. Check that the server is running and reachable, then try again\.$/,
    );
    expect(failures).toEqual([{ path: 'package/index.htm', message: error!.message }]);
  });

  test('a server error and a refused key each say why and what to do', async () => {
    failures.length = 0;
    sim.setFaults([{ path: '/upack/dev-feed/', times: 1, fault: { type: 'status', status: 500 } }]);
    try {
      await expect(provider().readFile(uri('upack.json'))).rejects.toMatchObject({
        code: 'Unavailable',
        message: expect.stringMatching(/answered with an error \(HTTP 500\)\. Try again/),
      });
    } finally {
      sim.setFaults([]);
    }
    const anonymous = new ProGetFileSystemProvider({
      clientFor: async (url) => new ProGetClient({ url, apiKey: 'wrong-key', retries: 0 }),
      known: () => undefined,
      failed: (ref, message) => failures.push({ path: ref.path, message }),
    });
    await expect(anonymous.readFile(uri('upack.json'))).rejects.toMatchObject({
      code: 'NoPermissions',
      message: expect.stringMatching(/Set a valid API key|lacks a privilege/),
    });
    expect(failures).toHaveLength(2);
  });
});
