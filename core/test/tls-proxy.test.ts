import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { captureLogger, rejection, tempDir } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let caPath: string;
let server: Server;
let url: string;

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir.path, stdio: 'pipe' });
}

beforeAll(async () => {
  dir = await tempDir();
  // A private CA and a server certificate for 127.0.0.1 signed by it.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=proget-ci test CA',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(join(dir.path, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  caPath = join(dir.path, 'ca.pem');
  server = createHttpsServer(
    { key: readFileSync(join(dir.path, 'server.key')), cert: readFileSync(join(dir.path, 'server.pem')) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: '1.3.0', services: [] }));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await dir.remove();
});

describe('TLS', () => {
  it('an untrusted certificate fails with a caCertPath hint', async () => {
    const error = await rejection(new ProGetClient({ url, retries: 0 }).universal.meta('f'));
    expect(error.kind).toBe('network');
    expect(error.hint).toContain('caCertPath');
  });

  it('caCertPath adds the private CA', async () => {
    const meta = await new ProGetClient({ url, caCertPath: caPath }).universal.meta('f');
    expect(meta.apiVersion).toBe('1.3.0');
  });

  it('caCertPath that is not a PEM file is rejected up front', () => {
    const bogus = join(dir.path, 'ext.cnf');
    expect(() => new ProGetClient({ url, caCertPath: bogus })).toThrow(/no PEM certificate/);
    expect(() => new ProGetClient({ url, caCertPath: join(dir.path, 'missing.pem') })).toThrow(/cannot read/);
  });

  it('insecureTls works and warns loudly', async () => {
    const logger = captureLogger();
    const meta = await new ProGetClient({ url, insecureTls: true, logger }).universal.meta('f');
    expect(meta.apiVersion).toBe('1.3.0');
    expect(logger.warns.join('\n')).toMatch(/TLS certificate verification is DISABLED/);
  });

  it('insecureTls without a logger warns on stderr', () => {
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      new ProGetClient({ url, insecureTls: true });
    } finally {
      process.stderr.write = original;
    }
    expect(writes.join('')).toMatch(/DISABLED/);
  });
});

describe('proxy', () => {
  it('goes through HTTP_PROXY for a non-loopback host (http-client proxy support)', async () => {
    // The origin: plain HTTP on 127.0.0.1.
    const origin = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: '1.3.0', services: [], name: req.headers.host }));
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const originPort = (origin.address() as AddressInfo).port;
    // A CONNECT proxy that sends every tunnel to the origin, whatever host was asked for.
    const connects: string[] = [];
    const sockets = new Set<Socket>();
    const proxy = createHttpServer();
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      const upstream = connect(originPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const saved = { http: process.env.HTTP_PROXY, lower: process.env.http_proxy, no: process.env.NO_PROXY };
    process.env.http_proxy = `http://127.0.0.1:${proxyPort}`;
    delete process.env.NO_PROXY;
    try {
      const meta = await new ProGetClient({
        url: 'http://proget.internal.test:8624',
        apiKey: 'k',
        retries: 0,
      }).universal.meta('f');
      expect(meta.name).toBe('proget.internal.test:8624');
      expect(connects).toEqual(['proget.internal.test:8624']);
    } finally {
      if (saved.lower === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = saved.lower;
      if (saved.no === undefined) delete process.env.NO_PROXY;
      else process.env.NO_PROXY = saved.no;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await new Promise<void>((r) => origin.close(() => r()));
    }
  });
});
