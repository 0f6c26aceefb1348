// Which redirects are followed, and how (in the spirit of undici's redirect-handler): credentials never
// leave the configured origin, https never drops to http, and request bodies never go to another origin.

import { ProGetError } from '../errors.js';
import type { CallState, HttpMethod, RequestBody, RequestSpec } from './types.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Where one hop of a call goes. */
export interface Hop {
  method: HttpMethod;
  body: RequestBody | undefined;
  target: URL;
}

export function isRedirect(status: number, location: string | undefined): location is string {
  return REDIRECTS.has(status) && location !== undefined && location !== '';
}

/** The hop after a redirect answer, or a ProGetError saying why it is not followed. */
export function nextHop(
  spec: RequestSpec,
  call: CallState,
  current: Hop,
  status: number,
  location: string,
  origin: string,
  hop: number,
  maxRedirects: number,
): Hop {
  const { method } = current;
  if (hop >= maxRedirects) {
    throw new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${spec.operation}: more than ${maxRedirects} redirects`,
      method,
      url: call.lastUrl,
      status,
    });
  }
  const next = new URL(location, current.target);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw redirectRefused(spec, call, status, `to a ${next.protocol} URL`);
  }
  if (current.target.protocol === 'https:' && next.protocol === 'http:') {
    throw redirectRefused(spec, call, status, 'from https to http (it would expose the request)');
  }
  // Send package bytes or records to another origin only for reads; credentials never leave the origin.
  if (next.origin !== origin && method !== 'GET' && method !== 'HEAD') {
    throw redirectRefused(spec, call, status, `of a ${method} to another origin (${next.origin})`);
  }
  if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
    return { method: method === 'HEAD' ? 'HEAD' : 'GET', body: undefined, target: next };
  }
  return { method, body: current.body, target: next };
}

function redirectRefused(spec: RequestSpec, call: CallState, status: number, what: string): ProGetError {
  return new ProGetError({
    kind: 'invalid-response',
    message: `Could not ${spec.operation}: refused to follow a redirect ${what}`,
    status,
    method: call.method,
    url: call.lastUrl,
    hint: 'Point the ProGet URL at the final address (including https) so no redirect is needed.',
  });
}
