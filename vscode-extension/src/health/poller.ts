// A poller for one server's health: checks at once, then every interval; backs off exponentially after
// failures (up to a cap); pauses while the window is unfocused and checks at once when focus returns.
// Pure: time comes from an injected scheduler, so tests drive it without real timers or VS Code.

export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PollerOptions {
  intervalMs: number;
  /** Longest wait after repeated failures. Default 10 minutes. */
  maxBackoffMs?: number;
  /** Resolves true when the check succeeded, false when it failed (which backs off). Must not throw. */
  check: (signal: AbortSignal) => Promise<boolean>;
  scheduler?: Scheduler;
  /** Told before and after every check, for a spinner. */
  onCheckingChange?: (checking: boolean) => void;
}

export const MAX_BACKOFF_MS = 10 * 60 * 1000;

export class Poller {
  private intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly scheduler: Scheduler;
  private timer: unknown;
  private nextAt: number | undefined;
  private running = false;
  private focused = true;
  private inFlight: AbortController | undefined;
  private checkAgain = false;
  private failureCount = 0;
  private lastCheckAt: number | undefined;

  constructor(private readonly options: PollerOptions) {
    this.intervalMs = options.intervalMs;
    this.maxBackoffMs = options.maxBackoffMs ?? MAX_BACKOFF_MS;
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Consecutive failed checks; 0 after a success. */
  get failures(): number {
    return this.failureCount;
  }

  get checking(): boolean {
    return this.inFlight !== undefined;
  }

  /** When the next check is due, or undefined while paused, stopped or checking. */
  get nextCheckAt(): number | undefined {
    return this.nextAt;
  }

  get lastCheckedAt(): number | undefined {
    return this.lastCheckAt;
  }

  /** The wait after the current run of failures: interval × 2^failures, capped. */
  currentDelayMs(): number {
    if (this.failureCount === 0) return this.intervalMs;
    return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failureCount);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.focused) this.checkNow();
  }

  stop(): void {
    this.running = false;
    this.cancelTimer();
    this.inFlight?.abort();
  }

  setIntervalMs(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.running && this.focused && !this.inFlight) this.schedule(this.currentDelayMs());
  }

  /** Unfocused: no checks are scheduled. Focused again: one check at once, then the normal rhythm. */
  setFocused(focused: boolean): void {
    if (focused === this.focused) return;
    this.focused = focused;
    if (!this.running) return;
    if (focused) this.checkNow();
    else this.cancelTimer();
  }

  /** Checks now (a user asked, focus returned); while a check runs, one more follows it. */
  checkNow(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.checkAgain = true;
      return;
    }
    this.cancelTimer();
    void this.runCheck();
  }

  private async runCheck(): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    this.options.onCheckingChange?.(true);
    let ok = false;
    try {
      ok = await this.options.check(controller.signal);
    } catch {
      ok = false;
    }
    this.inFlight = undefined;
    this.lastCheckAt = this.scheduler.now();
    this.failureCount = ok ? 0 : this.failureCount + 1;
    this.options.onCheckingChange?.(false);
    if (!this.running || controller.signal.aborted) return;
    if (this.checkAgain) {
      this.checkAgain = false;
      if (this.focused) {
        this.checkNow();
        return;
      }
    }
    if (this.focused) this.schedule(this.currentDelayMs());
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.nextAt = this.scheduler.now() + ms;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.nextAt = undefined;
      this.checkNow();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
  }
}
