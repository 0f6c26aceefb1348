// A tiny hostile HTTP server for transport tests: a TCP listener on 127.0.0.1 that answers each request
// with exactly the bytes a test writes, so framing, resets and lies can be crafted byte by byte.

import { createServer, type Server, type Socket } from 'node:net';

export interface RawRequest {
  /** The request head as sent (request line and headers, without the blank line). */
  head: string;
  method: string;
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as far as Content-Length says (empty without one). */
  body: Buffer;
}

export interface RawServer {
  url: string;
  port: number;
  requests: RawRequest[];
  close(): Promise<void>;
}

export type Respond = (socket: Socket, request: RawRequest, index: number) => void | Promise<void>;

/** Starts a server that calls `respond` once per request (a connection may carry several, in order). */
export async function rawServer(respond: Respond): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let received = Buffer.alloc(0);
    let busy = false;
    const next = () => {
      if (busy) return;
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      const lines = head.split('\r\n');
      const [method = '', path = ''] = (lines[0] ?? '').split(' ');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (received.length < end + 4 + length) return;
      const body = Buffer.from(received.subarray(end + 4, end + 4 + length));
      received = received.subarray(end + 4 + length);
      const request = { head, method, path, headers, body };
      requests.push(request);
      busy = true;
      void Promise.resolve(respond(socket, request, requests.length - 1)).finally(() => {
        busy = false;
        next();
      });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes the pieces one at a time, each in its own turn of the event loop, then maybe ends. */
export async function writePieces(socket: Socket, pieces: Array<string | Buffer>, end = true): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (end) socket.end();
}

/** A response head; `headers` in order, as given. */
export function head(status: string, headers: Record<string, string | number> = {}): string {
  const lines = [`HTTP/1.1 ${status}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Bytes whose every 4-byte word says where it is, so a misplaced or reused chunk shows. */
export function positional(size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) body.writeUInt32LE(i, i);
  return body;
}
