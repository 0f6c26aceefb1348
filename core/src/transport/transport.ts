// The one way core talks HTTP: auth headers, timeouts, cancellation, redirects, retries and error mapping.
// Requests go straight to node:http(s), except package bytes (transfer GETs): core's own reader in
// raw-http.ts takes those unless `nodeHttpTransfers` is set. Only when HTTPS_PROXY/HTTP_PROXY applies to a
// URL (NO_PROXY and loopback excepted) is @actions/http-client loaded, for its proxy tunnelling. It is imported lazily: it
// evaluates undici at import time (Node 43 → 60 MB RSS for the import alone, measured with 4.0.1), memory
// and start-up that a run without a proxy never needs. A bundler keeps the lazy import lazy only if it
// splits it into its own chunk (esbuild `splitting`); in one file it is parsed but not evaluated.

import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import type { ProGetLogger } from '../client-api.js';
import { ProGetError } from '../errors.js';
import { redactUrl, type SecretScrubber } from '../redact.js';
import type { ServerInfo } from '../types.js';
import {
  contentLength,
  DEFAULT_JSON_LIMIT,
  decodeText,
  ERROR_TEXT_LIMIT,
  excerpt,
  looksLikeHtml,
  readBounded,
} from './body.js';
import { type ErrorContext, httpError } from './http-errors.js';
import { rawGet } from './raw-http.js';
import {
  backoffDelay,
  errorCode,
  isNetworkError,
  isPreConnectError,
  isTransientNetworkError,
  parseRetryAfter,
  RETRYABLE_STATUSES,
} from './retry.js';
import type { TlsSettings } from './tls.js';
import { buildQuery, type QueryParams } from './urls.js';

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
  /** Non-2xx statuses handed to the handler instead of thrown (e.g. 404 → undefined, health 500). */
  passStatuses?: number[];
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Why an attempt or call was stopped; carried as the AbortSignal reason. */
class StopReason {
  constructor(
    readonly kind: 'timeout' | 'aborted',
    readonly detail: string,
    /** Attempt-level timeouts may be retried; deadlines and cancellations may not. */
    readonly retryable: boolean,
  ) {}
}

/** A response as the transport handles it: node:http's, or the raw reader's for package bytes (raw-http.ts). */
type ResponseMessage = Readable & {
  statusCode?: number;
  statusMessage?: string;
  headers: IncomingHttpHeaders;
  complete: boolean;
  recycle?(chunk: Buffer): void;
};

class RetryableStatus extends Error {
  constructor(
    readonly error: ProGetError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

interface CallState {
  signal: AbortSignal;
  deadline?: number;
  lastUrl: string;
  method: string;
  /** Set when a response stream outlives the call: its owner disposes the call when done. */
  detached: boolean;
  dispose(): void;
}

export class Transport {
  private agents?: { http: HttpAgent; https: HttpsAgent };

  /** One keep-alive agent pair per client; idle sockets are unref'd by Node, so they never hold a process. */
  private keepAliveAgents(): { http: HttpAgent; https: HttpsAgent } {
    this.agents ??= {
      http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
    };
    return this.agents;
  }

  readonly serverInfo: ServerInfo = {};
  private readonly retryable = new WeakSet<object>();
  private readonly config: TransportConfig;

  constructor(config: TransportConfig) {
    this.config = config;
  }

  get hasCredentials(): boolean {
    return Object.keys(this.config.authHeaders).length > 0;
  }

  /** Full URL for a path relative to the base (not redacted: for sending only). */
  url(path: string, query?: QueryParams): string {
    return `${this.config.baseUrl}${path}${buildQuery(query)}`;
  }

  /** Sends the request (retrying as allowed) and hands a 2xx response to `handle` inside the attempt. */
  async request<T>(spec: RequestSpec, handle: (response: ResponseContext) => Promise<T>): Promise<T> {
    const call = this.startCall(spec);
    const maxAttempts = this.config.retries + 1;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(spec, call, attempt, maxAttempts, handle);
        } catch (error) {
          const delay = this.retryDelay(spec, call, attempt, maxAttempts, error);
          if (delay === undefined) throw this.finalError(error, spec, call, attempt);
          this.debug(
            `${spec.method} ${call.lastUrl}: ${describeFailure(error)}; retrying in ${delay} ms (attempt ${attempt + 1}/${maxAttempts})`,
          );
          try {
            await sleep(delay, call.signal);
          } catch {
            throw this.finalError(error, spec, call, attempt, call.signal.reason);
          }
        }
      }
    } finally {
      if (!call.detached) call.dispose();
    }
  }

  /** Convenience: JSON of a 2xx response, parsed inside the attempt so shape errors name the request. */
  json<T = unknown>(spec: RequestSpec, parse: (value: unknown) => T = (v) => v as T): Promise<T> {
    return this.request(spec, async (r) => parse(await r.readJson()));
  }

  /** Convenience: 2xx with the body discarded. */
  async send(spec: RequestSpec): Promise<void> {
    await this.request(spec, async (r) => {
      await r.readText(ERROR_TEXT_LIMIT);
    });
  }

  private startCall(spec: RequestSpec): CallState {
    const controller = new AbortController();
    const cleanups: Array<() => void> = [];
    const link = (signal: AbortSignal | undefined) => {
      if (!signal) return;
      const onAbort = () => controller.abort(new StopReason('aborted', 'the operation was cancelled', false));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
    };
    link(this.config.signal);
    link(spec.signal);
    const overall = this.config.overallTimeoutMs;
    let deadline: number | undefined;
    if (overall !== undefined && overall > 0 && (!spec.transfer || this.config.overallAppliesToTransfers)) {
      deadline = Date.now() + overall;
      const timer = setTimeout(
        () =>
          controller.abort(
            new StopReason('timeout', `gave up after ${overall} ms in total (overallTimeoutMs)`, false),
          ),
        overall,
      );
      cleanups.push(() => clearTimeout(timer));
    }
    return {
      signal: controller.signal,
      deadline,
      lastUrl: this.config.scrubber.url(this.url(spec.path, spec.query)),
      method: spec.method,
      detached: false,
      dispose: () => {
        for (const c of cleanups) c();
      },
    };
  }

  private async attempt<T>(
    spec: RequestSpec,
    call: CallState,
    attempt: number,
    maxAttempts: number,
    handle: (response: ResponseContext) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const cleanups: Array<() => void> = [];
    let message: ResponseMessage | undefined;
    let detached = false;
    const cleanup = () => {
      for (const c of cleanups.splice(0)) c();
      // A body nobody read (a 404 turned into undefined, a failed parse) must not hold the socket open.
      if (message && !message.complete) message.destroy();
    };

    // Registered before any socket exists so it runs before Node's own abort handling, which would
    // otherwise dump the response and leave a consumer waiting.
    controller.signal.addEventListener(
      'abort',
      () => message?.destroy(stopError(controller.signal.reason, spec, call)),
      { once: true },
    );
    const onCallAbort = () => controller.abort(call.signal.reason);
    if (call.signal.aborted) onCallAbort();
    else {
      call.signal.addEventListener('abort', onCallAbort, { once: true });
      cleanups.push(() => call.signal.removeEventListener('abort', onCallAbort));
    }

    let touch = () => {};
    if (spec.transfer) {
      // touch() runs for every chunk (thousands per second): it only notes the time, and the one timer
      // re-arms itself for whatever is left of the idle window.
      const idle = this.config.transferTimeoutMs;
      let last = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        const quiet = Date.now() - last;
        if (quiet >= idle) {
          controller.abort(new StopReason('timeout', `no data for ${idle} ms (transferTimeoutMs)`, true));
        } else timer = setTimeout(check, idle - quiet);
      };
      touch = () => {
        last = Date.now();
      };
      timer = setTimeout(check, idle);
      cleanups.push(() => clearTimeout(timer));
    } else {
      const limit = this.config.timeoutMs;
      const timer = setTimeout(
        () =>
          controller.abort(
            new StopReason('timeout', `no complete response within ${limit} ms (timeoutMs)`, true),
          ),
        limit,
      );
      cleanups.push(() => clearTimeout(timer));
    }

    try {
      if (controller.signal.aborted) throw stopError(controller.signal.reason, spec, call);
      let method: HttpMethod = spec.method;
      let body = spec.body;
      let target = new URL(this.url(spec.path, spec.query));
      let response: { message: ResponseMessage };
      const started = Date.now();
      for (let hop = 0; ; hop++) {
        call.lastUrl = this.config.scrubber.url(target);
        call.method = method;
        const withCredentials = target.origin === this.config.origin;
        this.debug(
          `${method} ${call.lastUrl} (attempt ${attempt}/${maxAttempts}${hop ? `, redirect ${hop}` : ''}${withCredentials ? '' : ', without credentials'})`,
        );
        response = await this.sendOnce(
          method,
          target,
          body,
          spec,
          withCredentials,
          controller,
          touch,
          cleanups,
        );
        message = response.message;
        const status = message.statusCode ?? 0;
        if (withCredentials) this.recordServerInfo(message.headers);
        const location = message.headers.location;
        if (!REDIRECTS.has(status) || !location) break;
        message.resume();
        if (hop >= this.config.maxRedirects) {
          throw new ProGetError({
            kind: 'invalid-response',
            message: `Could not ${spec.operation}: more than ${this.config.maxRedirects} redirects`,
            method,
            url: call.lastUrl,
            status,
          });
        }
        const next = new URL(location, target);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw this.redirectRefused(spec, call, status, `to a ${next.protocol} URL`);
        }
        if (target.protocol === 'https:' && next.protocol === 'http:') {
          throw this.redirectRefused(spec, call, status, 'from https to http (it would expose the request)');
        }
        // Send package bytes or records to another origin only for reads; credentials never leave the origin.
        if (next.origin !== this.config.origin && method !== 'GET' && method !== 'HEAD') {
          throw this.redirectRefused(spec, call, status, `of a ${method} to another origin (${next.origin})`);
        }
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
        }
        target = next;
      }
      message = response.message;
      const status = message.statusCode ?? 0;
      this.debug(
        `${method} ${call.lastUrl} → ${status} (attempt ${attempt}/${maxAttempts}, ${Date.now() - started} ms)`,
      );

      if ((status >= 200 && status < 300) || spec.passStatuses?.includes(status)) {
        const ctx = this.responseContext(message, spec, call, controller.signal, touch, () => {
          detached = true;
          call.detached = true;
          return () => {
            cleanup();
            call.dispose();
          };
        });
        return await handle(ctx);
      }

      const { buffer, truncated } = await readBounded(message, ERROR_TEXT_LIMIT);
      const text = this.config.scrubber.scrub(decodeText(buffer)) + (truncated ? ' …(truncated)' : '');
      const error = httpError(
        {
          status,
          statusText: message.statusMessage,
          method,
          url: call.lastUrl,
          path: spec.path,
          serverText: looksLikeHtml(text, message.headers) ? htmlToText(text) : text,
          edition: message.headers['x-proget-edition']?.toString() ?? this.serverInfo.edition,
          hasCredentials: this.hasCredentials,
          attempts: attempt,
        },
        spec,
      );
      if (RETRYABLE_STATUSES.has(status)) {
        throw new RetryableStatus(error, parseRetryAfter(message.headers['retry-after']));
      }
      throw error;
    } catch (error) {
      // Whatever broke once the attempt was stopped (socket, stream) is explained by why it was stopped,
      // unless the server had already answered with an error status.
      if (controller.signal.aborted && !(error instanceof ProGetError && error.status !== undefined)) {
        const reason: unknown = controller.signal.reason;
        // Not a timeout or cancellation: the request body failed locally (say, the file became unreadable).
        if (!(reason instanceof StopReason)) throw reason;
        const stopped = stopError(controller.signal.reason, spec, call, error, attempt);
        if ((controller.signal.reason as StopReason | undefined)?.retryable) this.retryable.add(stopped);
        throw stopped;
      }
      // Shape errors raised by the parsers know nothing of the request: say which one it was.
      if (error instanceof ProGetError && error.url === undefined && !error.hint && !error.serverText) {
        const located = new ProGetError({
          kind: error.kind,
          message: `Could not ${spec.operation}: ${error.message}`,
          status: message?.statusCode,
          method: call.method,
          url: call.lastUrl,
          attempts: attempt,
          cause: error,
        });
        if (this.retryable.has(error)) this.retryable.add(located);
        throw located;
      }
      throw error;
    } finally {
      if (!detached) cleanup();
    }
  }

  private sendOnce(
    method: HttpMethod,
    target: URL,
    body: RequestBody | undefined,
    spec: RequestSpec,
    withCredentials: boolean,
    controller: AbortController,
    touch: () => void,
    cleanups: Array<() => void>,
  ): Promise<{ message: ResponseMessage }> {
    const signal = controller.signal;
    const headers: OutgoingHttpHeaders = { accept: spec.accept ?? 'application/json' };
    if (withCredentials) Object.assign(headers, this.config.authHeaders);
    let data: string | Readable | null = null;
    if (body?.type === 'json') {
      data = JSON.stringify(body.value);
      headers['content-type'] = 'application/json; charset=utf-8';
    } else if (body?.type === 'empty' || (!body && method !== 'GET' && method !== 'HEAD')) {
      data = ''; // sent with Content-Length: 0
    } else if (body?.type === 'stream') {
      const source = body.open();
      const onChunk = body.onChunk;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          touch();
          onChunk?.(chunk);
          done(null, chunk);
        },
      });
      // The body is piped into the request, and pipe() does not pass errors on: without this a read error
      // would leave the request waiting for bytes until the idle timeout.
      pipeline(source, counter, (error) => {
        if (error && !signal.aborted) controller.abort(error);
      });
      cleanups.push(() => {
        source.destroy();
        counter.destroy();
      });
      // An explicit length: chunked uploads are what made an official client hang for years.
      headers['content-length'] = String(body.length);
      headers['content-type'] = body.contentType;
      data = counter;
    }
    const tls = this.config.tls;
    const reuse = method === 'GET' || method === 'HEAD' ? this.keepAliveAgents() : undefined;
    const socketTimeout = Math.max(this.config.timeoutMs, this.config.transferTimeoutMs) + 60_000;
    const proxy = getProxyUrl(target);
    if (!proxy?.hostname && spec.transfer && method === 'GET' && !this.config.nodeHttpTransfers) {
      // Package bytes: read into 1 MiB blocks instead of through node:http's parser and 64 KiB reads (raw-http.ts).
      return rawGet(
        target,
        { ...headers, 'user-agent': this.config.userAgent },
        { signal, socketTimeout, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized },
      );
    }
    if (!proxy?.hostname) {
      return directRequest(method, target, data, headers, {
        userAgent: this.config.userAgent,
        signal,
        // Reads reuse connections (a promotion check makes hundreds of small requests); writes always
        // get a fresh one, since a server closing an idle socket just as it is reused would fail a
        // request that must not be sent twice.
        agent: reuse ? (target.protocol === 'https:' ? reuse.https : reuse.http) : false,
        ca: tls.ca,
        rejectUnauthorized: tls.rejectUnauthorized,
        socketTimeout,
      });
    }
    return this.proxiedRequest(method, target, data, headers, signal, socketTimeout);
  }

  /** Through a proxy: http-client's tunnel agents, loaded on first use. */
  private async proxiedRequest(
    method: HttpMethod,
    target: URL,
    data: string | Readable | null,
    headers: OutgoingHttpHeaders,
    signal: AbortSignal,
    socketTimeout: number,
  ): Promise<{ message: IncomingMessage }> {
    const { HttpClient } = await import('@actions/http-client');
    if (signal.aborted) throw signal.reason;
    const tls = this.config.tls;
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
    const client = new HttpClient(this.config.userAgent, [handler], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: false,
      ignoreSslError: !tls.rejectUnauthorized,
      socketTimeout,
    });
    return client.request(method, target.href, data, headers);
  }

  private responseContext(
    message: ResponseMessage,
    spec: RequestSpec,
    call: CallState,
    signal: AbortSignal,
    touch: () => void,
    detach: () => () => void,
  ): ResponseContext {
    let piped: PassThrough | undefined;
    const body = () => {
      if (!piped) {
        piped = new PassThrough();
        pipeline(message, piped, () => {});
      }
      return piped;
    };
    const scrubber = this.config.scrubber;
    const jsonLimit = this.config.maxJsonBytes ?? DEFAULT_JSON_LIMIT;
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
        serverText: text === undefined ? undefined : scrubber.scrub(excerpt(text, 300)),
        hint: 'Check that the URL points at ProGet itself, not a login page, proxy or another web application.',
      });
    const readJson = async (options?: { allowEmpty?: boolean }) => {
      const declared = contentLength(message.headers);
      if (declared !== undefined && declared > jsonLimit) {
        message.destroy();
        throw invalid(`the response (${declared} bytes) is larger than the ${jsonLimit}-byte limit for JSON`);
      }
      const { buffer, truncated } = await readBounded(body(), jsonLimit);
      if (truncated) throw invalid(`the response is larger than the ${jsonLimit}-byte limit for JSON`);
      const text = decodeText(buffer);
      if (text.trim() === '') {
        if (options?.allowEmpty) return undefined;
        throw invalid('expected JSON but the response body was empty');
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        // Only now does the content type matter: a page in front of ProGet (login, proxy error) is HTML.
        if (looksLikeHtml(text, message.headers)) {
          throw invalid('expected JSON but the server sent an HTML page', text);
        }
        throw invalid(`the response is not valid JSON (${(e as Error).message})`, text);
      }
    };
    const retryable = this.retryable;
    return {
      status: message.statusCode ?? 0,
      headers: message.headers,
      url: call.lastUrl,
      get body() {
        return body();
      },
      raw: () => message,
      recycle: (chunk) => message.recycle?.(chunk),
      signal,
      readText,
      readJson,
      touch,
      detach,
      retryable(error) {
        retryable.add(error);
        return error;
      },
    };
  }

  private retryDelay(
    spec: RequestSpec,
    call: CallState,
    attempt: number,
    maxAttempts: number,
    error: unknown,
  ): number | undefined {
    if (attempt >= maxAttempts || call.signal.aborted) return undefined;
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'HEAD');
    let retryAfter: number | undefined;
    if (error instanceof RetryableStatus) {
      // The server answered, so a non-idempotent body was (at least partly) received: never resend it.
      if (!idempotent) return undefined;
      retryAfter = error.retryAfterMs;
    } else if (error instanceof ProGetError) {
      if (!idempotent || !this.retryable.has(error)) return undefined;
    } else if (error instanceof Error && isTransientNetworkError(error)) {
      if (!idempotent && !isPreConnectError(error)) return undefined;
    } else {
      return undefined;
    }
    const cap = this.config.retryMaxDelayMs;
    const delay =
      retryAfter !== undefined
        ? Math.min(retryAfter, cap)
        : backoffDelay(attempt, this.config.retryBaseDelayMs, cap, this.config.random ?? Math.random);
    // Sleeping past the deadline would only turn a clear error into a timeout.
    if (call.deadline !== undefined && Date.now() + delay >= call.deadline) return undefined;
    return delay;
  }

  private finalError(
    error: unknown,
    spec: RequestSpec,
    call: CallState,
    attempts: number,
    stopReason?: unknown,
  ): unknown {
    if (stopReason instanceof StopReason) return stopError(stopReason, spec, call, error, attempts);
    if (error instanceof RetryableStatus) return error.error;
    if (error instanceof Error && !(error instanceof ProGetError) && isNetworkError(error)) {
      return networkError(error, spec, call, attempts, this.config.scrubber);
    }
    return error;
  }

  private redirectRefused(spec: RequestSpec, call: CallState, status: number, what: string): ProGetError {
    return new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${spec.operation}: refused to follow a redirect ${what}`,
      status,
      method: call.method,
      url: call.lastUrl,
      hint: 'Point the ProGet URL at the final address (including https) so no redirect is needed.',
    });
  }

  private recordServerInfo(headers: IncomingHttpHeaders): void {
    const version = headers['x-proget-version'];
    const edition = headers['x-proget-edition'];
    if (typeof version === 'string' && version) this.serverInfo.version = version;
    if (typeof edition === 'string' && edition) this.serverInfo.edition = edition;
  }

  private debug(message: string): void {
    this.config.logger?.debug(this.config.scrubber.scrub(message));
  }
}

interface DirectOptions {
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
function directRequest(
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

function stopError(
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

function networkError(
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

function describeFailure(error: unknown): string {
  if (error instanceof RetryableStatus) return `HTTP ${error.error.status}`;
  if (error instanceof ProGetError) return error.message.split('\n')[0]!;
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
