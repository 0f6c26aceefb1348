// Non-2xx responses turned into ProGetError with a kind and a hint a person can act on.

import { ProGetError, type ProGetErrorKind } from '../errors.js';

/** What an area tells the transport about one call so that errors can explain themselves. */
export interface ErrorContext {
  /** Short description of the operation, e.g. `upload package to feed "x"`. */
  operation: string;
  /** Privilege(s) a 403 should name, e.g. `Feeds_AddPackage on feed "x"`. */
  privilege?: string;
  /** Replaces the generic 404 hint. */
  notFoundHint?: string;
  /** Set when the operation is unavailable in ProGet Free: names the feature for the edition error. */
  paidFeature?: string;
}

export interface HttpFailure {
  status: number;
  statusText?: string;
  method: string;
  /** Already redacted. */
  url: string;
  /** Path of the request relative to the base URL, for endpoint-specific hints. */
  path: string;
  /** Already scrubbed of secrets. */
  serverText?: string;
  /** Set when a redirect led to another origin, which was deliberately sent no credentials. */
  foreignOrigin?: string;
  edition?: string;
  hasCredentials: boolean;
  attempts: number;
}

export function kindForStatus(status: number): ProGetErrorKind {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not-found';
    case 405:
    case 501:
      return 'not-supported';
    case 408:
      return 'timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'too-large';
    default:
      if (status >= 500) return 'server';
      if (status >= 400) return 'bad-request';
      return 'invalid-response';
  }
}

export function httpError(failure: HttpFailure, context: ErrorContext): ProGetError {
  const isFree = failure.edition?.toLowerCase() === 'free';
  let kind = kindForStatus(failure.status);
  let hint = hintFor(failure, context);
  if (context.paidFeature && isFree && failure.status >= 400 && failure.status < 500) {
    kind = 'edition-required';
    hint = `${capitalise(context.paidFeature)} needs a paid edition of ProGet; this server reports X-ProGet-Edition: Free.`;
  }
  const reason = failure.statusText
    ? `HTTP ${failure.status} ${failure.statusText}`
    : `HTTP ${failure.status}`;
  return new ProGetError({
    kind,
    message: `Could not ${context.operation}: ${reason}`,
    status: failure.status,
    method: failure.method,
    url: failure.url,
    serverText: failure.serverText,
    hint,
    attempts: failure.attempts,
  });
}

function hintFor(f: HttpFailure, c: ErrorContext): string | undefined {
  const path = f.path.toLowerCase();
  switch (f.status) {
    case 401:
      if (f.foreignOrigin && f.hasCredentials) {
        return `The request was redirected to another origin (${f.foreignOrigin}), and the API key is deliberately not sent to another origin, so that server saw no credentials. Point the ProGet URL at the server that answers the API itself.`;
      }
      return f.hasCredentials
        ? 'The server did not accept the credentials: check the API key (or username and password) and that it has not expired or been revoked.'
        : 'The server requires authentication: supply an API key (or a username and password) with access to this feed.';
    case 403:
      return c.privilege
        ? `The API key (or user) is unknown or lacks the ${c.privilege} privilege. Grant it in ProGet under Administration › API Keys (or the user's task permissions).`
        : 'The API key (or user) is unknown or lacks the privilege this operation needs.';
    case 404:
      if (c.notFoundHint) return c.notFoundHint;
      if (path.startsWith('/api/connector-health')) {
        return 'Connector health is not reported by this ProGet version: the endpoint was removed in ProGet 2024.';
      }
      if (path.startsWith('/api/promotions/') || path.startsWith('/api/packages/')) {
        return 'This endpoint needs ProGet 2023 or later; on a newer server, check that the feed and package exist.';
      }
      if (path.startsWith('/upack/')) {
        return 'Check the feed name and that the feed is a universal (upack) feed, and the package group, name and version.';
      }
      return undefined;
    case 405:
    case 501:
      return 'This ProGet server does not support this operation (older version, or the feed type lacks it).';
    case 408:
      return 'The server gave up waiting for the request; retry, or raise the timeout if the request is large.';
    case 409:
      return 'The package or version already exists or is being changed by someone else.';
    case 413:
      return "The request is larger than the server's request body limit. On IIS raise maxAllowedContentLength (default ~30 MB) in ProGet's web.config; behind a reverse proxy raise its body size limit (e.g. nginx client_max_body_size).";
    case 429:
      return f.edition?.toLowerCase() === 'free'
        ? 'The server is rate limiting requests; ProGet Free limits API deletes to 10 per hour.'
        : 'The server is rate limiting requests; try again later.';
    default:
      if (f.status >= 500) {
        return 'The ProGet server failed; see its Diagnostic Center (Administration › Diagnostic Center) or the web server logs.';
      }
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
