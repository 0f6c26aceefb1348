// When to try again and how long to wait (in the spirit of got's calculate-retry-delay): exponential
// backoff with full jitter, Retry-After honoured, writes resent only when nothing can have reached the server.

import { ProGetError } from '../errors.js';
import type { CallState, RequestSpec, TransportConfig } from './types.js';

/** Statuses worth another attempt: the server (or a proxy in front of it) says "not now". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Network failures that happen before a connection exists, so no request byte can have left. */
const PRE_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

const TRANSIENT_CODES = new Set([
  ...PRE_CONNECT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'HPE_INVALID_CHUNK_SIZE',
]);

export function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isPreConnectError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && PRE_CONNECT_CODES.has(code);
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined) return TRANSIENT_CODES.has(code);
  // Node reports a body cut short by the peer as a bare "aborted" error.
  return error instanceof Error && /^(aborted|socket hang up)$/i.test(error.message);
}

/** Any failure of the connection itself (as opposed to, say, a disk error while saving a download). */
export function isNetworkError(error: unknown): boolean {
  if (isTransientNetworkError(error)) return true;
  const code = errorCode(error);
  return (
    code !== undefined &&
    /^(HPE_|ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_HTTP|ERR_INVALID_URL$)/.test(code)
  );
}

/** Full jitter: a uniform delay in [0, min(cap, base·2^(retry-1))]. `retry` counts from 1. */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds (delta-seconds or an HTTP-date), or undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A response whose status is worth another attempt; unwrapped to its error when no attempt is left. */
export class RetryableStatus extends Error {
  constructor(
    readonly error: ProGetError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

/** 429 or 503 with a Retry-After: "not now, come back then", the request not handled. */
export function isRefusal(error: RetryableStatus): boolean {
  return (error.error.status === 429 || error.error.status === 503) && error.retryAfterMs !== undefined;
}

/**
 * How long to wait before the next attempt after `error`, or undefined when the call must fail now.
 * `retryable` holds the errors the response handler marked as safe to retry.
 */
export function retryDelay(
  config: TransportConfig,
  spec: RequestSpec,
  call: CallState,
  attempt: number,
  error: unknown,
  retryable: WeakSet<object>,
): number | undefined {
  if (attempt >= config.retries + 1 || call.signal.aborted) return undefined;
  const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'HEAD');
  let retryAfter: number | undefined;
  if (error instanceof RetryableStatus) {
    // The server answered, so a non-idempotent body was (at least partly) received: never resend it,
    // unless the request may be resent after a refusal that names its wait (see resendWhenRefused).
    if (!idempotent && !(spec.resendWhenRefused && isRefusal(error))) return undefined;
    retryAfter = error.retryAfterMs;
  } else if (error instanceof ProGetError) {
    if (!idempotent || !retryable.has(error)) return undefined;
  } else if (error instanceof Error && isTransientNetworkError(error)) {
    if (!idempotent && !isPreConnectError(error)) return undefined;
  } else {
    return undefined;
  }
  const cap = config.retryMaxDelayMs;
  const delay =
    retryAfter !== undefined
      ? Math.min(retryAfter, cap)
      : backoffDelay(attempt, config.retryBaseDelayMs, cap, config.random ?? Math.random);
  // Sleeping past the deadline would only turn a clear error into a timeout.
  if (call.deadline !== undefined && Date.now() + delay >= call.deadline) return undefined;
  return delay;
}
