// Which redirects are followed, and how (in the spirit of undici's redirect-handler): credentials never
// leave the configured origin, https never drops to http, request bodies never go to another origin, a
// write is never turned into a GET, and a redirect to a log-in or licensing page is an error of its own.

import { ProGetError } from '../errors.js';
import { redactUrl } from '../redact.js';
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
  policy: RedirectPolicy,
  hop: number,
): Hop {
  const { method } = current;
  let next: URL;
  try {
    next = new URL(location, current.target);
  } catch {
    throw redirectRefused(spec, call, status, 'to an address that is not a URL');
  }
  // What ProGet does in front of an API it will not serve: say so, whatever the method.
  const page = landingPage(next);
  if (page) throw pageError(page, spec, call, status, policy.hasCredentials);
  if (hop >= policy.maxRedirects) {
    throw new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${spec.operation}: more than ${policy.maxRedirects} redirects`,
      method,
      url: call.lastUrl,
      status,
    });
  }
  const where = policy.scrub(redactUrl(next));
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw redirectRefused(spec, call, status, `to a ${policy.scrub(next.protocol)} URL`);
  }
  if (current.target.protocol === 'https:' && next.protocol === 'http:') {
    throw redirectRefused(spec, call, status, `from https to http (${where}; it would expose the request)`);
  }
  const write = method !== 'GET' && method !== 'HEAD';
  // A write redirected with 301/302/303 would arrive as a GET: whatever answers it, nothing was written.
  if (write && (status === 301 || status === 302 || status === 303)) {
    throw redirectRefused(spec, call, status, `that would turn the ${method} into a GET (to ${where})`);
  }
  // Package bytes and records go to another origin never; credentials never leave the origin.
  if (write && next.origin !== policy.origin) {
    throw redirectRefused(
      spec,
      call,
      status,
      `of a ${method} to another origin (${policy.scrub(next.origin)})`,
    );
  }
  if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
    return { method: method === 'HEAD' ? 'HEAD' : 'GET', body: undefined, target: next };
  }
  return { method, body: current.body, target: next };
}

export interface RedirectPolicy {
  /** The configured origin: the only one credentials and request bodies go to. */
  origin: string;
  maxRedirects: number;
  hasCredentials: boolean;
  scrub: (text: string) => string;
}

type LandingPage = 'login' | 'licensing';

/** A redirect to ProGet's licensing page or to a log-in page (ProGet's `/log-in`, or a proxy's). */
export function landingPage(target: URL): LandingPage | undefined {
  const path = target.pathname.toLowerCase().replace(/\/+$/, '');
  // At most one segment before the page (ProGet under a base path): an API path that merely ends in
  // "login" (a package of that name) is not a log-in page.
  if (/^(\/[^/]+)?\/administration\/licensing$/.test(path)) return 'licensing';
  if (/^(\/[^/]+)?\/((account|users?|auth)\/)?(log-?in|sign-?in|logon)(\.[a-z]+)?$/.test(path))
    return 'login';
  return undefined;
}

function pageError(
  page: LandingPage,
  spec: RequestSpec,
  call: CallState,
  status: number,
  hasCredentials: boolean,
): ProGetError {
  if (page === 'licensing') {
    return new ProGetError({
      kind: 'server',
      message: `Could not ${spec.operation}: the ProGet server is not licensed (or not activated)`,
      status,
      method: call.method,
      url: call.lastUrl,
      hint: 'ProGet redirects every API call to Administration › Licensing until a valid license key is activated there; ask the server administrator.',
    });
  }
  return new ProGetError({
    kind: 'unauthorized',
    message: `Could not ${spec.operation}: redirected to a login page: the API key was not accepted`,
    status,
    method: call.method,
    url: call.lastUrl,
    hint: hasCredentials
      ? 'Check the API key (or username and password): it may be mistyped, expired or revoked, or this server ignores it for this request.'
      : 'The server requires authentication: supply an API key (or a username and password).',
  });
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
