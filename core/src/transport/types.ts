// What a request and its response look like to the transport and to the areas that call it. Types only,
// so every other transport file can import them without a cycle.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ProGetLogger } from '../client-api.js';
import type { SecretScrubber } from '../redact.js';
import type { ErrorContext } from './http-errors.js';
import type { TlsSettings } from './tls.js';
import type { QueryParams } from './urls.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export type RequestBody =
  | { type: 'json'; value: unknown }
  | { type: 'empty' }
  | {
      type: 'stream';
      /** Called once per attempt (and per 307/308 hop): each send reads the source afresh. */
      open: () => Readable;
      /** Sees every chunk as it goes to the socket (progress), in the transport's own stage. */
      onChunk?: (chunk: Buffer) => void;
      length: number;
      contentType: string;
    };

export interface RequestSpec extends ErrorContext {
  method: HttpMethod;
  /** Escaped path relative to the base URL, starting with `/`. */
  path: string;
  query?: QueryParams;
  body?: RequestBody;
  accept?: string;
  signal?: AbortSignal;
  /** Package bytes: the idle timeout (`transferTimeoutMs`) applies instead of `timeoutMs`. */
  transfer?: boolean;
  /** Default: true for GET and HEAD. Non-idempotent requests are retried only if nothing can have been sent. */
  idempotent?: boolean;
  /**
   * A write that may go on a kept-alive connection: its caller resends it after a network failure anyway
   * (a multipart part). Other writes get a connection of their own (see `sendOnce`).
   */
  reuseConnection?: boolean;
  /**
   * Resend a non-idempotent request after a 429 or 503 that carries Retry-After: a rate limiter or a
   * server in maintenance answers so instead of handling the request, and says when to come back.
   */
  resendWhenRefused?: boolean;
  /** Non-2xx statuses handed to the handler instead of thrown (e.g. 404 → undefined, health 500). */
  passStatuses?: number[];
  /**
   * The 2xx statuses the API documents for this call (e.g. 200 and 201 for an upload); another 2xx is an
   * invalid response. Default: any 2xx.
   */
  successStatuses?: number[];
  /** An overall limit for this call alone, across attempts (a download's `deadlineMs`). */
  deadlineMs?: number;
}

export interface ResponseContext {
  status: number;
  headers: IncomingHttpHeaders;
  /** Redacted. */
  url: string;
  /** The response body (reading it does not by itself keep the idle timer alive: call `touch`). */
  readonly body: Readable;
  /**
   * The body as it comes off the socket, without the pass-through stage `body` adds: for a consumer that
   * takes the whole body itself (saving a download). Use either `body` or `raw()`, not both.
   */
  raw(): Readable;
  /**
   * For the consumer of `raw()`: a chunk it has finished with (written to disk, say, and referenced nowhere),
   * whose memory the transport may read into again. Chunks never handed back are simply collected.
   */
  recycle(chunk: Buffer): void;
  /**
   * True when the body comes from core's own reader (raw-http.ts). That reader is used only where package
   * bytes may have the process to themselves (the extension sets nodeHttpTransfers), so a download may
   * write its file on this thread as the bytes arrive (FileSinkOptions.inline).
   */
  rawReader?: boolean;
  /** Aborts when this attempt is cancelled or times out. */
  signal: AbortSignal;
  readText(limit?: number): Promise<string>;
  /** Parses JSON with a size ceiling; HTML or malformed JSON becomes `invalid-response`. */
  readJson(options?: { allowEmpty?: boolean }): Promise<unknown>;
  /** Called with every body chunk the caller consumes, for progress. */
  touch(): void;
  /**
   * For responses handed on as a stream: stop the transport from cleaning up when the handler returns.
   * The returned function must be called when the caller is done with the stream.
   */
  detach(): () => void;
  /** Marks an error as safe to retry for an idempotent request (e.g. a body cut short). */
  retryable<E extends Error>(error: E): E;
}

export interface TransportConfig {
  baseUrl: string;
  origin: string;
  authHeaders: Record<string, string>;
  scrubber: SecretScrubber;
  userAgent: string;
  timeoutMs: number;
  transferTimeoutMs: number;
  overallTimeoutMs?: number;
  /** True when the caller set overallTimeoutMs explicitly: then it also bounds transfers. */
  overallAppliesToTransfers: boolean;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRedirects: number;
  maxJsonBytes?: number;
  tls: TlsSettings;
  signal?: AbortSignal;
  logger?: ProGetLogger;
  random?: () => number;
  /** Package bytes through node:http too (see ProGetClientOptions.nodeHttpTransfers). */
  nodeHttpTransfers?: boolean;
}

/** A response as the transport handles it: node:http's, or the raw reader's for package bytes (raw-http.ts). */
export type ResponseMessage = Readable & {
  statusCode?: number;
  statusMessage?: string;
  headers: IncomingHttpHeaders;
  complete: boolean;
  recycle?(chunk: Buffer): void;
};

/** One call of `Transport.request`, across its attempts and redirects. */
export interface CallState {
  signal: AbortSignal;
  deadline?: number;
  /** Redacted and scrubbed. */
  lastUrl: string;
  method: string;
  /**
   * The origin (scrubbed) the last hop went to when a redirect led away from the configured one: it got no
   * credentials, and what it sends is kept out of messages.
   */
  foreignOrigin?: string;
  /** Set when a response stream outlives the call: its owner disposes the call when done. */
  detached: boolean;
  dispose(): void;
}
