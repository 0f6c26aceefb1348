// Shared test helpers: a real HTTP server on 127.0.0.1, a capturing logger, temp directories.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProGetLogger } from '../src/index.js';

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  /** Every request seen, with its body, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown;

/** A server on 127.0.0.1:0 whose handler sees the fully read request body. */
export async function startServer(
  handler: Handler,
  options: { readBody?: boolean } = {},
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (options.readBody === false) {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.alloc(0) });
      void handler(req, res, Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      void handler(req, res, body);
    });
    req.on('error', () => {});
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface CapturingLogger extends ProGetLogger {
  debugs: string[];
  warns: string[];
}

export function captureLogger(): CapturingLogger {
  const debugs: string[] = [];
  const warns: string[] = [];
  return {
    debugs,
    warns,
    debug: (m) => debugs.push(m),
    warn: (m) => warns.push(m),
  };
}

export async function tempDir(): Promise<{
  path: string;
  files(): Promise<string[]>;
  remove(): Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), 'proget-core-test-'));
  return {
    path,
    files: async () => (await readdir(path)).sort(),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, ...headers });
  res.end(body);
}

export function text(
  res: ServerResponse,
  status: number,
  value: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(value);
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': body.length, ...headers });
  res.end(body);
}

/** An error promise's rejection, for assertions on its fields. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}
