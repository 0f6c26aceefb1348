// Raw, side-effect-free looks at a server: one GET without following redirects (so a licensing or login
// redirect is seen as such), and a TLS handshake that reports why a certificate is not trusted instead of
// just failing. The client proper hides both on purpose; the doctor needs to see them.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from 'node:tls';
import type { TlsVerdict } from './types.js';

export interface ProbeTls {
  ca?: string[];
  rejectUnauthorized: boolean;
}

export interface ProbeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first `BODY_LIMIT` bytes as UTF-8. */
  text: string;
  contentType: string;
}

const BODY_LIMIT = 64 * 1024;

/** A network failure with Node's error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, a TLS code...). */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function probeGet(
  url: URL,
  options: { headers?: Record<string, string>; tls: ProbeTls; timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeResponse> {
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json, text/plain, */*', ...options.headers },
        agent: false,
        ca: options.tls.ca,
        rejectUnauthorized: options.tls.rejectUnauthorized,
        timeout: options.timeoutMs,
        signal: options.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= BODY_LIMIT) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= BODY_LIMIT) res.destroy();
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8'),
            contentType: (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
          });
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      },
    );
    req.on('timeout', () =>
      req.destroy(new ProbeError(`no answer within ${options.timeoutMs} ms`, 'ETIMEDOUT')),
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e instanceof ProbeError ? e : new ProbeError(e.message, e.code)),
    );
    req.end();
  });
}

export interface TlsInspection {
  verdict: TlsVerdict;
  /** Node's reason (`DEPTH_ZERO_SELF_SIGNED_CERT`, a host mismatch message...), when not ok. */
  reason?: string;
  subject?: string;
  issuer?: string;
  validTo?: string;
}

/** Handshake without trusting anything, then judge the certificate the way a verifying client would. */
export function inspectTls(url: URL, options: { ca?: string[]; timeoutMs: number }): Promise<TlsInspection> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isIp = /^[\d.]+$|:/.test(host);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port: Number(url.port || 443),
      servername: isIp ? undefined : host,
      ca: options.ca,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => socket.destroy(new ProbeError(`no TLS handshake within ${options.timeoutMs} ms`, 'ETIMEDOUT')),
      options.timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const base = {
        subject: name(cert?.subject),
        issuer: name(cert?.issuer),
        validTo: cert?.valid_to,
      };
      const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      socket.end();
      if (!socket.authorized && authError) {
        resolve({ ...base, verdict: verdictFor(authError), reason: authError });
        return;
      }
      const identity = cert ? checkServerIdentity(host, cert) : undefined;
      if (identity) {
        resolve({ ...base, verdict: 'wrong-host', reason: identity.message });
        return;
      }
      resolve({ ...base, verdict: 'ok' });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e instanceof ProbeError ? e : new ProbeError(e.message, e.code));
    });
  });
}

function verdictFor(code: string): TlsVerdict {
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'self-signed';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'wrong-host';
  return 'untrusted';
}

function name(subject: PeerCertificate['subject'] | undefined): string | undefined {
  const value = subject?.CN ?? subject?.O;
  return Array.isArray(value) ? value[0] : value;
}

/** `<title>` of an HTML page, or its first words. */
export function htmlTitle(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  if (title) return title;
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export function looksLikeHtml(response: ProbeResponse): boolean {
  return (
    response.contentType === 'text/html' ||
    response.contentType === 'application/xhtml+xml' ||
    /^\s*<(!doctype|html|head|body)\b/i.test(response.text)
  );
}
