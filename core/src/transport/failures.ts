// Wording for calls that end without a usable answer: stopped (timeout, cancellation), a network failure,
// or an answer that only looks like success.

import { errorSummary, ProGetError } from '../errors.js';
import { redactUrl, type SecretScrubber } from '../redact.js';
import { errorCode, RetryableStatus } from './retry.js';
import { StopReason } from './timers.js';
import type { CallState, RequestSpec, ResponseContext } from './types.js';

export function stopError(
  reason: unknown,
  spec: RequestSpec,
  call: CallState,
  cause?: unknown,
  attempts?: number,
): ProGetError {
  const stop =
    reason instanceof StopReason ? reason : new StopReason('aborted', 'the operation was cancelled', false);
  return new ProGetError({
    kind: stop.kind,
    message: `Could not ${spec.operation}: ${stop.detail}`,
    method: call.method,
    url: call.lastUrl,
    attempts,
    cause,
  });
}

export function networkError(
  error: Error,
  spec: RequestSpec,
  call: CallState,
  attempts: number,
  scrubber: SecretScrubber,
): ProGetError {
  const code = errorCode(error);
  // Node says just "aborted" when the peer closes mid-response.
  const raw = /^aborted$/i.test(error.message)
    ? 'the connection closed before the response was complete'
    : error.message;
  const detail = scrubber.scrub(raw || code || 'network error');
  return new ProGetError({
    kind: 'network',
    message: `Could not ${spec.operation}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`,
    method: call.method,
    url: call.lastUrl,
    hint: networkHint(code, call.lastUrl),
    attempts,
    cause: error,
  });
}

function networkHint(code: string | undefined, url: string): string | undefined {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return redactUrl(url);
    }
  })();
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing accepted the connection at ${host}: check the URL, the port and that ProGet is running.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name ${host} could not be resolved: check the URL and DNS (or HTTPS_PROXY/NO_PROXY).`;
    case 'ECONNRESET':
      return 'The connection was reset: a proxy, load balancer or the server closed it early.';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "The server's TLS certificate is not trusted: give its CA certificate (PEM file) as caCertPath (the action's ca-cert input), or name that file in the NODE_EXTRA_CA_CERTS environment variable.";
    default:
      return undefined;
  }
}

/** One line for the debug log when an attempt is retried. */
export function describeFailure(error: unknown): string {
  if (error instanceof RetryableStatus) return `HTTP ${error.error.status}`;
  if (error instanceof ProGetError) return error.summary;
  return errorCode(error) ?? errorSummary(error);
}

const NOT_PROGET_HINT =
  'Check that the URL points at ProGet itself, not a login page, proxy or another web application.';

/** A 2xx the API does not document for this call (a proxy's or another application's answer). */
export function unexpectedSuccess(
  spec: RequestSpec,
  call: CallState,
  status: number,
  expected: number[],
): ProGetError {
  return new ProGetError({
    kind: 'invalid-response',
    message: `Could not ${spec.operation}: the server answered ${status}, not ${expected.join(' or ')} as the API does`,
    status,
    method: call.method,
    url: call.lastUrl,
    hint: NOT_PROGET_HINT,
  });
}

/** An HTML page answered to an API call: a log-in page, a proxy's page, another application. */
export function htmlAnswer(spec: RequestSpec, response: ResponseContext): ProGetError {
  return new ProGetError({
    kind: 'invalid-response',
    message: `Could not ${spec.operation}: the server answered with an HTML page, not the API's response, so nothing is known to have happened`,
    status: response.status,
    method: spec.method,
    url: response.url,
    hint: NOT_PROGET_HINT,
  });
}
