// Reads action inputs through a `getInput`-like source and collects every problem, so a step reports all
// bad inputs at once, before any network call. Values of secret inputs are masked the moment they are read
// and never echoed in a problem.

import { ValidationError } from '@proget-ci/core';

/** What the runner gives a step: `@actions/core` in production, a map in tests. */
export interface InputSource {
  /** The raw value, '' when the input is unset. */
  getInput(name: string): string;
  setSecret(value: string): void;
}

const TRUE_WORDS = ['true', 'yes', '1'];
// Feed names go into URL paths as they are (api-notes §4: they need no escaping), so nothing else is a feed.
const FEED_NAME = /^[0-9A-Za-z._-]+$/;
const FALSE_WORDS = ['false', 'no', '0'];

export class InputReader {
  readonly problems: string[] = [];

  constructor(private readonly source: InputSource) {}

  /** Trimmed value, or undefined when unset or blank. */
  string(name: string): string | undefined {
    const value = this.source.getInput(name).trim();
    return value === '' ? undefined : value;
  }

  required(name: string, why = ''): string | undefined {
    const value = this.string(name);
    if (value === undefined) this.problems.push(`"${name}" is required${why}`);
    return value;
  }

  /** A feed name: letters, digits, '.', '_' and '-' (and not `.` or `..`, which would change the URL path). */
  feed(name: string, required: boolean): string | undefined {
    const value = required ? this.required(name) : this.string(name);
    if (value !== undefined && (!FEED_NAME.test(value) || value === '.' || value === '..')) {
      this.problems.push(`"${name}" must be a feed name (letters, digits, '.', '_' and '-'); got "${value}"`);
    }
    return value;
  }

  /** Masked before anything else can print it; surrounding whitespace is kept out of the mask. */
  secret(name: string): string | undefined {
    const raw = this.source.getInput(name);
    const value = raw.trim();
    if (value === '') return undefined;
    this.source.setSecret(value);
    return value;
  }

  /** A secret that came from elsewhere (the job's env): masked the same way. */
  secretValue(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    if (trimmed === undefined || trimmed === '') return undefined;
    this.source.setSecret(trimmed);
    return trimmed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const word = value.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    this.problems.push(`"${name}" must be one of true, false, yes, no, 1, 0; got "${value}"`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`"${name}" must be a whole number from ${min} to ${max}; got "${value}"`);
      return fallback;
    }
    return Number(value);
  }

  /** A size in bytes: a bare whole number, or a number with a unit (`300MB`, `512MiB`, `1.5GiB`). */
  bytes(name: string, fallback: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const n = parseByteSize(value);
    if (n === undefined) {
      this.problems.push(
        `"${name}" must be a size such as 512MiB, 1GiB, 300MB or a whole number of bytes; got "${value}"`,
      );
      return fallback;
    }
    return n;
  }

  /** A duration in seconds (fractions allowed), returned in milliseconds. */
  seconds(name: string, fallbackSeconds: number | undefined, allowZero: boolean): number | undefined {
    const value = this.string(name);
    if (value === undefined) return fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000;
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n) || (allowZero ? n < 0 : n <= 0) || n > 86_400) {
      const range = allowZero ? 'from 0 to 86400' : 'greater than 0 and at most 86400';
      this.problems.push(`"${name}" must be a number of seconds ${range}; got "${value}"`);
      return fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000;
    }
    return Math.round(n * 1000);
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const match = values.find((v) => v === value.toLowerCase());
    if (match === undefined) {
      this.problems.push(`"${name}" must be one of ${values.join(', ')}; got "${value}"`);
      return fallback;
    }
    return match;
  }

  /** Non-blank lines, trimmed. */
  lines(name: string): string[] {
    return this.source
      .getInput(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  }

  /** Every line as given, blank ones included, so problems can name line numbers. */
  rawLines(name: string): string[] {
    const value = this.source.getInput(name);
    return value.trim() === '' ? [] : value.split(/\r?\n/);
  }

  /** Items separated by commas or newlines, trimmed, blanks dropped. */
  list(name: string): string[] {
    return this.source
      .getInput(name)
      .split(/[,\r\n]/)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one ValidationError naming every problem found so far. */
  finish(): void {
    if (this.problems.length > 0) throw new ValidationError('Invalid inputs', [...this.problems]);
  }
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * `300MB` (decimal, 1000²), `512MiB` (binary, 1024²), `1.5GiB`, `4096`; units in any case, a space allowed
 * before them. Whole bytes only (a fraction of a byte is refused), at most 2^53 - 1.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, string];
  const factor = unit === '' ? 1 : BYTE_UNITS[unit.toLowerCase()];
  if (factor === undefined) return undefined;
  if (factor === 1 && amount.includes('.')) return undefined;
  const bytes = Math.floor(Number(amount) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
