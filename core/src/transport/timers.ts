// The clocks of a call (in the spirit of got's timed-out): cancellation and the overall deadline for the
// whole call, and per attempt either a complete-response limit or, for package bytes, an idle limit.

import type { CallState, RequestSpec, TransportConfig } from './types.js';

/** Why an attempt or call was stopped; carried as the AbortSignal reason. */
export class StopReason {
  constructor(
    readonly kind: 'timeout' | 'aborted',
    readonly detail: string,
    /** Attempt-level timeouts may be retried; deadlines and cancellations may not. */
    readonly retryable: boolean,
  ) {}
}

/** The call's signal: the client's and the caller's cancellations, and the overall deadline. */
export function startCall(config: TransportConfig, spec: RequestSpec, firstUrl: string): CallState {
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
  link(config.signal);
  link(spec.signal);
  let deadline: number | undefined;
  const limit = (ms: number, detail: string) => {
    deadline = Math.min(deadline ?? Number.POSITIVE_INFINITY, Date.now() + ms);
    const timer = setTimeout(() => controller.abort(new StopReason('timeout', detail, false)), ms);
    cleanups.push(() => clearTimeout(timer));
  };
  const overall = config.overallTimeoutMs;
  if (overall !== undefined && overall > 0 && (!spec.transfer || config.overallAppliesToTransfers)) {
    limit(overall, `gave up after ${overall} ms in total (overallTimeoutMs)`);
  }
  if (spec.deadlineMs !== undefined && spec.deadlineMs > 0) {
    limit(spec.deadlineMs, `gave up after ${spec.deadlineMs} ms in total (deadlineMs)`);
  }
  return {
    signal: controller.signal,
    deadline,
    lastUrl: firstUrl,
    method: spec.method,
    detached: false,
    dispose: () => {
      for (const c of cleanups) c();
    },
  };
}

/**
 * Arms this attempt's timer on `controller`: the idle limit for package bytes (the returned `touch` marks
 * activity), otherwise the complete-response limit (and `touch` does nothing).
 */
export function attemptTimer(
  config: TransportConfig,
  spec: RequestSpec,
  controller: AbortController,
  cleanups: Array<() => void>,
): () => void {
  if (!spec.transfer) {
    const limit = config.timeoutMs;
    const timer = setTimeout(
      () =>
        controller.abort(
          new StopReason('timeout', `no complete response within ${limit} ms (timeoutMs)`, true),
        ),
      limit,
    );
    cleanups.push(() => clearTimeout(timer));
    return () => {};
  }
  // touch() runs for every chunk: it only notes the time, and the one timer re-arms itself for whatever is
  // left of the idle window.
  const idle = config.transferTimeoutMs;
  let last = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const quiet = Date.now() - last;
    if (quiet >= idle) {
      controller.abort(new StopReason('timeout', `no data for ${idle} ms (transferTimeoutMs)`, true));
    } else timer = setTimeout(check, idle - quiet);
  };
  timer = setTimeout(check, idle);
  cleanups.push(() => clearTimeout(timer));
  return () => {
    last = Date.now();
  };
}

/** A delay that ends early (rejecting with the reason) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
