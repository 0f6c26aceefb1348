// Hostile servers on the wire: floods of interim responses, names that would leave the API path, and
// downloads that would replace a file, trickle forever or fill the disk.

import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient, type ProGetClientOptions } from '../../src/index.js';
import { MAX_INTERIM } from '../../src/transport/raw-http.js';
import { joinPath } from '../../src/transport/urls.js';
import { rejection, tempDir } from '../helpers.js';
import { head, type RawServer, rawServer } from './raw-server.js';

const servers: RawServer[] = [];
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await dir?.remove();
  dir = undefined;
});

async function serve(respond: Parameters<typeof rawServer>[0]): Promise<RawServer> {
  const s = await rawServer(respond);
  servers.push(s);
  return s;
}

function reply(
  socket: Socket,
  status: string,
  headers: Record<string, string | number> = {},
  body = '',
): void {
  socket.end(
    head(status, { 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers }) + body,
  );
}

const id = { name: 'p', version: '1.0.0' };
const paths = [
  { path: 'raw reader', nodeHttpTransfers: false },
  { path: 'node:http', nodeHttpTransfers: true },
];

describe('a flood of interim (1xx) responses', () => {
  const interims = (n: number) => 'HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n'.repeat(n);

  it(`the raw reader takes ${MAX_INTERIM} and refuses one more, without recursion`, async () => {
    const s = await serve((socket, _req, index) => {
      const count = index === 0 ? MAX_INTERIM : index === 1 ? MAX_INTERIM + 1 : 200_000;
      socket.end(`${interims(count)}${head('200 OK', { 'Content-Length': 2 })}PK`);
    });
    dir = await tempDir();
    const client = new ProGetClient({ url: s.url, apiKey: 'k', retries: 0 });
    const ok = await client.universal.download('f', id, join(dir.path, 'a.upack'));
    expect(await readFile(ok.path, 'latin1')).toBe('PK');
    for (const name of ['b.upack', 'c.upack']) {
      const error = await rejection(client.universal.download('f', id, join(dir.path, name)));
      expect(error).toMatchObject({ name: 'ProGetError', kind: 'network' });
      expect(error.message.split('\n')[0]).toBe(
        `Could not download p 1.0.0 from feed "f": Parse Error: more than ${MAX_INTERIM} interim (1xx) responses before the answer (HPE_TOO_MANY_INTERIM) (GET ${s.url}/upack/f/download/p/1.0.0)`,
      );
    }
    expect(await dir.files()).toEqual(['a.upack']);
  });

  it('node:http survives a large flood too, with a clear error or the answer', async () => {
    const s = await serve((socket) => {
      socket.end(`${interims(20_000)}${head('200 OK', { 'Content-Length': 2 })}PK`);
    });
    dir = await tempDir();
    const client = new ProGetClient({ url: s.url, apiKey: 'k', retries: 0, nodeHttpTransfers: true });
    const outcome = await client.universal.download('f', id, join(dir.path, 'a.upack')).then(
      (r) => r.size,
      (e: Error) => e.name,
    );
    expect([2, 'ProGetError']).toContain(outcome);
  });
});

describe('path segments built from data stay one segment', () => {
  it.each([
    ['.', 'a feed, group segment, name or version cannot be "." (it would leave the API path)'],
    ['..', 'a feed, group segment, name or version cannot be ".." (it would leave the API path)'],
    ['', 'a feed, group, name or version is empty'],
  ])('%j is refused before any request', async (bad, problem) => {
    const s = await serve((socket) => reply(socket, '200 OK', { 'Content-Type': 'application/json' }, '{}'));
    const client = new ProGetClient({ url: `${s.url}/proget`, apiKey: 'k', retries: 0 });
    const attempts = [
      client.universal.delete('f', { name: bad, version: '1.0.0' }),
      client.universal.delete(bad, { name: 'p', version: '1.0.0' }),
      client.universal.delete('f', { name: 'p', version: bad }),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt);
      expect(error).toMatchObject({ name: 'ValidationError' });
      expect(error.message).toBe(`Request path: ${problem}`);
    }
    expect(s.requests).toEqual([]);
  });

  it('a group with . or .. segments is refused; other characters are escaped in place', async () => {
    expect(() => joinPath('upack', 'f', 'download', 'a', '..', 'p')).toThrow(/cannot be "\.\."/);
    expect(() => joinPath('upack', 'f', '.')).toThrow(/cannot be "\."/);
    expect(joinPath('upack', 'f', 'a/b', '..%2f', '?x#y', 'back\\slash', '%2e%2e')).toBe(
      '/upack/f/a%2Fb/..%252f/%3Fx%23y/back%5Cslash/%252e%252e',
    );
    const s = await serve((socket) => reply(socket, '200 OK', {}, ''));
    const client = new ProGetClient({ url: `${s.url}/proget`, apiKey: 'k', retries: 0 });
    await client.universal.delete('f', { group: 'a/../..', name: 'p', version: '1.0.0' }).catch(() => {});
    await client.universal.delete('f', { group: 'g', name: '../x', version: '1.0.0' });
    expect(s.requests.map((r) => r.path)).toEqual(['/proget/upack/f/delete/g/..%2Fx/1.0.0']);
  });
});

describe.each(paths)('downloads through $path', ({ nodeHttpTransfers }) => {
  const client = (url: string, extra: Partial<ProGetClientOptions> = {}) =>
    new ProGetClient({ url, apiKey: 'k', retries: 0, nodeHttpTransfers, ...extra });
  const named = (socket: Socket, body = 'new') =>
    reply(socket, '200 OK', { 'Content-Disposition': 'attachment; filename="p.upack"' }, body);

  it('into a directory never replaces an existing file unless asked', async () => {
    const s = await serve((socket) => named(socket));
    dir = await tempDir();
    await writeFile(join(dir.path, 'p.upack'), 'old');
    const error = await rejection(client(s.url).universal.download('f', id, dir.path));
    expect(error).toMatchObject({ name: 'ProGetError', kind: 'conflict' });
    expect(error.message).toContain(
      `Could not download p 1.0.0: ${join(dir.path, 'p.upack')} already exists`,
    );
    expect(error.message).toContain('overwrite: true');
    expect(await readFile(join(dir.path, 'p.upack'), 'utf8')).toBe('old');
    expect(await dir.files()).toEqual(['p.upack']);

    const replaced = await client(s.url).universal.download('f', id, dir.path, { overwrite: true });
    expect(await readFile(replaced.path, 'utf8')).toBe('new');
    expect(await dir.files()).toEqual(['p.upack']);
  });

  it('into a directory, a file that appears while downloading is not replaced either', async () => {
    dir = await tempDir();
    const target = join(dir.path, 'p.upack');
    const s = await serve(async (socket) => {
      socket.write(
        head('200 OK', { 'Content-Disposition': 'attachment; filename="p.upack"', 'Content-Length': 3 }),
      );
      await new Promise((r) => setTimeout(r, 30));
      await writeFile(target, 'raced');
      socket.end('new');
    });
    const error = await rejection(client(s.url).universal.download('f', id, dir.path));
    expect(error).toMatchObject({ kind: 'conflict' });
    expect(await readFile(target, 'utf8')).toBe('raced');
    expect(await dir.files()).toEqual(['p.upack']);
  });

  it("removes a stale .part left by a killed process, but not a running process's", async () => {
    dir = await tempDir();
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid!));
    });
    const stale = `.p.upack.${dead}-0123456789ab.part`;
    const live = `.p.upack.${process.ppid}-0123456789ab.part`;
    const other = '.q.upack.1-0123456789ab.part';
    for (const name of [stale, live, other]) await writeFile(join(dir.path, name), 'partial');
    const s = await serve((socket) => named(socket));
    await client(s.url).universal.download('f', id, join(dir.path, 'p.upack'));
    expect((await readdir(dir.path)).sort()).toEqual([live, other, 'p.upack'].sort());
  });

  it('maxBytes: a declared length over it fails before saving; an undeclared one fails when passed', async () => {
    let declared = true;
    const s = await serve((socket) => {
      if (declared) reply(socket, '200 OK', {}, 'x'.repeat(5000));
      else {
        socket.write(head('200 OK', { Connection: 'close' }));
        socket.end(Buffer.alloc(300_000));
      }
    });
    dir = await tempDir();
    const first = await rejection(
      client(s.url).universal.download('f', id, join(dir.path, 'p.upack'), { maxBytes: 4096 }),
    );
    expect(first).toMatchObject({ kind: 'too-large' });
    expect(first.message.split('\n')[0]).toContain(
      'Could not download p 1.0.0: the download is larger than the limit of 4096 bytes (maxBytes); the server sent 5000 bytes',
    );
    declared = false;
    const second = await rejection(
      client(s.url).universal.download('f', id, join(dir.path, 'p.upack'), { maxBytes: 100_000 }),
    );
    expect(second).toMatchObject({ kind: 'too-large' });
    expect(second.message).toContain(
      'larger than the limit of 100000 bytes (maxBytes); the server sent more bytes',
    );
    expect(await dir.files()).toEqual([]);
    const fits = await client(s.url).universal.download('f', id, join(dir.path, 'p.upack'), {
      maxBytes: 300_000,
    });
    expect(fits.size).toBe(300_000);
  });

  it('deadlineMs: a server that trickles bytes is stopped, with nothing left behind', async () => {
    const s = await serve(async (socket) => {
      socket.write(head('200 OK', { 'Content-Length': 1000 }));
      for (let i = 0; i < 100 && !socket.destroyed; i++) {
        socket.write('x');
        await new Promise((r) => setTimeout(r, 20));
      }
      socket.destroy();
    });
    dir = await tempDir();
    const started = Date.now();
    const error = await rejection(
      client(s.url, { transferTimeoutMs: 1000 }).universal.download('f', id, join(dir.path, 'p.upack'), {
        deadlineMs: 300,
      }),
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(error.message.split('\n')[0]).toBe(
      `Could not download p 1.0.0 from feed "f": gave up after 300 ms in total (deadlineMs) (GET ${s.url}/upack/f/download/p/1.0.0)`,
    );
    expect(await dir.files()).toEqual([]);
  });
});

describe('download limits are checked before any request', () => {
  it.each([
    [{ maxBytes: 0 }, '"maxBytes" must be a whole number greater than 0, not 0'],
    [{ deadlineMs: -5 }, '"deadlineMs" must be a whole number greater than 0, not -5'],
    [{ overwrite: 'yes' }, '"overwrite" must be true or false, not "yes"'],
  ])('%j', async (options, problem) => {
    const s = await serve((socket) => reply(socket, '200 OK', {}, 'x'));
    const client = new ProGetClient({ url: s.url, apiKey: 'k', retries: 0 });
    const error = await rejection(client.universal.download('f', id, '/nonexistent/x', options as never));
    expect(error.message).toBe(`Download: ${problem}`);
    expect(s.requests).toEqual([]);
  });
});
