// An HTTP/1.1 GET for package bytes (over TCP or TLS), read off the socket in large blocks.
//
// node:http reads a socket in small pieces and passes every read through its parser and a stream push, a
// round per piece that dominates a large download (test/bench/README.md has the measurements). Here the
// socket reads straight into large blocks (`net.connect({ onread })`, blocks and framing in raw-body.ts):
// each read lands just after the one before it in the current block, and the body goes on as views of
// those bytes, never copied. A block is never written twice while a view of it is
// out, so a view handed on stays valid; a new block is started when what is left of one gets small. A
// consumer that is done with a chunk may hand it back (`recycle`): a block whose every view came back is
// read into again, so a download does not leave a trail of blocks for the garbage collector.
//
// Only what a download needs: one GET, `Connection: close`, the response head, then a body framed by
// Content-Length, chunked transfer coding, or the end of the connection. The response looks enough like
// an IncomingMessage (statusCode, statusMessage, headers, complete, a Readable of the body) for the
// transport to treat both alike. A body cut short fails as node:http's does: "aborted", ECONNRESET.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { BodyReader, bodyFraming, protocolError, ReadBlocks } from './raw-body.js';

export { RAW_READ_BLOCK } from './raw-body.js';

/** Response heads beyond this are refused (more generous than node:http's default limit). */
const MAX_HEAD_BYTES = 64 * 1024;
/** Interim (1xx) responses allowed before the real one; a server sends one or two. */
export const MAX_INTERIM = 10;

export interface RawGetOptions {
  signal: AbortSignal;
  /** A last-resort inactivity limit on the socket. */
  socketTimeout: number;
  /** For https: the trusted CAs (undefined: Node's) and whether the certificate must verify. */
  ca?: string[];
  rejectUnauthorized?: boolean;
}

/** A parsed response head and its body as a stream. */
export class RawResponse extends Readable {
  statusCode = 0;
  statusMessage = '';
  headers: IncomingHttpHeaders = {};
  /** True once the whole body (as framed) has arrived. */
  complete = false;
  private resumeSocket: (() => void) | undefined;

  constructor(private readonly blocks: ReadBlocks) {
    super();
  }

  /** The consumer no longer needs this body chunk (written to disk, say): its memory may be read into again. */
  recycle(chunk: Buffer): void {
    this.blocks.giveBack(chunk);
  }

  /** @internal */
  setResume(resume: () => void): void {
    this.resumeSocket = resume;
  }

  override _read(): void {
    this.resumeSocket?.();
  }

  /** As IncomingMessage does: an error nobody listens for yet is not thrown (a reader attached later sees a premature close). */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(this.listenerCount('error') > 0 ? error : null);
  }
}

/** Sends `GET target` on a connection of its own and resolves with the response once its head is in. */
export function rawGet(
  target: URL,
  headers: OutgoingHttpHeaders,
  options: RawGetOptions,
): Promise<{ message: RawResponse }> {
  return new Promise((resolve, reject) => {
    let head: string;
    try {
      head = requestHead(target, headers);
    } catch (error) {
      reject(error);
      return;
    }
    const { signal } = options;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const blocks = new ReadBlocks();
    const response = new RawResponse(blocks);
    /** Resolved: later failures go to the response; rejected: nothing is left to tell. */
    let settled = false;
    let rejected = false;
    const fail = (error: Error) => {
      socket.destroy();
      if (!settled) {
        settled = true;
        rejected = true;
        reject(error);
      } else if (!rejected && !response.complete) response.destroy(error);
    };

    /** The start of a head not yet whole (at most one buffer), and its length. */
    let headParts: Buffer[] = [];
    let headBytes = 0;
    let interim = 0;
    let body: BodyReader | undefined;

    const onData = (nread: number): boolean => {
      let data = blocks.take(nread);
      if (response.destroyed) return false;
      if (!body) {
        const rest = takeHead(data);
        if (rest === undefined) return true;
        data = rest;
      }
      if (!body || data.length === 0) return true;
      const more = body.feed(data);
      if (!more) {
        socket.pause();
        return false;
      }
      return true;
    };

    /**
     * Collects the head; once it is whole, resolves and returns the bytes after it (undefined: not yet).
     * Interim (1xx) responses before it are skipped in a loop over one buffer, at most MAX_INTERIM of them.
     */
    const takeHead = (data: Buffer): Buffer | undefined => {
      // A copy: `data` lies in a read block that will be read into again.
      const all =
        headBytes === 0 ? Buffer.from(data) : Buffer.concat([headParts[0]!, data], headBytes + data.length);
      headParts = [];
      headBytes = 0;
      let from = 0;
      for (;;) {
        const end = all.indexOf('\r\n\r\n', from);
        if ((end < 0 ? all.length : end) - from > MAX_HEAD_BYTES) {
          fail(
            protocolError('HPE_HEADER_OVERFLOW', `the response head is larger than ${MAX_HEAD_BYTES} bytes`),
          );
          return undefined;
        }
        if (end < 0) {
          headParts = [all.subarray(from)];
          headBytes = all.length - from;
          return undefined;
        }
        const parsed = parseHead(all.toString('latin1', from, end));
        if (parsed instanceof Error) {
          fail(parsed);
          return undefined;
        }
        from = end + 4;
        if (parsed.status >= 200) return startBody(parsed, all.subarray(from));
        // 1xx (100 Continue, 103 Early Hints) precede the real response; a flood of them is an attack.
        if (++interim > MAX_INTERIM) {
          fail(
            protocolError(
              'HPE_TOO_MANY_INTERIM',
              `more than ${MAX_INTERIM} interim (1xx) responses before the answer`,
            ),
          );
          return undefined;
        }
      }
    };

    const startBody = (
      parsed: { status: number; reason: string; headers: IncomingHttpHeaders },
      rest: Buffer,
    ): Buffer | undefined => {
      response.statusCode = parsed.status;
      response.statusMessage = parsed.reason;
      response.headers = parsed.headers;
      const framing = bodyFraming(parsed.status, parsed.headers);
      if (framing instanceof Error) {
        fail(framing);
        return undefined;
      }
      body = new BodyReader(
        framing,
        response,
        blocks,
        () => {
          response.complete = true;
          response.push(null);
          socket.destroy();
        },
        () => socket.pause(),
      );
      settled = true;
      resolve({ message: response });
      body.start();
      return rest;
    };

    const host = target.hostname.replace(/^\[|\]$/g, '');
    // Asked for before every read: the part of the block not yet read into.
    const onread = { buffer: () => blocks.free(), callback: onData };
    // tls.connect takes `onread` as net.connect does (Node ≥ 15.1), though @types/node leaves it out.
    const tlsOptions: ConnectionOptions & { onread: typeof onread } = {
      host,
      port: Number(target.port || 443),
      // SNI and the certificate check use the host name; an IP address is checked against the
      // certificate's IP entries.
      servername: isIP(host) ? undefined : host,
      ca: options.ca,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      ALPNProtocols: ['http/1.1'],
      onread,
    };
    const socket: Socket =
      target.protocol === 'https:'
        ? tlsConnect(tlsOptions)
        : connect({ host, port: Number(target.port || 80), onread });
    response.setResume(() => socket.resume());
    response.on('close', () => socket.destroy());
    socket.setNoDelay(true);
    socket.setTimeout(options.socketTimeout, () => fail(new Error(`Request timeout: ${target.pathname}`)));
    // Once the response has begun, a broken connection is a body cut short, as node:http reports it.
    socket.on('error', (error) => fail(settled ? Object.assign(aborted(), { cause: error }) : error));
    // Closed early: before the head, node:http says "socket hang up"; within the body, "aborted".
    const cutShort = () => fail(settled ? aborted() : connReset('socket hang up'));
    socket.on('end', () => {
      if (body?.untilClose) body.finish();
      else if (!response.complete) cutShort();
    });
    socket.on('close', () => {
      if (!response.complete && !socket.readableEnded) cutShort();
    });
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
    socket.write(head, 'latin1');
    socket.resume();
  });
}

function requestHead(target: URL, headers: OutgoingHttpHeaders): string {
  const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `host: ${target.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'content-length') continue;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), {
        code: 'ERR_INVALID_HTTP_TOKEN',
      });
    }
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      // Never echo the value: it may be a key.
      if (/[\0\r\n]/.test(v)) {
        throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), {
          code: 'ERR_INVALID_CHAR',
        });
      }
      lines.push(`${lower}: ${v}`);
    }
  }
  lines.push('connection: close', '', '');
  return lines.join('\r\n');
}

function parseHead(text: string): { status: number; reason: string; headers: IncomingHttpHeaders } | Error {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) return protocolError('HPE_INVALID_CONSTANT', 'the response is not HTTP/1.x');
  const headers: Record<string, string | string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^[ \t]/.test(line)) {
      return protocolError('HPE_INVALID_HEADER_TOKEN', 'the response has a malformed header line');
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers[name];
    if (name === 'set-cookie') headers[name] = [...((had as string[] | undefined) ?? []), value];
    else headers[name] = had === undefined ? value : `${had}, ${value}`;
  }
  return { status: Number(status[1]), reason: status[2] ?? '', headers: headers as IncomingHttpHeaders };
}

/** What node:http says when the peer closes before the body is complete. */
function aborted(): Error {
  return connReset('aborted');
}

function connReset(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}
