import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProGetClient, parseContentDisposition } from '../src/index.js';
import { rejection, startServer, type TestServer, tempDir } from './helpers.js';

let server: TestServer | undefined;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await dir.remove();
});

const PAYLOAD = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloads', () => {
  it('streams to a temp file beside the target, renames it, and reports size and the hashes asked for', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': PAYLOAD.length,
        'content-disposition': 'attachment; filename=hdars.1.3.9.upack',
      });
      res.end(PAYLOAD);
    });
    const progress: number[] = [];
    const client = new ProGetClient({ url: server.url, apiKey: 'k' });
    const dest = join(dir.path, 'out.upack');
    const result = await client.universal.download('dev-feed', { name: 'hdars', version: '1.3.9' }, dest, {
      onProgress: (p) => progress.push(p.transferred),
      hashes: ['sha1', 'sha256'],
    });
    expect(server.requests[0]!.url).toBe('/upack/dev-feed/download/hdars/1.3.9');
    expect(result).toMatchObject({
      path: dest,
      size: PAYLOAD.length,
      sha1: sha1(PAYLOAD),
      sha256: sha256(PAYLOAD),
      contentType: 'application/zip',
      fileName: 'hdars.1.3.9.upack',
    });
    expect(sha256(await readFile(dest))).toBe(sha256(PAYLOAD));
    expect(await dir.files()).toEqual(['out.upack']);
    expect(progress.at(-1)).toBe(PAYLOAD.length);
  });

  it('saves under the server file name when the target is a directory', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/x-compressed',
        'content-disposition': 'attachment; filename=var-index-service.4.2.0.tgz',
      });
      res.end('tgz');
    });
    const client = new ProGetClient({ url: server.url });
    const result = await client.universal.download(
      'dev-feed',
      { group: 'initrode/vendors/abl', name: 'var-index-service', version: '4.2.0' },
      dir.path,
      { contentOnly: 'tgz' },
    );
    expect(server.requests[0]!.url).toBe(
      '/upack/dev-feed/download/initrode/vendors/abl/var-index-service/4.2.0?contentOnly=tgz',
    );
    expect(result.path).toBe(join(dir.path, 'var-index-service.4.2.0.tgz'));
    expect(await dir.files()).toEqual(['var-index-service.4.2.0.tgz']);
  });

  it('a body shorter than Content-Length fails and leaves nothing behind', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PAYLOAD.length });
      res.write(PAYLOAD.subarray(0, 1000), () => req.socket.end());
    });
    const client = new ProGetClient({ url: server.url, retries: 0 });
    const error = await rejection(
      client.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p.upack')),
    );
    expect(error.kind).toBe('network');
    expect(await dir.files()).toEqual([]);
  });

  it('a connection reset mid-body fails after the retries and leaves nothing behind', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PAYLOAD.length });
      res.write(PAYLOAD.subarray(0, 5000), () => setTimeout(() => req.socket.destroy(), 10));
    });
    const client = new ProGetClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    const error = await rejection(
      client.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p.upack')),
    );
    expect(error.kind).toBe('network');
    expect(error.message).toContain('the connection closed before the response was complete');
    expect(error.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(await dir.files()).toEqual([]);
  });

  it('a download cut short once is retried in full', async () => {
    let hits = 0;
    server = await startServer((req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PAYLOAD.length });
      if (hits === 1) res.write(PAYLOAD.subarray(0, 5000), () => req.socket.end());
      else res.end(PAYLOAD);
    });
    const client = new ProGetClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    const dest = join(dir.path, 'p.upack');
    const result = await client.universal.download('f', { name: 'p', version: '1.0.0' }, dest, {
      hashes: ['sha1'],
    });
    // The hash covers the bytes of the attempt that succeeded, not the cut-off first one as well.
    expect(result.sha1).toBe(sha1(PAYLOAD));
    expect(sha256(await readFile(dest))).toBe(sha256(PAYLOAD));
    expect(await dir.files()).toEqual(['p.upack']);
  });

  it('computes no hash unless asked, and only the ones asked for', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PAYLOAD.length });
      res.end(PAYLOAD);
    });
    const client = new ProGetClient({ url: server.url });
    const plain = await client.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'a'));
    expect(plain.size).toBe(PAYLOAD.length);
    expect(plain).not.toHaveProperty('sha1');
    expect(plain).not.toHaveProperty('sha256');
    expect(sha256(await readFile(join(dir.path, 'a')))).toBe(sha256(PAYLOAD));
    const only256 = await client.universal.download(
      'f',
      { name: 'p', version: '1.0.0' },
      join(dir.path, 'b'),
      {
        hashes: ['sha256'],
      },
    );
    expect(only256.sha256).toBe(sha256(PAYLOAD));
    expect(only256).not.toHaveProperty('sha1');
  });

  it('checks expected hashes and size (either case) and returns the checked hashes', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end(PAYLOAD));
    const client = new ProGetClient({ url: server.url });
    const result = await client.packages.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p'), {
      expect: { sha1: sha1(PAYLOAD).toUpperCase(), size: PAYLOAD.length },
    });
    expect(result.sha1).toBe(sha1(PAYLOAD));
    expect(result).not.toHaveProperty('sha256');
    expect(await dir.files()).toEqual(['p']);
  });

  it('a hash mismatch fails clearly, is not retried, and leaves the existing file as it was', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PAYLOAD.length });
      res.end(PAYLOAD);
    });
    const dest = join(dir.path, 'p.upack');
    await writeFile(dest, 'old');
    const wrong = sha256(Buffer.from('something else'));
    const client = new ProGetClient({ url: server.url, retries: 3, retryBaseDelayMs: 1 });
    const error = await rejection(
      client.universal.download('f', { name: 'p', version: '1.0.0' }, dest, { expect: { sha256: wrong } }),
    );
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain(`sha256 is ${sha256(PAYLOAD)}, expected ${wrong}`);
    expect(server.requests).toHaveLength(1);
    expect(await readFile(dest, 'utf8')).toBe('old');
    expect(await dir.files()).toEqual(['p.upack']);
  });

  it('a size mismatch fails the same way (a server without Content-Length)', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end(PAYLOAD));
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(
      client.universal.downloadFile('f', { name: 'p', version: '1.0.0' }, 'package/x', join(dir.path, 'x'), {
        expect: { size: 10 },
      }),
    );
    expect(error.message).toContain(`size is ${PAYLOAD.length} bytes, expected 10`);
    expect(await dir.files()).toEqual([]);
  });

  it('bad hash options are refused before any request', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('x'));
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(
      client.universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'p'), {
        hashes: ['md5' as 'sha1'],
        expect: { sha1: 'abc' },
      }),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('"hashes" has "md5"; supported: sha1, sha256');
    expect(error.message).toContain('expect.sha1 must be 40 hex digits, got "abc"');
    expect(server.requests).toHaveLength(0);
  });

  it('writes a body larger than the file buffer in order (several batches)', async () => {
    // 9 MiB in 64 KiB writes: several write batches (FILE_WRITE_BATCH) and more than the sink buffers.
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': big.length });
      let at = 0;
      const pump = () => {
        while (at < big.length) {
          const end = Math.min(at + 65536, big.length);
          const more = res.write(big.subarray(at, end));
          at = end;
          if (!more) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const progress: number[] = [];
    const client = new ProGetClient({ url: server.url });
    const dest = join(dir.path, 'big');
    const result = await client.universal.download('f', { name: 'p', version: '1.0.0' }, dest, {
      hashes: ['sha256'],
      onProgress: (p) => progress.push(p.transferred),
    });
    expect(result.size).toBe(big.length);
    expect(result.sha256).toBe(sha256(big));
    expect(sha256(await readFile(dest))).toBe(sha256(big));
    expect(progress.at(-1)).toBe(big.length);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('an error status leaves nothing behind and does not replace an existing file', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Package not found'),
    );
    const dest = join(dir.path, 'p.upack');
    await writeFile(dest, 'old');
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(client.universal.download('f', { name: 'p', version: '1.0.0' }, dest));
    expect(error.kind).toBe('not-found');
    expect(await readFile(dest, 'utf8')).toBe('old');
    expect(await dir.files()).toEqual(['p.upack']);
  });

  it('resolves latest from the version list, never sending "latest"', async () => {
    server = await startServer((req, res) => {
      if (req.url!.startsWith('/upack/f/packages')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: 'p', versions: ['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1'] }));
      } else res.writeHead(200, { 'content-type': 'application/zip' }).end('zip');
    });
    const client = new ProGetClient({ url: server.url });
    await client.universal.download('f', { name: 'p', version: 'latest-stable' }, join(dir.path, 'a'));
    await client.universal.download('f', { name: 'p', version: 'latest' }, join(dir.path, 'b'));
    const urls = server.requests.map((r) => r.url);
    expect(urls).toContain('/upack/f/download/p/1.10.0');
    expect(urls).toContain('/upack/f/download/p/2.0.0-rc.1');
    expect(urls.join(' ')).not.toContain('latest');
  });

  it('download-file and download-vpack use their endpoints', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(200, { 'content-disposition': 'attachment; filename=example.txt' }).end('hello'),
    );
    const client = new ProGetClient({ url: server.url });
    const file = await client.universal.downloadFile(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      'package/example.txt',
      join(dir.path, 'example.txt'),
    );
    expect(file.size).toBe(5);
    await client.universal.downloadVpack(
      'dev-feed',
      { group: 'g/h', name: 'v', version: '1.0.0+b.1' },
      join(dir.path, 'v.vpack'),
    );
    expect(server.requests.map((r) => r.url)).toEqual([
      '/upack/dev-feed/download-file/hdars/1.3.9?path=package%2Fexample.txt',
      '/upack/dev-feed/download-vpack/g/h/v/1.0.0%2Bb.1',
    ]);
  });

  it('openFile streams one file to the caller', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"hdars"}'),
    );
    const client = new ProGetClient({ url: server.url });
    const stream = await client.universal.openFile(
      'dev-feed',
      { name: 'hdars', version: '1.3.9' },
      'upack.json',
    );
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"name":"hdars"}');
    expect(server.requests[0]!.url).toBe('/upack/dev-feed/download-file/hdars/1.3.9?path=upack.json');
  });

  it('openFile: aborting the per-call signal after it returned ends the stream', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(100));
    });
    const controller = new AbortController();
    const client = new ProGetClient({ url: server.url });
    const stream = await client.universal.openFile('f', { name: 'p', version: '1.0.0' }, 'package/big.bin', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(
      (async () => {
        for await (const _ of stream) {
          // keep reading until the abort ends the stream
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
  });

  it('packages API download sends group, name and version as query parameters', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('x'));
    const client = new ProGetClient({ url: server.url });
    await client.packages.download(
      'npm-feed',
      { group: '@scope', name: 'lib', version: '1.0.0+sha.5' },
      join(dir.path, 'x'),
    );
    expect(server.requests[0]!.url).toBe(
      '/api/packages/npm-feed/download?group=%40scope&name=lib&version=1.0.0%2Bsha.5',
    );
  });
});

describe('uploads', () => {
  it('streams the file with an explicit Content-Length (not chunked) and application/zip', async () => {
    server = await startServer((_req, res) => res.writeHead(201).end());
    const file = join(dir.path, 'hdars.upack');
    await writeFile(file, PAYLOAD);
    const progress: Array<{ transferred: number; total?: number }> = [];
    const client = new ProGetClient({ url: server.url, apiKey: 'k' });
    const result = await client.universal.upload('dev-feed', file, { onProgress: (p) => progress.push(p) });
    const req = server.requests[0]!;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/upack/dev-feed/upload');
    expect(req.headers['content-length']).toBe(String(PAYLOAD.length));
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(req.headers['content-type']).toBe('application/zip');
    expect(sha256(req.body)).toBe(sha256(PAYLOAD)); // deep-equal on 300 KB is slow
    expect(result).toEqual({ size: PAYLOAD.length, sha1: sha1(PAYLOAD), sha256: sha256(PAYLOAD) });
    expect(progress.at(-1)).toEqual({ transferred: PAYLOAD.length, total: PAYLOAD.length });
  });

  it('with knownHashes the file is not hashed again: those hashes are the result', async () => {
    server = await startServer((_req, res) => res.writeHead(201).end());
    const file = join(dir.path, 'hdars.upack');
    await writeFile(file, PAYLOAD);
    // Deliberately not the file's hashes: proves they are returned as given, not computed.
    const known = { size: PAYLOAD.length, sha1: 'A'.repeat(40), sha256: 'b'.repeat(64) };
    const progress: number[] = [];
    const client = new ProGetClient({ url: server.url });
    const result = await client.universal.upload('dev-feed', file, {
      knownHashes: known,
      onProgress: (p) => progress.push(p.transferred),
    });
    expect(result).toEqual({ size: PAYLOAD.length, sha1: 'a'.repeat(40), sha256: 'b'.repeat(64) });
    expect(sha256(server.requests[0]!.body)).toBe(sha256(PAYLOAD));
    expect(progress.at(-1)).toBe(PAYLOAD.length);
  });

  it('knownHashes for another size (a stale build) is refused before anything is sent', async () => {
    server = await startServer((_req, res) => res.writeHead(201).end());
    const file = join(dir.path, 'p.upack');
    await writeFile(file, PAYLOAD);
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(
      client.packages.upload('f', file, {
        knownHashes: { size: 12, sha1: sha1(PAYLOAD), sha256: 'not hex' },
      }),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain(`a 12-byte file, but ${file} has ${PAYLOAD.length} bytes`);
    expect(error.message).toContain('knownHashes.sha256 must be 64 hex digits');
    expect(server.requests).toHaveLength(0);
  });

  it('packages API upload is a PUT with Content-Length too', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const file = join(dir.path, 'lib.nupkg');
    await writeFile(file, 'PK-small');
    await new ProGetClient({ url: server.url }).packages.upload('nuget', file);
    expect(server.requests[0]).toMatchObject({ method: 'PUT', url: '/api/packages/nuget/upload' });
    expect(server.requests[0]!.headers['content-length']).toBe('8');
  });

  it('is not retried once the body went out (connection reset while sending)', async () => {
    let hits = 0;
    server = await startServer(
      (req) => {
        hits++;
        req.once('data', () => req.socket.destroy());
      },
      { readBody: false },
    );
    const file = join(dir.path, 'big.upack');
    await writeFile(file, Buffer.alloc(2_000_000));
    const client = new ProGetClient({ url: server.url, retries: 3, retryBaseDelayMs: 1 });
    const error = await rejection(client.universal.upload('f', file));
    expect(error.kind).toBe('network');
    expect(hits).toBe(1);
  });

  it('is not retried on 503 once sent', async () => {
    server = await startServer((_req, res) => res.writeHead(503).end('busy'));
    const file = join(dir.path, 'p.upack');
    await writeFile(file, 'PK');
    const client = new ProGetClient({ url: server.url, retries: 3, retryBaseDelayMs: 1 });
    expect((await rejection(client.universal.upload('f', file))).status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('is retried when the connection was refused (nothing sent), re-reading the file from the start', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const bodies: Buffer[] = [];
    const late = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(201).end();
      });
    });
    const file = join(dir.path, 'p.upack');
    await writeFile(file, PAYLOAD);
    const client = new ProGetClient({
      url: `http://127.0.0.1:${port}`,
      retries: 3,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 100,
      logger: {
        debug: (m) => {
          if (m.includes('retrying') && !late.listening) late.listen(port, '127.0.0.1');
        },
        warn: () => {},
      },
    });
    try {
      const result = await client.universal.upload('f', file);
      expect(result.sha256).toBe(sha256(PAYLOAD));
      expect(bodies).toHaveLength(1);
      expect(sha256(bodies[0]!)).toBe(sha256(PAYLOAD));
    } finally {
      await new Promise<void>((r) => late.close(() => r()));
    }
  });

  it('transferTimeoutMs also bounds the wait for the answer after the upload', async () => {
    server = await startServer(() => {
      // reads the whole body, never answers
    });
    const file = join(dir.path, 'p.upack');
    await writeFile(file, 'PK');
    const client = new ProGetClient({ url: server.url, transferTimeoutMs: 150, retries: 3 });
    const error = await rejection(client.universal.upload('f', file));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('150 ms (transferTimeoutMs)');
    expect(server.requests).toHaveLength(1);
  });

  it('a missing file is a validation error before any request', async () => {
    server = await startServer((_req, res) => res.end());
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(client.universal.upload('f', join(dir.path, 'nope.upack')));
    expect(error.name).toBe('ValidationError');
    expect(server.requests).toHaveLength(0);
  });
});

describe('parseContentDisposition', () => {
  it.each([
    ['attachment; filename=hdars.1.3.9.upack', 'hdars.1.3.9.upack'],
    ['attachment; filename="a b.upack"', 'a b.upack'],
    ["attachment; filename=x.upack; filename*=UTF-8''%C3%A9t%C3%A9.upack", 'été.upack'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename=".."', undefined],
    ['inline', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(parseContentDisposition(header)).toBe(expected);
  });
});
