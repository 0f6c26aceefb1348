// Universal package versions: SemVer 2 syntax parsed leniently (real ProGet feeds hold leading zeros),
// ordered by SemVer precedence and then by ProGet's build-metadata tiebreak.

import semver from 'semver';
import { ValidationError } from '../errors.js';
import { describeValue, quote } from './describe.js';

export interface ParsedVersion {
  /** Exactly as given. */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers as written (leading zeros kept); empty for a stable version. */
  prerelease: string[];
  /** Build metadata without the `+`, or undefined when there is none. */
  build?: string;
  /** SemVer form used for precedence: leading zeros removed from numeric parts, build metadata dropped. */
  precedenceKey: string;
}

export type SortOrder = 'asc' | 'desc';

// SemVer 2 grammar, except that numeric identifiers may carry leading zeros.
const IDENT = '[0-9A-Za-z-]+';
const VERSION_RE = new RegExp(
  `^(\\d+)\\.(\\d+)\\.(\\d+)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);
const DIGITS_RE = /^\d+$/;

/** Why `value` is not a usable version, as a sentence naming the field; undefined when it is fine. */
export function versionProblem(value: unknown, field = 'version'): string | undefined {
  const result = parse(value, field);
  return 'problem' in result ? result.problem : undefined;
}

export function parseVersion(value: string): ParsedVersion | undefined {
  const result = parse(value, 'version');
  return 'problem' in result ? undefined : result;
}

function parse(value: unknown, field: string): ParsedVersion | { problem: string } {
  if (typeof value !== 'string') return { problem: `${field} must be a string, got ${describeValue(value)}` };
  if (value === '') return { problem: `${field} must not be empty; use a SemVer 2 version such as 1.2.3` };
  const shown = quote(value);
  // semver (our precedence arbiter) caps versions at 256 characters.
  if (value.length > 256) return { problem: `${field} ${shown} is longer than 256 characters` };
  const m = VERSION_RE.exec(value);
  if (!m) {
    return {
      problem: `${field} ${shown} must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and '-' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)`,
    };
  }
  const [major, minor, patch] = [m[1]!, m[2]!, m[3]!].map(Number) as [number, number, number];
  const prerelease = m[4] === undefined ? [] : m[4].split('.');
  const pre = prerelease.map((id) => (DIGITS_RE.test(id) ? stripZeros(id) : id));
  const numeric = [major, minor, patch, ...pre.filter((id) => DIGITS_RE.test(id)).map(Number)];
  if (!numeric.every(Number.isSafeInteger)) {
    return { problem: `${field} ${shown} has a numeric part larger than ${Number.MAX_SAFE_INTEGER}` };
  }
  const precedenceKey = `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}`;
  if (semver.valid(precedenceKey) !== precedenceKey) {
    return { problem: `${field} ${shown} is not a valid SemVer 2 version` };
  }
  return { raw: value, major, minor, patch, prerelease, build: m[5], precedenceKey };
}

/**
 * Negative when a < b, positive when a > b, 0 when they are equal (including versions that differ only
 * in leading zeros, such as 1.02.0 and 1.2.0). Throws ValidationError on an invalid version.
 */
export function compareVersions(a: string | ParsedVersion, b: string | ParsedVersion): number {
  const pa = toParsed(a);
  const pb = toParsed(b);
  const byPrecedence = semver.compare(pa.precedenceKey, pb.precedenceKey);
  if (byPrecedence !== 0) return byPrecedence;
  return compareBuild(pa.build, pb.build);
}

export function isPrerelease(version: string | ParsedVersion): boolean {
  return toParsed(version).prerelease.length > 0;
}

/** A sorted copy; throws ValidationError listing every invalid version. */
export function sortVersions(versions: readonly string[], order: SortOrder = 'asc'): string[] {
  const invalid = versions.filter((v) => parseVersion(v) === undefined);
  if (invalid.length) {
    throw new ValidationError(
      'Versions',
      invalid.map((v) => versionProblem(v)!),
    );
  }
  const sign = order === 'desc' ? -1 : 1;
  return versions
    .map((raw) => parseVersion(raw)!)
    .sort((x, y) => sign * compareVersions(x, y))
    .map((p) => p.raw);
}

/**
 * The highest version, stable versions only unless `prerelease` is true. Entries that are not versions are
 * skipped rather than thrown on: lists come from servers that hold odd legacy data, and one bad entry must
 * not hide the real latest.
 */
export function latestVersion(
  versions: readonly string[],
  options: { prerelease: boolean },
): string | undefined {
  let best: ParsedVersion | undefined;
  for (const raw of versions) {
    const parsed = parseVersion(raw);
    if (!parsed) continue;
    if (!options.prerelease && parsed.prerelease.length > 0) continue;
    if (!best || compareVersions(parsed, best) > 0) best = parsed;
  }
  return best?.raw;
}

/**
 * ProGet's tiebreak: no build sorts above any build; two numeric builds compare numerically, two other
 * builds ordinally. A numeric and a non-numeric build: the numeric one sorts lower (as SemVer does for
 * identifiers), because comparing that mixed pair ordinally would not be transitive (9 < 10 < 1a < 9).
 */
function compareBuild(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const aNum = DIGITS_RE.test(a);
  const bNum = DIGITS_RE.test(b);
  if (aNum && bNum) return compareDigits(a, b) || ordinal(a, b);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return ordinal(a, b);
}

/** Numeric comparison of digit strings of any length, without precision loss. */
function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  return x.length !== y.length ? Math.sign(x.length - y.length) : ordinal(x, y);
}

/** UTF-16 code-unit order, as .NET's ordinal string comparison. */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

function toParsed(v: string | ParsedVersion): ParsedVersion {
  if (typeof v !== 'string') return v;
  const parsed = parseVersion(v);
  if (!parsed) throw new ValidationError('Version', [versionProblem(v)!]);
  return parsed;
}
