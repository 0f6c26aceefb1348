// One hop of one attempt: the request's headers and body, then one of three ways to send it. Package bytes
// (transfer GETs) go through core's own reader (raw-http.ts) unless `nodeHttpTransfers` is set; a URL that
// HTTPS_PROXY/HTTP_PROXY applies to (NO_PROXY and loopback excepted) goes through the proxy (proxy.ts);
// everything else through node:http(s) (node-http.ts).

import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline, type Readable, Transform } from 'node:stream';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { directRequest, type KeepAliveAgents } from './node-http.js';
import { proxiedRequest } from './proxy.js';
import { rawGet } from './raw-http.js';
import type { Hop } from './redirects.js';
import type { RequestSpec, ResponseMessage, TransportConfig } from './types.js';

export interface SendContext {
  config: TransportConfig;
  agents: KeepAliveAgents;
  spec: RequestSpec;
  withCredentials: boolean;
  /** The attempt's controller: a failing request body aborts it with its error. */
  controller: AbortController;
  /** Marks activity for the idle timer (package bytes). */
  touch: () => void;
  /** Run when the attempt ends. */
  cleanups: Array<() => void>;
}

export function sendOnce(hop: Hop, context: SendContext): Promise<{ message: ResponseMessage }> {
  const { config, spec, controller, touch, cleanups } = context;
  const { method, target, body } = hop;
  const signal = controller.signal;
  const headers: OutgoingHttpHeaders = { accept: spec.accept ?? 'application/json' };
  if (context.withCredentials) Object.assign(headers, config.authHeaders);
  let data: string | Readable | null = null;
  if (body?.type === 'json') {
    data = JSON.stringify(body.value);
    // Bare: a 2022-era ProGet refused `; charset=utf-8`, and JSON is UTF-8 by definition.
    headers['content-type'] = 'application/json';
  } else if (body?.type === 'empty' || (!body && method !== 'GET' && method !== 'HEAD')) {
    data = ''; // sent with Content-Length: 0
  } else if (body?.type === 'stream') {
    const source = body.open();
    const onChunk = body.onChunk;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        touch();
        onChunk?.(chunk);
        done(null, chunk);
      },
    });
    // The body is piped into the request, and pipe() does not pass errors on: without this a read error
    // would leave the request waiting for bytes until the idle timeout.
    pipeline(source, counter, (error) => {
      if (error && !signal.aborted) controller.abort(error);
    });
    cleanups.push(() => {
      source.destroy();
      counter.destroy();
    });
    // An explicit length: chunked uploads are what made an official client hang for years.
    headers['content-length'] = String(body.length);
    headers['content-type'] = body.contentType;
    data = counter;
  }
  const tls = config.tls;
  const socketTimeout = Math.max(config.timeoutMs, config.transferTimeoutMs) + 60_000;
  const proxy = getProxyUrl(target);
  if (!proxy?.hostname && spec.transfer && method === 'GET' && !config.nodeHttpTransfers) {
    // Package bytes: read into large blocks instead of through node:http's parser and small reads.
    return rawGet(
      target,
      { ...headers, 'user-agent': config.userAgent },
      { signal, socketTimeout, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized },
    );
  }
  if (!proxy?.hostname) {
    return directRequest(method, target, data, headers, {
      userAgent: config.userAgent,
      signal,
      // Reads reuse connections (a promotion check makes hundreds of small requests); writes get a
      // fresh one, since a server closing an idle socket just as it is reused would fail a request that
      // must not be sent twice. Multipart parts reuse one: their loop resends a failed part, and a fresh
      // connection per 32 MiB part cost twice the system CPU of one connection (TCP windows start small).
      agent:
        method === 'GET' || method === 'HEAD' || spec.reuseConnection ? context.agents.for(target) : false,
      ca: tls.ca,
      rejectUnauthorized: tls.rejectUnauthorized,
      socketTimeout,
    });
  }
  return proxiedRequest(method, target, data, headers, {
    userAgent: config.userAgent,
    signal,
    socketTimeout,
    tls,
  });
}
