// How every SCA call goes out: Basic's hourly limit (429 + Retry-After) and Free's refusal explained in
// one clear error each, whatever endpoint hit them.

import { ProGetError, type ProGetErrorInit } from '../../errors.js';
import { parseRetryAfter } from '../../transport/retry.js';
import type { RequestSpec, ResponseContext, Transport } from '../../transport/transport.js';

/** Basic edition's limit of ten SCA/compliance API actions per hour was reached. */
export class ScaRateLimitError extends ProGetError {
  /** Seconds the server asked to wait (`Retry-After`); undefined when it did not say. */
  readonly retryAfterSeconds?: number;

  constructor(init: ProGetErrorInit & { retryAfterSeconds?: number }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export const EDITION_HINT =
  'Projects, builds, SBOM import, vulnerability audits and compliance checks are not available in ProGet Free; upgrade to ProGet Basic or Enterprise (Administration › License Key).';

function rateLimitError(
  operation: string,
  retryAfterSeconds: number | undefined,
  from: { method?: string; url?: string; serverText?: string; attempts?: number },
): ScaRateLimitError {
  const when = retryAfterSeconds !== undefined ? `; retry after ${retryAfterSeconds} s` : '; retry later';
  return new ScaRateLimitError({
    kind: 'bad-request',
    status: 429,
    message: `Could not ${operation}: hourly limit of the Basic edition reached${when}`,
    method: from.method,
    url: from.url,
    serverText: from.serverText,
    attempts: from.attempts,
    hint: 'ProGet Basic allows ten SCA and compliance API actions per hour; ProGet Enterprise has no such limit.',
    retryAfterSeconds,
  });
}

function editionError(operation: string, e: ProGetError): ProGetError {
  return new ProGetError({
    kind: 'edition-required',
    status: e.status,
    message: `Could not ${operation}: this needs ProGet Basic or Enterprise (the server runs ProGet Free)`,
    method: e.method,
    url: e.url,
    serverText: e.serverText,
    attempts: e.attempts,
    hint: EDITION_HINT,
    cause: e,
  });
}

/**
 * Sends one SCA request. Idempotent requests keep the transport's retries (which honour Retry-After, up
 * to its cap); a 429 left at the end, or any 429 of a request that must not be resent, becomes a
 * `ScaRateLimitError` naming the wait. A refusal from a Free server becomes one `edition-required` error.
 */
export async function scaRequest<T>(
  transport: Transport,
  spec: RequestSpec,
  handle: (response: ResponseContext) => Promise<T>,
): Promise<T> {
  const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'HEAD');
  const full: RequestSpec = {
    paidFeature: 'the SCA and compliance API',
    ...spec,
    passStatuses: idempotent ? spec.passStatuses : [...(spec.passStatuses ?? []), 429],
  };
  try {
    return await transport.request(full, async (r) => {
      if (r.status === 429 && !spec.passStatuses?.includes(429)) {
        const wait = parseRetryAfter(r.headers['retry-after']);
        // The body is dropped unread into the error: nothing here scrubs it of secrets.
        await r.readText(4096).catch(() => undefined);
        throw rateLimitError(spec.operation, wait === undefined ? undefined : Math.ceil(wait / 1000), {
          method: spec.method,
          url: r.url,
        });
      }
      return handle(r);
    });
  } catch (e) {
    if (e instanceof ScaRateLimitError) throw e;
    if (e instanceof ProGetError && e.status === 429) {
      throw rateLimitError(spec.operation, undefined, e);
    }
    if (e instanceof ProGetError && e.kind === 'edition-required') throw editionError(spec.operation, e);
    throw e;
  }
}

export async function scaJson<T>(
  transport: Transport,
  spec: RequestSpec,
  parse: (value: unknown) => T,
): Promise<T> {
  return scaRequest(transport, spec, async (r) => parse(await r.readJson()));
}

export async function scaSend(transport: Transport, spec: RequestSpec): Promise<void> {
  await scaRequest(transport, spec, async (r) => {
    await r.readText();
  });
}
