import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { captureLogger, rejection, tempDir } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const downloadHeaders: IncomingHttpHeaders[] = [];
/** 5 MiB that differ everywhere: a package big enough for many TLS records and several read blocks. */
const PACKAGE = Buffer.concat(
  Array.from({ length: 5 * 1024 }, (_, i) => createHash('sha256').update(`block ${i}`).digest()),
).subarray(0, 5 * 1024 * 1024);
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
  writeFileSync(join(dir.path, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:proget.internal.test\n');
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
    (req, res) => {
      if (req.url === '/upack/f/download/p/1.0.0') {
        downloadHeaders.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': PACKAGE.length });
        res.end(PACKAGE);
        return;
      }
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

  it('package downloads over https: verified against caCertPath, bytes intact', async () => {
    const client = new ProGetClient({ url, caCertPath: caPath, retries: 0 });
    const result = await client.universal.download('f', { name: 'p', version: '1.0.0' }, dir.path, {
      hashes: ['sha256'],
    });
    expect(result.size).toBe(PACKAGE.length);
    expect(result.sha256).toBe(createHash('sha256').update(PACKAGE).digest('hex'));
    expect(readFileSync(result.path).equals(PACKAGE)).toBe(true);
    // Read by core's own reader (raw-http.ts), which asks for a connection of its own.
    expect(downloadHeaders.at(-1)?.connection).toBe('close');
    rmSync(result.path);
  });

  it('a package download from an untrusted server fails with the caCertPath hint and saves nothing', async () => {
    const before = readdirSync(dir.path);
    const error = await rejection(
      new ProGetClient({ url, retries: 0 }).universal.download(
        'f',
        { name: 'p', version: '1.0.0' },
        dir.path,
      ),
    );
    expect(error.kind).toBe('network');
    expect(error.hint).toContain('caCertPath');
    expect(readdirSync(dir.path)).toEqual(before);
  });

  it('a package download checks the host name against the certificate', async () => {
    // The certificate names 127.0.0.1 and proget.internal.test, not localhost.
    const localhost = url.replace('127.0.0.1', 'localhost');
    const error = await rejection(
      new ProGetClient({ url: localhost, caCertPath: caPath, retries: 0 }).universal.download(
        'f',
        { name: 'p', version: '1.0.0' },
        dir.path,
      ),
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match|not in the cert/i);
  });

  it('insecureTls downloads from a server whose certificate is not trusted', async () => {
    const client = new ProGetClient({ url, insecureTls: true, logger: captureLogger(), retries: 0 });
    const result = await client.universal.download(
      'f',
      { name: 'p', version: '1.0.0' },
      join(dir.path, 'i.upack'),
    );
    expect(result.size).toBe(PACKAGE.length);
    rmSync(result.path);
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

/** A CONNECT proxy on 127.0.0.1 that tunnels every request to `targetPort`, whatever host was asked for. */
async function startTunnelProxy(targetPort: number) {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createHttpServer();
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const upstream = connect(targetPort, '127.0.0.1', () => {
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
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => r());
      }),
  };
}

/** Sets proxy variables for the duration of `run`, then restores them. */
async function withEnv(vars: Record<string, string | undefined>, run: () => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('proxy', () => {
  it('goes through HTTP_PROXY for a non-loopback host (http-client proxy support)', async () => {
    const origin = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: '1.3.0', services: [], name: req.headers.host }));
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const proxy = await startTunnelProxy((origin.address() as AddressInfo).port);
    try {
      await withEnv(
        { http_proxy: proxy.url, HTTP_PROXY: undefined, NO_PROXY: undefined, no_proxy: undefined },
        async () => {
          const client = new ProGetClient({
            url: 'http://proget.internal.test:8624',
            apiKey: 'k',
            retries: 0,
          });
          const meta = await client.universal.meta('f');
          expect(meta.name).toBe('proget.internal.test:8624');
          expect(proxy.connects).toEqual(['proget.internal.test:8624']);
        },
      );
    } finally {
      await proxy.close();
      await new Promise<void>((r) => origin.close(() => r()));
    }
  });

  it('HTTPS through HTTPS_PROXY still trusts caCertPath (the tunnel agent makes the TLS socket)', async () => {
    const proxy = await startTunnelProxy((server.address() as AddressInfo).port);
    try {
      await withEnv(
        { https_proxy: proxy.url, HTTPS_PROXY: undefined, NO_PROXY: undefined, no_proxy: undefined },
        async () => {
          const target = 'https://proget.internal.test:8625';
          const untrusted = await rejection(
            new ProGetClient({ url: target, retries: 0 }).universal.meta('f'),
          );
          expect(untrusted.kind).toBe('network');
          const meta = await new ProGetClient({ url: target, caCertPath: caPath, retries: 0 }).universal.meta(
            'f',
          );
          expect(meta.apiVersion).toBe('1.3.0');
          // Package bytes go through the proxy too (node:http and the tunnel agent, not core's own reader).
          const downloaded = await new ProGetClient({
            url: target,
            caCertPath: caPath,
            retries: 0,
          }).universal.download('f', { name: 'p', version: '1.0.0' }, join(dir.path, 'proxied.upack'));
          expect(readFileSync(downloaded.path).equals(PACKAGE)).toBe(true);
          rmSync(downloaded.path);
          expect(proxy.connects).toEqual([
            'proget.internal.test:8625',
            'proget.internal.test:8625',
            'proget.internal.test:8625',
          ]);
        },
      );
    } finally {
      await proxy.close();
    }
  });
});
