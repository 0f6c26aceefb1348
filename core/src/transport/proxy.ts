// Requests through HTTPS_PROXY/HTTP_PROXY, with @actions/http-client's tunnel agents.
//
// http-client is imported lazily: it evaluates undici at import time, memory and start-up that a run
// without a proxy never needs. A bundler keeps the lazy import lazy only if it splits it into its own chunk
// (esbuild `splitting`); in one file it is parsed but not evaluated.

import type { IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import type { Readable } from 'node:stream';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import type { TlsSettings } from './tls.js';
import type { HttpMethod } from './types.js';

export async function proxiedRequest(
  method: HttpMethod,
  target: URL,
  data: string | Readable | null,
  headers: OutgoingHttpHeaders,
  options: { userAgent: string; signal: AbortSignal; socketTimeout: number; tls: TlsSettings },
): Promise<{ message: IncomingMessage }> {
  const { HttpClient } = await import('@actions/http-client');
  const { signal, tls } = options;
  if (signal.aborted) throw signal.reason;
  const handler: RequestHandler = {
    prepareRequest(options: RequestOptions & { ca?: string[]; rejectUnauthorized?: boolean }) {
      options.signal = signal;
      if (tls.ca) options.ca = tls.ca;
      if (!tls.rejectUnauthorized) options.rejectUnauthorized = false;
      // Through a proxy the TLS socket is made by the tunnel agent from its own options.
      const agentOptions = (options.agent as { options?: Record<string, unknown> } | undefined)?.options;
      if (agentOptions && options.protocol !== 'http:') {
        if (tls.ca) agentOptions.ca = tls.ca;
        if (!tls.rejectUnauthorized) agentOptions.rejectUnauthorized = false;
      }
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not used')),
  };
  const client = new HttpClient(options.userAgent, [handler], {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    ignoreSslError: !tls.rejectUnauthorized,
    socketTimeout: options.socketTimeout,
  });
  return client.request(method, target.href, data, headers);
}
