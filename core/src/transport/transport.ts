// The one way core talks HTTP: a call is attempts (retry.ts), each with its clocks (timers.ts), following
// redirects hop by hop (redirects.ts), each hop sent one of three ways (send.ts), the answer read or turned
// into an error (response.ts, failures.ts). This file only orchestrates.

import { ProGetError } from '../errors.js';
import type { ServerInfo } from '../types.js';
import { ERROR_TEXT_LIMIT, looksLikeHtml } from './body.js';
import { describeFailure, htmlAnswer, networkError, stopError, unexpectedSuccess } from './failures.js';
import { KeepAliveAgents } from './node-http.js';
import { type Hop, isRedirect, nextHop, type RedirectPolicy } from './redirects.js';
import { responseContext, serverHeaders, statusError } from './response.js';
import { isNetworkError, RetryableStatus, retryDelay } from './retry.js';
import { sendOnce } from './send.js';
import { attemptTimer, StopReason, sleep, startCall } from './timers.js';
import type { CallState, RequestSpec, ResponseContext, ResponseMessage, TransportConfig } from './types.js';
import { buildQuery, type QueryParams } from './urls.js';

export type {
  HttpMethod,
  RequestBody,
  RequestSpec,
  ResponseContext,
  TransportConfig,
} from './types.js';

export class Transport {
  private readonly agents = new KeepAliveAgents();
  readonly serverInfo: ServerInfo = {};
  private readonly retryable = new WeakSet<object>();
  private readonly config: TransportConfig;

  constructor(config: TransportConfig) {
    this.config = config;
  }

  private get redirectPolicy(): RedirectPolicy {
    return {
      origin: this.config.origin,
      maxRedirects: this.config.maxRedirects,
      hasCredentials: this.hasCredentials,
      scrub: (text) => this.config.scrubber.scrub(text),
    };
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
    const call = startCall(this.config, spec, this.config.scrubber.url(this.url(spec.path, spec.query)));
    const maxAttempts = this.config.retries + 1;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(spec, call, attempt, maxAttempts, handle);
        } catch (error) {
          const delay = retryDelay(this.config, spec, call, attempt, error, this.retryable);
          if (delay === undefined) throw this.scrubbed(this.finalError(error, spec, call, attempt));
          this.debug(
            `${spec.method} ${call.lastUrl}: ${describeFailure(error)}; retrying in ${delay} ms (attempt ${attempt + 1}/${maxAttempts})`,
          );
          try {
            await sleep(delay, call.signal);
          } catch {
            throw this.scrubbed(this.finalError(error, spec, call, attempt, call.signal.reason));
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

  /** Convenience: 2xx with the body discarded, except that an HTML page is never a success. */
  async send(spec: RequestSpec): Promise<void> {
    await this.request(spec, async (r) => {
      const text = await r.readText(ERROR_TEXT_LIMIT);
      if (looksLikeHtml(text, r.headers)) throw htmlAnswer(spec, r);
    });
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
    const touch = attemptTimer(this.config, spec, controller, cleanups);

    try {
      if (controller.signal.aborted) throw stopError(controller.signal.reason, spec, call);
      let hop: Hop = {
        method: spec.method,
        body: spec.body,
        target: new URL(this.url(spec.path, spec.query)),
      };
      const started = Date.now();
      for (let hops = 0; ; hops++) {
        call.lastUrl = this.config.scrubber.url(hop.target);
        call.method = hop.method;
        const withCredentials = hop.target.origin === this.config.origin;
        call.foreignOrigin = withCredentials ? undefined : this.config.scrubber.scrub(hop.target.origin);
        this.debug(
          `${hop.method} ${call.lastUrl} (attempt ${attempt}/${maxAttempts}${hops ? `, redirect ${hops}` : ''}${withCredentials ? '' : ', without credentials'})`,
        );
        ({ message } = await sendOnce(hop, {
          config: this.config,
          agents: this.agents,
          spec,
          withCredentials,
          controller,
          touch,
          cleanups,
        }));
        if (withCredentials) Object.assign(this.serverInfo, serverHeaders(message.headers));
        const status = message.statusCode ?? 0;
        const location = message.headers.location;
        if (!isRedirect(status, location)) break;
        message.resume();
        hop = nextHop(spec, call, hop, status, location, this.redirectPolicy, hops);
      }
      const status = message.statusCode ?? 0;
      this.debug(
        `${hop.method} ${call.lastUrl} → ${status} (attempt ${attempt}/${maxAttempts}, ${Date.now() - started} ms)`,
      );

      if (status >= 200 && status < 300 && spec.successStatuses && !spec.successStatuses.includes(status)) {
        throw unexpectedSuccess(spec, call, status, spec.successStatuses);
      }
      if ((status >= 200 && status < 300) || spec.passStatuses?.includes(status)) {
        const ctx = responseContext(message, {
          config: this.config,
          spec,
          call,
          signal: controller.signal,
          touch,
          detach: () => {
            detached = true;
            call.detached = true;
            return () => {
              cleanup();
              call.dispose();
            };
          },
          retryable: this.retryable,
        });
        return await handle(ctx);
      }
      throw await statusError(message, {
        config: this.config,
        spec,
        call,
        attempt,
        hasCredentials: this.hasCredentials,
        edition: this.serverInfo.edition,
      });
    } catch (error) {
      // Whatever broke once the attempt was stopped (socket, stream) is explained by why it was stopped,
      // unless the server had already answered with an error status.
      if (controller.signal.aborted && !(error instanceof ProGetError && error.status !== undefined)) {
        const reason: unknown = controller.signal.reason;
        // Not a timeout or cancellation: the request body failed locally (say, the file became unreadable).
        if (!(reason instanceof StopReason)) throw reason;
        const stopped = stopError(reason, spec, call, error, attempt);
        if (reason.retryable) this.retryable.add(stopped);
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

  /** The last pass: no secret leaves in a message, whichever part of the transport wrote it. */
  private scrubbed(error: unknown): unknown {
    const scrub = (text: string) => this.config.scrubber.scrub(text);
    if (error instanceof ProGetError) return error.scrubbed(scrub);
    if (error instanceof Error) {
      const clean = scrub(error.message);
      if (clean !== error.message) error.message = clean;
    }
    return error;
  }

  private debug(message: string): void {
    this.config.logger?.debug(this.config.scrubber.scrub(message));
  }
}
