// Response values, request-body helpers and the one place a response is written (with any response fault).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SimResponse {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer | Readable;
  /** Byte length of a stream body, when known (sent as Content-Length). */
  length?: number;
}

/** Thrown anywhere in a handler to answer with plain text. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function text(status: number, body: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

export function json(status: number, value: unknown): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

export function empty(status: number): SimResponse {
  return { status, body: '' };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function mediaType(req: IncomingMessage): string {
  return (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Read a whole (small) body; bodies over `limit` are a 413. */
export async function readBody(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type Fields = Record<string, unknown>;

/** JSON object or form fields of a request body; anything else gives `{}` without reading. */
export async function readFields(
  req: IncomingMessage,
  body: Readable,
  limit = 64 * 1024 * 1024,
): Promise<Fields> {
  const type = mediaType(req);
  if (type === 'application/json' || type.endsWith('+json')) {
    const raw = (await readBody(body, limit)).toString('utf8');
    if (raw.trim() === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new HttpError(400, `The request body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new HttpError(400, 'The request body must be a JSON object.');
    return value as Fields;
  }
  if (type === 'application/x-www-form-urlencoded' || (type === '' && req.method === 'POST')) {
    const raw = (await readBody(body, limit)).toString('utf8');
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return {};
}

export function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

/** Fails with 413 once more than `maxBytes` went through. */
export class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) cb(new HttpError(413, 'Request Entity Too Large'));
    else cb(null, chunk);
  }
}

export type ResponseFault =
  | { type: 'reset' }
  | { type: 'truncate'; bytes: number }
  | { type: 'slow-body'; bytesPerSecond: number };

async function* chunksOf(body: Buffer | Readable): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) {
    for (let i = 0; i < body.length; i += 65536) yield body.subarray(i, i + 65536);
    return;
  }
  for await (const chunk of body) yield chunk as Buffer;
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/** Close with a TCP reset where the socket allows it (plain TCP), else just destroy it (TLS). */
export function hardClose(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Write `r` to `res`, applying a response fault if one matched. */
export async function send(
  req: IncomingMessage,
  res: ServerResponse,
  r: SimResponse,
  common: Record<string, string>,
  fault?: ResponseFault,
): Promise<void> {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  const headers: Record<string, string | number> = { ...common, ...r.headers };
  const length = Buffer.isBuffer(body) ? body.length : r.length;
  if (length !== undefined) headers['Content-Length'] = length;
  res.writeHead(r.status, headers);
  if (req.method === 'HEAD' || body === undefined) {
    if (body instanceof Readable) body.destroy();
    res.end();
    return;
  }
  if (!fault) {
    if (Buffer.isBuffer(body)) {
      res.end(body);
      return;
    }
    await new Promise<void>((resolve) => {
      body.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        // A client that went away must not leave the file or zip open.
        body.destroy();
        resolve();
      });
      body.pipe(res);
    });
    return;
  }
  const socket = res.socket;
  try {
    if (fault.type === 'slow-body') {
      const step = Math.max(1, Math.floor(fault.bytesPerSecond / 10));
      for await (const chunk of chunksOf(body)) {
        for (let i = 0; i < chunk.length; i += step) {
          if (res.destroyed) return;
          await write(res, chunk.subarray(i, i + step));
          await sleep(100);
        }
      }
      res.end();
      return;
    }
    // reset: about half the body; truncate: exactly `bytes`.
    let remaining = fault.type === 'truncate' ? fault.bytes : Math.max(1, Math.floor((length ?? 2) / 2));
    for await (const chunk of chunksOf(body)) {
      if (remaining <= 0) break;
      const part = chunk.subarray(0, remaining);
      remaining -= part.length;
      await write(res, part);
    }
    if (fault.type === 'truncate') socket?.end();
    else if (socket) hardClose(socket);
  } catch {
    socket?.destroy();
  } finally {
    if (body instanceof Readable) body.destroy();
  }
}
