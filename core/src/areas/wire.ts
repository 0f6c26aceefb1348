// Tolerant readers for ProGet's JSON: numbers sent as strings, fields left out, Y/N flags, dates without a zone.

import { ProGetError } from '../errors.js';

export type WireObject = Record<string, unknown>;

export function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `"5"`, `5` and missing all work; anything unreadable counts as 0. */
export function num(value: unknown): number {
  return optNum(value) ?? 0;
}

export function optNum(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'y' || v === 'true' || v === 'yes' || v === '1') return true;
    if (v === 'n' || v === 'false' || v === 'no' || v === '0') return false;
  }
  if (typeof value === 'number') return value !== 0;
  return undefined;
}

export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(str).filter((s): s is string => s !== undefined);
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim());
  return [];
}

/** Properties not in `known`, such as `_sourceRoot`, kept as sent. */
export function extra(obj: WireObject, known: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.has(k)) out[k] = v;
  return out;
}

/** ISO-8601 in UTC with a `Z`; a date without a zone is UTC (ProGet omits the suffix sometimes). */
export function utcDate(value: unknown): string | undefined {
  const text = str(value);
  if (!text) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim());
  const isDateTime = /^\d{4}-\d{2}-\d{2}T/.test(text.trim());
  const parsed = Date.parse(isDateTime && !hasZone ? `${text.trim()}Z` : text);
  return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
}

/** The JSON array an endpoint promised; one object is accepted as a list of one. */
export function arrayOf(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return [value];
  throw new ProGetError({
    kind: 'invalid-response',
    message: `Expected ${what} as a JSON array, got ${value === null ? 'null' : typeof value}`,
  });
}

export function objectOf(value: unknown, what: string): WireObject {
  if (isObject(value)) return value;
  throw new ProGetError({
    kind: 'invalid-response',
    message: `Expected ${what} as a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
  });
}
