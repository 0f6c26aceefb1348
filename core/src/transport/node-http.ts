// Requests on node:http(s): every request that is not package bytes or through a proxy.

import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { HttpMethod } from './types.js';

/** One keep-alive agent pair per client; idle sockets are unref'd by Node, so they never hold a process. */
export class KeepAliveAgents {
  private agents?: { http: HttpAgent; https: HttpsAgent };

  for(target: URL): HttpAgent {
    this.agents ??= {
      http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
    };
    return target.protocol === 'https:' ? this.agents.https : this.agents.http;
  }
}

export interface DirectOptions {
  userAgent: string;
  signal: AbortSignal;
  /** A keep-alive agent, or false for a connection of its own. */
  agent: HttpAgent | false;
  ca?: string[];
  rejectUnauthorized: boolean;
  /** A last-resort socket inactivity limit, beyond the transport's own timers. */
  socketTimeout: number;
}

/** One request on node:http(s), resolving with the response head (as http-client's request() did). */
export function directRequest(
  method: HttpMethod,
  target: URL,
  data: string | Readable | null,
  headers: OutgoingHttpHeaders,
  options: DirectOptions,
): Promise<{ message: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const outgoing: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) outgoing[name.toLowerCase()] = value;
    outgoing['user-agent'] = options.userAgent;
    if (typeof data === 'string') outgoing['content-length'] = Buffer.byteLength(data, 'utf8');
    const requestOptions: RequestOptions & { ca?: string[]; rejectUnauthorized?: boolean } = {
      method,
      headers: outgoing,
      agent: options.agent,
      signal: options.signal,
    };
    if (options.ca) requestOptions.ca = options.ca;
    if (!options.rejectUnauthorized) requestOptions.rejectUnauthorized = false;
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, requestOptions, (message) => resolve({ message }));
    req.on('error', reject);
    req.setTimeout(options.socketTimeout, () => {
      req.destroy(new Error(`Request timeout: ${target.pathname}`));
    });
    if (typeof data === 'string') req.end(data, 'utf8');
    else if (data) data.pipe(req);
    else req.end();
  });
}
