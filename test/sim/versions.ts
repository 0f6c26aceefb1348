// Version ordering as ProGet applies it to universal packages: SemVer 2 precedence, then build metadata as a
// tiebreak (absent above present). Parsing is lenient about leading zeros because real servers hold such
// versions; numbers compare numerically at any length.

export interface ParsedVersion {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string[];
}

const VERSION_RE =
  /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseVersion(text: string): ParsedVersion | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  return {
    major: m[1]!,
    minor: m[2]!,
    patch: m[3]!,
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5] ? m[5].split('.') : [],
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

export function isPrerelease(text: string): boolean {
  return (parseVersion(text)?.prerelease.length ?? 0) > 0;
}

const DIGITS = /^\d+$/;

function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifier(a: string, b: string): number {
  const an = DIGITS.test(a);
  const bn = DIGITS.test(b);
  if (an && bn) return compareNumeric(a, b);
  if (an) return -1;
  if (bn) return 1;
  return compareOrdinal(a, b);
}

function compareIdentifiers(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIdentifier(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

/** Total order over valid versions; invalid strings sort below valid ones, ordinally among themselves. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) {
    if (x) return 1;
    if (y) return -1;
    return compareOrdinal(a, b);
  }
  const core =
    compareNumeric(x.major, y.major) || compareNumeric(x.minor, y.minor) || compareNumeric(x.patch, y.patch);
  if (core !== 0) return core;
  // A release sorts above its prereleases.
  if (x.prerelease.length === 0 && y.prerelease.length > 0) return 1;
  if (x.prerelease.length > 0 && y.prerelease.length === 0) return -1;
  const pre = compareIdentifiers(x.prerelease, y.prerelease);
  if (pre !== 0) return pre;
  // Build metadata is a tiebreak in ProGet: no build sorts above any build.
  if (x.build.length === 0 && y.build.length > 0) return 1;
  if (x.build.length > 0 && y.build.length === 0) return -1;
  return compareIdentifiers(x.build, y.build);
}

/** The highest version, optionally ignoring prereleases. */
export function latestOf(versions: string[], stableOnly = false): string | undefined {
  let best: string | undefined;
  for (const v of versions) {
    if (stableOnly && isPrerelease(v)) continue;
    if (best === undefined || compareVersions(v, best) > 0) best = v;
  }
  return best;
}
