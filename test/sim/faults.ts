// Deterministic fault injection: each rule counts the requests it matches and fires for the ones after
// `after`, `times` times (or forever).

import type { FaultRule } from './types.js';

interface Armed {
  rule: FaultRule;
  seen: number;
  regex?: RegExp;
}

export class Faults {
  private armed: Armed[] = [];

  set(rules: FaultRule[]): void {
    this.armed = rules.map((rule) => ({
      rule,
      seen: 0,
      regex: rule.path.startsWith('^') ? new RegExp(rule.path) : undefined,
    }));
  }

  list(): { rule: FaultRule; seen: number }[] {
    return this.armed.map(({ rule, seen }) => ({ rule, seen }));
  }

  /** Faults for this request, in rule order. Counting happens here, once per request. */
  match(method: string, path: string): FaultRule['fault'][] {
    const out: FaultRule['fault'][] = [];
    for (const a of this.armed) {
      const m = a.rule.method ?? '*';
      if (m !== '*' && m.toUpperCase() !== method.toUpperCase()) continue;
      if (a.regex ? !a.regex.test(path) : !path.startsWith(a.rule.path)) continue;
      a.seen++;
      const after = a.rule.after ?? 0;
      if (a.seen <= after) continue;
      if (a.rule.times !== undefined && a.seen > after + a.rule.times) continue;
      out.push(a.rule.fault);
    }
    return out;
  }
}

export function validateRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error('Expected an array of fault rules.');
  const types = new Set([
    'latency',
    'status',
    'reset',
    'truncate',
    'slow-body',
    'request-limit',
    'reset-request',
  ]);
  for (const r of value as FaultRule[]) {
    if (typeof r !== 'object' || r === null || typeof r.path !== 'string')
      throw new Error('Each fault rule needs a string "path".');
    if (typeof r.fault !== 'object' || r.fault === null || !types.has(r.fault.type))
      throw new Error(`Unknown fault type in rule for ${r.path}.`);
    if (r.path.startsWith('^')) new RegExp(r.path);
  }
  return value as FaultRule[];
}
