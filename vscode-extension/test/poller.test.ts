// The health poller with a fake clock: first check at once, interval, exponential backoff capped at
// 10 minutes, pause while unfocused, check on focus, no overlapping checks.

import { describe, expect, test } from 'vitest';
import { MAX_BACKOFF_MS, Poller, type Scheduler } from '../src/health/poller.js';

class FakeClock implements Scheduler {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pending(): number[] {
    return this.timers.map((t) => t.at - this.time);
  }
  /** Moves time forward, running due timers in order, letting each check's promise settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      await flush();
    }
    this.time = end;
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function setup(results: boolean[] = []) {
  const clock = new FakeClock();
  const calls: number[] = [];
  const checking: boolean[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const poller = new Poller({
    intervalMs: 60_000,
    scheduler: clock,
    onCheckingChange: (c) => checking.push(c),
    check: async () => {
      calls.push(clock.now());
      if (hold) {
        await new Promise<void>((r) => {
          release = r;
        });
      }
      return results.length ? results.shift()! : true;
    },
  });
  return {
    clock,
    calls,
    checking,
    poller,
    hold: () => {
      hold = true;
    },
    release: async () => {
      hold = false;
      release?.();
      await flush();
    },
  };
}

describe('Poller', () => {
  test('checks at once on start, then every interval', async () => {
    const { clock, calls, poller, checking } = setup();
    poller.start();
    await flush();
    expect(calls).toEqual([0]);
    expect(checking).toEqual([true, false]);
    expect(poller.nextCheckAt).toBe(60_000);
    await clock.advance(180_000);
    expect(calls).toEqual([0, 60_000, 120_000, 180_000]);
  });

  test('backs off exponentially after failures, up to 10 minutes, and resets after a success', async () => {
    const { clock, calls, poller } = setup([false, false, false, false, false, false, true]);
    poller.start();
    await flush();
    await clock.advance(60 * 60_000);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    // 2×, 4×, 8× the interval, then capped at 10 minutes; after the success, back to the interval.
    expect(gaps.slice(0, 7)).toEqual([
      120_000,
      240_000,
      480_000,
      MAX_BACKOFF_MS,
      MAX_BACKOFF_MS,
      MAX_BACKOFF_MS,
      60_000,
    ]);
    expect(poller.failures).toBe(0);
  });

  test('pauses while unfocused and checks at once when focus returns', async () => {
    const { clock, calls, poller } = setup();
    poller.start();
    await flush();
    poller.setFocused(false);
    expect(clock.pending).toEqual([]);
    await clock.advance(10 * 60_000);
    expect(calls).toEqual([0]);
    poller.setFocused(true);
    await flush();
    expect(calls).toEqual([0, 600_000]);
    expect(clock.pending).toEqual([60_000]);
  });

  test('does not start while unfocused; starts checking on focus', async () => {
    const { calls, poller } = setup();
    poller.setFocused(false);
    poller.start();
    await flush();
    expect(calls).toEqual([]);
    poller.setFocused(true);
    await flush();
    expect(calls).toHaveLength(1);
  });

  test('checkNow during a running check queues exactly one more, never two at once', async () => {
    const s = setup();
    s.hold();
    s.poller.start();
    await flush();
    expect(s.poller.checking).toBe(true);
    s.poller.checkNow();
    s.poller.checkNow();
    expect(s.calls).toHaveLength(1);
    await s.release();
    await flush();
    expect(s.calls).toHaveLength(2);
    expect(s.poller.checking).toBe(false);
    expect(s.clock.pending).toEqual([60_000]);
  });

  test('a changed interval applies to the next wait; stop cancels everything', async () => {
    const { clock, calls, poller } = setup();
    poller.start();
    await flush();
    poller.setIntervalMs(5_000);
    expect(clock.pending).toEqual([5_000]);
    await clock.advance(5_000);
    expect(calls).toEqual([0, 5_000]);
    poller.stop();
    expect(clock.pending).toEqual([]);
    await clock.advance(60_000);
    expect(calls).toEqual([0, 5_000]);
  });

  test('a throwing check counts as a failure', async () => {
    const clock = new FakeClock();
    const poller = new Poller({
      intervalMs: 1_000,
      scheduler: clock,
      check: async () => {
        throw new Error('boom');
      },
    });
    poller.start();
    await flush();
    expect(poller.failures).toBe(1);
    expect(clock.pending).toEqual([2_000]);
  });
});
