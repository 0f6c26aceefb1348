// Reading a response: the context a 2xx is handed to (bounded text and JSON, the raw stream for saving),
// and the error a non-2xx becomes, with the server's text scrubbed and HTML reduced to words.

import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, pipeline } from 'node:stream';
import { ProGetError } from '../errors.js';
import {
  contentLength,
  DEFAULT_JSON_LIMIT,
  decodeText,
  ERROR_TEXT_LIMIT,
  excerpt,
  looksLikeHtml,
  readBounded,
} from './body.js';
import { httpError } from './http-errors.js';
import { parseRetryAfter, RETRYABLE_STATUSES, RetryableStatus } from './retry.js';
import type { CallState, RequestSpec, ResponseContext, ResponseMessage, TransportConfig } from './types.js';

export interface ContextOptions {
  config: TransportConfig;
  spec: RequestSpec;
  call: CallState;
  signal: AbortSignal;
  touch: () => void;
  detach: () => () => void;
  /** Where `retryable()` records the errors it marks. */
  retryable: WeakSet<object>;
}

export function responseContext(message: ResponseMessage, options: ContextOptions): ResponseContext {
  const { config, spec, call } = options;
  let piped: PassThrough | undefined;
  const body = () => {
    if (!piped) {
      piped = new PassThrough();
      pipeline(message, piped, () => {});
    }
    return piped;
  };
  const scrubber = config.scrubber;
  const jsonLimit = config.maxJsonBytes ?? DEFAULT_JSON_LIMIT;
  const readText = async (limit = ERROR_TEXT_LIMIT) => {
    const { buffer } = await readBounded(body(), limit);
    return decodeText(buffer);
  };
  const invalid = (what: string, text?: string) =>
    new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${spec.operation}: ${what}`,
      status: message.statusCode,
      method: call.method,
      url: call.lastUrl,
      // Scrubbed before it is cut, and never what another origin sent.
      serverText: text === undefined || call.foreignOrigin ? undefined : excerpt(scrubber.scrub(text), 300),
      hint: 'Check that the URL points at ProGet itself, not a login page, proxy or another web application.',
    });
  const readJson = async (opts?: { allowEmpty?: boolean }) => {
    const declared = contentLength(message.headers);
    if (declared !== undefined && declared > jsonLimit) {
      message.destroy();
      throw invalid(`the response (${declared} bytes) is larger than the ${jsonLimit}-byte limit for JSON`);
    }
    const { buffer, truncated } = await readBounded(body(), jsonLimit);
    if (truncated) throw invalid(`the response is larger than the ${jsonLimit}-byte limit for JSON`);
    const text = decodeText(buffer);
    if (text.trim() === '') {
      if (opts?.allowEmpty) return undefined;
      throw invalid('expected JSON but the response body was empty');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      // Only now does the content type matter: a page in front of ProGet (login, proxy error) is HTML.
      if (looksLikeHtml(text, message.headers)) {
        throw invalid('expected JSON but the server sent an HTML page', text);
      }
      // The parser's message quotes a cut piece of the body, where part of a reflected key would survive
      // scrubbing: the quote goes (the server's text, scrubbed whole, follows anyway).
      const parser = (e as Error).message.replace(/,? *"[\s\S]*"(\.\.\.)? is not valid JSON$/, '');
      const why = call.foreignOrigin ? '' : ` (${scrubber.scrub(parser)})`;
      throw invalid(`the response is not valid JSON${why}`, text);
    }
  };
  const retryable = options.retryable;
  return {
    status: message.statusCode ?? 0,
    headers: message.headers,
    url: call.lastUrl,
    get body() {
      return body();
    },
    raw: () => message,
    recycle: (chunk) => message.recycle?.(chunk),
    rawReader: typeof message.recycle === 'function',
    signal: options.signal,
    readText,
    readJson,
    touch: options.touch,
    detach: options.detach,
    retryable(error) {
      retryable.add(error);
      return error;
    },
  };
}

export interface StatusErrorOptions {
  config: TransportConfig;
  spec: RequestSpec;
  call: CallState;
  attempt: number;
  hasCredentials: boolean;
  /** The edition the server reported earlier, when this response does not say. */
  edition?: string;
}

/** Reads (a bounded part of) a non-2xx body and turns it into the error to throw. */
export async function statusError(
  message: ResponseMessage,
  options: StatusErrorOptions,
): Promise<ProGetError | RetryableStatus> {
  const { config, spec, call } = options;
  const status = message.statusCode ?? 0;
  const scrubber = config.scrubber;
  let serverText: string | undefined;
  if (call.foreignOrigin) {
    // Another origin's page: not ProGet's words, and it may reflect whatever it was sent.
    message.resume();
  } else {
    const { buffer, truncated } = await readBounded(message, ERROR_TEXT_LIMIT);
    // Scrubbed before anything is cut; a key cut in two at the limit leaves no prefix either.
    const raw = decodeText(buffer);
    const text = truncated ? `${scrubber.scrubCut(raw)} …(truncated)` : scrubber.scrub(raw);
    serverText = looksLikeHtml(text, message.headers) ? htmlToText(text) : text;
  }
  const error = httpError(
    {
      status,
      statusText: message.statusMessage ? scrubber.scrub(message.statusMessage) : undefined,
      method: call.method,
      url: call.lastUrl,
      path: spec.path,
      foreignOrigin: call.foreignOrigin,
      serverText,
      edition: message.headers['x-proget-edition']?.toString() ?? options.edition,
      hasCredentials: options.hasCredentials,
      attempts: options.attempt,
    },
    spec,
  );
  if (RETRYABLE_STATUSES.has(status)) {
    return new RetryableStatus(error, parseRetryAfter(message.headers['retry-after']));
  }
  return error;
}

export function serverHeaders(headers: IncomingHttpHeaders): { version?: string; edition?: string } {
  const version = headers['x-proget-version'];
  const edition = headers['x-proget-edition'];
  return {
    version: typeof version === 'string' && version ? version : undefined,
    edition: typeof edition === 'string' && edition ? edition : undefined,
  };
}

function htmlToText(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return title && !text.startsWith(title) ? `${title}: ${text}` : text;
}
