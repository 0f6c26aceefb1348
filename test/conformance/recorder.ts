// A recording proxy on 127.0.0.1: the checks' client talks to it, it forwards to the real server and
// writes down each exchange (method, path, status, headers without secrets, the first bytes of each
// body). Bodies stream through; only the excerpt is kept. The transcript is what a simulator test replays.

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const TRANSCRIPT_FORMAT = 'proget-ci-transcript/1';
export const REDACTED = '[redacted]';
/** A secret header that did not carry the user's key (the suite's deliberately unknown key, say). */
export const REDACTED_OTHER = '[redacted other value]';
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-apikey', 'cookie', 'set-cookie']);
const SECRET_QUERY = /^(key|api_key|apikey|password)$/i;

export interface BodyExcerpt {
  /** Bytes that passed (the whole body), of which `text` or `base64` holds at most the limit. */
  bytes: number;
  truncated: boolean;
  text?: string;
  base64?: string;
}

export interface Exchange {
  seq: number;
  method: string;
  /** Path and query as sent, with key parameters redacted. */
  path: string;
  status: number;
  /** Set when the server could not be reached. */
  error?: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody?: BodyExcerpt;
  responseBody?: BodyExcerpt;
}

export interface Transcript {
  format: typeof TRANSCRIPT_FORMAT;
  recordedAt: string;
  runId: string;
  write: boolean;
  serverInfo: { version?: string; edition?: string };
  bodyLimit: number;
  exchanges: Exchange[];
}

export interface RecorderOptions {
  /** Base URL of the real server (a path prefix is kept). */
  upstream: string;
  tls: { ca?: string[]; rejectUnauthorized: boolean };
  secrets: (string | undefined)[];
  bodyLimit?: number;
}

export interface Recorder {
  /** Base URL to give the client: the proxy plus the upstream's path prefix. */
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const upstream = new URL(options.upstream);
  const limit = options.bodyLimit ?? 4096;
  const secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 3);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  const exchanges: Exchange[] = [];
  let seq = 0;
  let proxyOrigin = '';

  const server: Server = createServer((req, res) => {
    const exchange: Exchange = {
      seq: ++seq,
      method: req.method ?? 'GET',
      path: scrub(redactQuery(req.url ?? '/')),
      status: 0,
      requestHeaders: redactHeaders(req.headers, scrub),
      responseHeaders: {},
    };
    const requestTap = new Tap(limit);
    const make = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...req.headers, host: upstream.host };
    const outgoing = make({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent: false,
      ca: options.tls.ca,
      rejectUnauthorized: options.tls.rejectUnauthorized,
    });
    outgoing.on('response', (incoming) => {
      exchange.status = incoming.statusCode ?? 0;
      exchange.responseHeaders = redactHeaders(incoming.headers, scrub);
      const location = incoming.headers.location;
      if (typeof location === 'string' && location.startsWith(upstream.origin))
        incoming.headers.location = proxyOrigin + location.slice(upstream.origin.length);
      res.writeHead(exchange.status, incoming.headers);
      const responseTap = new Tap(limit);
      pipeline(incoming, responseTap, res)
        .catch(() => {})
        .finally(() => {
          exchange.responseBody = responseTap.excerpt(exchange.responseHeaders['content-type'], scrub);
          exchanges.push(exchange);
        });
    });
    outgoing.on('error', (e) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      exchange.error = scrub(e.message);
      exchanges.push(exchange);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proget-ci recorder: the server could not be reached: ${scrub(e.message)}`);
    });
    pipeline(req, requestTap, outgoing)
      .catch(() => {})
      .finally(() => {
        if (requestTap.bytes > 0)
          exchange.requestBody = requestTap.excerpt(exchange.requestHeaders['content-type'], scrub);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${proxyOrigin}${upstream.pathname.replace(/\/+$/, '')}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes every byte on and keeps the first `limit` of them. */
class Tap extends Transform {
  bytes = 0;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.keptBytes < this.limit) {
      const part = chunk.subarray(0, this.limit - this.keptBytes);
      this.kept.push(Buffer.from(part));
      this.keptBytes += part.length;
    }
    callback(null, chunk);
  }

  excerpt(contentType: string | undefined, scrub: (text: string) => string): BodyExcerpt {
    const buffer = Buffer.concat(this.kept);
    const textual = /^(text\/|application\/(json|xml|x-www-form-urlencoded|problem\+json))/i.test(
      contentType ?? '',
    );
    return {
      bytes: this.bytes,
      truncated: this.bytes > buffer.length,
      ...(textual ? { text: scrub(buffer.toString('utf8')) } : { base64: buffer.toString('base64') }),
    };
  }
}

function redactHeaders(
  headers: IncomingHttpHeaders,
  scrub: (text: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'host') continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? redactSecret(text, scrub) : scrub(text);
  }
  return out;
}

function redactQuery(path: string): string {
  const q = path.indexOf('?');
  if (q === -1) return path;
  const params = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const name = decodeURIComponent(pair.split('=')[0]!.replace(/\+/g, ' '));
      return SECRET_QUERY.test(name) ? `${pair.split('=')[0]}=${REDACTED}` : pair;
    });
  return `${path.slice(0, q)}?${params.join('&')}`;
}

/** The user's key (also inside Basic credentials) becomes REDACTED, any other value REDACTED_OTHER. */
function redactSecret(value: string, scrub: (text: string) => string): string {
  const basic = /^basic\s+(\S+)$/i.exec(value);
  const plain = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : value;
  return scrub(plain) !== plain ? REDACTED : REDACTED_OTHER;
}
