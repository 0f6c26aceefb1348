// The upack.json manifest: its type, ProGet's rules for every field, and its canonical serialisation.

import { ValidationError } from '../errors.js';
import { describeValue, quote } from './describe.js';
import { compareVersions, parseVersion, versionProblem } from './versions.js';

export interface RepackageHistoryEntry {
  id: string;
  date?: string;
  using?: string;
  by?: string;
  reason?: string;
  url?: string;
}

/** An entry of a virtual package: a package id (`group/name:version[:sha1]`), a URL, or a file mapping. */
export type VirtualPackageContent = string | { type: string; source: string; virtualPath?: string };

export interface UpackManifest {
  name: string;
  version: string;
  group?: string;
  title?: string;
  projectUrl?: string;
  icon?: string;
  description?: string;
  shortDescription?: string;
  tags?: string[];
  /** `name`, `group/name`, `group:name`, `group:name:range` or `group:name:range:sha1`. */
  dependencies?: string[];
  /** UTC ISO-8601. */
  createdDate?: string;
  createdReason?: string;
  createdUsing?: string;
  createdBy?: string;
  repackageHistory?: (string | RepackageHistoryEntry)[];
  /** Virtual packages (.vpack) only, where it is required. */
  contents?: VirtualPackageContent[];
  /**
   * Custom properties. The format allows any other key and only recommends a `_` prefix (`_commit`); ProGet
   * stores unprefixed ones too (api-notes §8), so they are accepted with a warning (see manifestWarnings).
   */
  [key: string]: unknown;
}

export interface ManifestOptions {
  /** A virtual package (.vpack): `contents` is required. */
  virtual?: boolean;
}

/** Known fields in the order they are written; custom keys follow, sorted. */
const FIELD_ORDER = [
  'group',
  'name',
  'version',
  'title',
  'projectUrl',
  'icon',
  'shortDescription',
  'description',
  'tags',
  'dependencies',
  'contents',
  'createdDate',
  'createdReason',
  'createdUsing',
  'createdBy',
  'repackageHistory',
] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set(FIELD_ORDER);

const NAME_RE = /^[0-9A-Za-z._-]+$/;
const GROUP_RE = /^[0-9A-Za-z._/-]*$/;
const SHA1_RE = /^[0-9A-Fa-f]{40}$/;
const UTC_DATE_RE = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|\+00:00)$/;
const NAME_CHARS = "letters, digits, '.', '_' and '-'";
/** `.` and `..` collapse in URL paths and file paths: a request or a file would land somewhere else. */
const DOT_NAMES: ReadonlySet<string> = new Set(['.', '..']);

/** Deepest nesting of objects and arrays a manifest may have; readers refuse deeper ones before parsing. */
export const MAX_MANIFEST_DEPTH = 64;

export function validatePackageName(value: unknown, field = 'name'): string | undefined {
  return join(identifierProblems(value, field, 50));
}

export function validateGroup(value: unknown, field = 'group'): string | undefined {
  return join(groupProblems(value, field));
}

export function validateVersion(value: unknown, field = 'version'): string | undefined {
  return versionProblem(value, field);
}

export function validateTag(value: unknown, field = 'tag'): string | undefined {
  // Tags never become path segments, so '.' is a (strange but) valid tag.
  const problems = identifierProblems(value, field, 50, true);
  if (!problems.length && /^\d/.test(value as string)) {
    problems.push(`${field} ${quote(value as string)} must not start with a digit`);
  }
  return join(problems);
}

/** One dependency string: `name`, `group/name`, `group:name`, `group:name:range`, `group:name:range:sha1`. */
export function validateDependency(value: unknown, field = 'dependency'): string | undefined {
  return join(dependencyProblems(value, field));
}

/** What is wrong with a manifest (refuse it) and what is merely unusual (tell the user, keep it). */
export interface ManifestReport {
  /** Rule violations, each a sentence naming the field, the bad value and the rule. */
  problems: string[];
  /** Allowed but not recommended (an unprefixed custom property), each with what to do instead. */
  warnings: string[];
}

/** Problems and warnings of a manifest in one pass; see validateManifest and manifestWarnings. */
export function checkManifest(m: unknown, options: ManifestOptions = {}): ManifestReport {
  return { problems: validateManifest(m, options), warnings: manifestWarnings(m) };
}

/**
 * Custom properties without the recommended `_` prefix. ProGet accepts and lists them, so they are not
 * problems; a caller shows these as notices (the format reserves unprefixed names for future fields).
 */
export function manifestWarnings(m: unknown): string[] {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return [];
  return Object.keys(m)
    .filter((key) => !KNOWN_FIELDS.has(key) && !key.startsWith('_'))
    .map(
      (key) =>
        `property ${quote(key)} is not a standard manifest field; ProGet keeps it as a custom property, but the format recommends a '_' prefix (e.g. ${quote(`_${key}`)}) so it cannot clash with a future field`,
    );
}

/** Every problem with a manifest, each a sentence naming the field, the bad value and the rule. */
export function validateManifest(m: unknown, options: ManifestOptions = {}): string[] {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    return [`the manifest must be a JSON object, got ${describeValue(m)}`];
  }
  const o = m as Record<string, unknown>;
  // First, so that nothing below (or a later serialisation) recurses through a hostile depth.
  const tooDeep = valueDepthProblem(o, MAX_MANIFEST_DEPTH);
  if (tooDeep) return [tooDeep];
  const problems: string[] = [];
  const present = (key: string) => Object.hasOwn(o, key) && o[key] !== undefined;

  if (!present('name')) problems.push('name is required');
  else problems.push(...identifierProblems(o.name, 'name', 50));
  if (!present('version')) problems.push('version is required');
  else problems.push(...maybe(versionProblem(o.version, 'version')));
  if (present('group')) problems.push(...groupProblems(o.group, 'group'));
  if (present('title')) problems.push(...stringProblems(o.title, 'title', 50));
  if (present('projectUrl')) problems.push(...urlProblems(o.projectUrl, 'projectUrl', false));
  if (present('icon')) problems.push(...urlProblems(o.icon, 'icon', true));
  if (present('description')) problems.push(...stringProblems(o.description, 'description'));
  if (present('shortDescription')) {
    problems.push(...stringProblems(o.shortDescription, 'shortDescription', 1000));
  }
  if (present('tags')) problems.push(...tagListProblems(o.tags));
  if (present('dependencies')) {
    problems.push(...arrayProblems(o.dependencies, 'dependencies', (d, f) => dependencyProblems(d, f)));
  }
  if (present('createdDate')) problems.push(...dateProblems(o.createdDate, 'createdDate'));
  for (const key of ['createdReason', 'createdUsing', 'createdBy'] as const) {
    if (present(key)) problems.push(...stringProblems(o[key], key));
  }
  if (present('repackageHistory')) {
    problems.push(...arrayProblems(o.repackageHistory, 'repackageHistory', repackageEntryProblems));
  }
  if (options.virtual) {
    if (!present('contents')) problems.push('contents is required in a virtual package (.vpack)');
    else {
      problems.push(...arrayProblems(o.contents, 'contents', contentProblems));
      if (Array.isArray(o.contents) && o.contents.length === 0) {
        problems.push('contents must list at least one entry in a virtual package (.vpack)');
      }
    }
  } else if (present('contents')) {
    problems.push(
      'contents is allowed only in virtual packages (.vpack); a .upack carries files under package/',
    );
  }
  return problems;
}

/** Throws one ValidationError listing every problem. */
export function assertValidManifest(
  m: unknown,
  subject = 'upack.json',
  options: ManifestOptions = {},
): asserts m is UpackManifest {
  const problems = validateManifest(m, options);
  if (problems.length) throw new ValidationError(subject, problems);
}

/**
 * The manifest as written into a package: UTF-8 JSON (no BOM), 2-space indent, known fields in a fixed
 * order, then custom keys sorted; nested objects have sorted keys too, so equal manifests give equal bytes.
 */
export function serializeManifest(m: UpackManifest): string {
  const o = m as unknown as Record<string, unknown>;
  const custom = Object.keys(o)
    .filter((k) => !KNOWN_FIELDS.has(k))
    .sort();
  const keys = [...FIELD_ORDER, ...custom].filter((k) => Object.hasOwn(o, k) && o[k] !== undefined);
  // fromEntries defines own properties, so a key like "__proto__" (JSON.parse makes those) is kept as data.
  const out = Object.fromEntries(keys.map((k) => [k, canonical(o[k])]));
  return `${JSON.stringify(out, null, 2)}\n`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const src = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(src)
        .sort()
        .map((k) => [k, canonical(src[k])]),
    );
  }
  return value;
}

// ---- field rules ------------------------------------------------------------------------------------

function identifierProblems(value: unknown, field: string, max: number, dotsAllowed = false): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  if (value.length === 0) return [`${field} must not be empty (1–${max} characters)`];
  const problems: string[] = [];
  if (value.length > max) {
    problems.push(`${field} ${quote(value)} is ${value.length} characters long; the limit is ${max}`);
  }
  if (!NAME_RE.test(value)) {
    problems.push(`${field} ${quote(value)} may contain only ${NAME_CHARS}${foundChars(value, NAME_RE)}`);
  } else if (!dotsAllowed && DOT_NAMES.has(value)) {
    problems.push(
      `${field} ${quote(value)} is not allowed: '.' and '..' mean "this" and "parent" in paths and URLs`,
    );
  }
  return problems;
}

function groupProblems(value: unknown, field: string): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  const problems: string[] = [];
  const shown = quote(value);
  if (value.length > 250) {
    problems.push(`${field} ${shown} is ${value.length} characters long; the limit is 250`);
  }
  if (!GROUP_RE.test(value)) {
    problems.push(`${field} ${shown} may contain only ${NAME_CHARS} and '/'${foundChars(value, GROUP_RE)}`);
  }
  if (value.startsWith('/') || value.endsWith('/')) {
    problems.push(`${field} ${shown} must not start or end with '/'`);
  }
  if (value.includes('//')) problems.push(`${field} ${shown} must not contain '//' (an empty segment)`);
  if (value.split('/').some((segment) => DOT_NAMES.has(segment))) {
    problems.push(
      `${field} ${shown} must not have a '.' or '..' segment: they mean "this" and "parent" in paths and URLs`,
    );
  }
  return problems;
}

function stringProblems(value: unknown, field: string, max?: number): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  if (max !== undefined && value.length > max) {
    return [`${field} ${quote(value)} is ${value.length} characters long; the limit is ${max}`];
  }
  return [];
}

function urlProblems(value: unknown, field: string, allowPackagePath: boolean): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  if (allowPackagePath && value.startsWith('package://')) {
    const path = value.slice('package://'.length);
    if (path === '' || path.split(/[\\/]/).includes('..')) {
      return [`${field} ${quote(value)} must name a file inside the package, e.g. package://icon.png`];
    }
    return [];
  }
  // Only web URLs: these values become links in the VS Code extension and job summaries.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const also = allowPackagePath ? ' or a package://path to a file in the package' : '';
    return [`${field} ${quote(value)} must be an absolute http(s) URL${also}`];
  }
  return [];
}

function dateProblems(value: unknown, field: string): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  const m = UTC_DATE_RE.exec(value);
  const date = new Date(value);
  // The calendar check catches dates like 2024-02-30, which Date silently rolls over.
  if (!m || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== m[1]) {
    return [`${field} ${quote(value)} must be a UTC ISO-8601 date-time such as 2024-05-01T12:30:00Z`];
  }
  return [];
}

function tagListProblems(value: unknown): string[] {
  const problems = arrayProblems(value, 'tags', (t, f) => maybe(validateTag(t, f)));
  if (Array.isArray(value)) {
    const seen = new Set<string>();
    for (const tag of value) {
      if (typeof tag !== 'string') continue;
      const key = tag.toLowerCase();
      if (seen.has(key))
        problems.push(`tags lists ${quote(tag)} more than once (tags are compared ignoring case)`);
      seen.add(key);
    }
  }
  return problems;
}

function arrayProblems(
  value: unknown,
  field: string,
  item: (value: unknown, field: string) => string[],
): string[] {
  if (!Array.isArray(value)) return [`${field} must be an array, got ${describeValue(value)}`];
  return value.flatMap((v, i) => item(v, `${field}[${i}]`));
}

function dependencyProblems(value: unknown, field: string): string[] {
  if (typeof value !== 'string') return [`${field} must be a string, got ${describeValue(value)}`];
  const shown = quote(value);
  const parts = value.split(':');
  if (parts.length > 4) {
    return [
      `${field} ${shown} must be name, group/name, group:name, group:name:range or group:name:range:sha1`,
    ];
  }
  let group: string | undefined;
  let name: string;
  if (parts.length === 1) {
    const slash = value.lastIndexOf('/');
    group = slash < 0 ? undefined : value.slice(0, slash);
    name = value.slice(slash + 1);
  } else {
    group = parts[0];
    name = parts[1]!;
  }
  const problems: string[] = [];
  const inside = `in ${field} ${shown}`;
  // The group may be empty in the colon form (":name:range"), meaning no group.
  if (group) problems.push(...groupProblems(group, `the group`).map((p) => `${p} ${inside}`));
  if (parts.length === 1 && group === '') problems.push(`${field} ${shown} must not start with '/'`);
  problems.push(...identifierProblems(name, 'the name', 50).map((p) => `${p} ${inside}`));
  if (parts.length >= 3) problems.push(...maybe(rangeProblem(parts[2]!, inside)));
  if (parts.length === 4 && !SHA1_RE.test(parts[3]!)) {
    problems.push(`the hash ${quote(parts[3]!)} ${inside} must be a SHA-1 of 40 hexadecimal digits`);
  }
  return problems;
}

const INTERVAL_RE = /^([[(])([^,]*)(?:(,)([^,]*))?([\])])$/;

/** `*`, a version, or an interval such as `[1.0.0,2.0.0)`, `(,2.0.0]`, `[1.0.0,)` or `[1.0.0]`. */
function rangeProblem(range: string, inside: string): string | undefined {
  const rule = `must be '*', a version, or an interval such as [1.0.0,2.0.0)`;
  if (range === '*') return undefined;
  if (parseVersion(range)) return undefined;
  const m = INTERVAL_RE.exec(range);
  if (!m) return `the range ${quote(range)} ${inside} ${rule}`;
  const [, open, low = '', comma, high = '', close] = m;
  if (!comma) {
    if (open !== '[' || close !== ']' || !parseVersion(low)) {
      return `the range ${quote(range)} ${inside} ${rule}; an exact version is written [1.0.0]`;
    }
    return undefined;
  }
  if (low === '' && high === '') return `the range ${quote(range)} ${inside} needs at least one bound`;
  for (const bound of [low, high]) {
    if (bound !== '' && !parseVersion(bound)) {
      return `the range ${quote(range)} ${inside} has a bound ${quote(bound)} that is not a SemVer 2 version`;
    }
  }
  if (low !== '' && high !== '') {
    const order = compareVersions(low, high);
    if (order > 0 || (order === 0 && (open !== '[' || close !== ']'))) {
      return `the range ${quote(range)} ${inside} matches no version: its lower bound is not below its upper bound`;
    }
  }
  return undefined;
}

function repackageEntryProblems(value: unknown, field: string): string[] {
  if (typeof value === 'string') return value === '' ? [`${field} must not be empty`] : [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${field} must be a package id string or an object with an id, got ${describeValue(value)}`];
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.id !== 'string' || o.id === '')
    problems.push(`${field}.id is required and must be a non-empty string`);
  for (const key of ['date', 'using', 'by', 'reason', 'url'] as const) {
    if (o[key] !== undefined) problems.push(...stringProblems(o[key], `${field}.${key}`));
  }
  return problems;
}

function contentProblems(value: unknown, field: string): string[] {
  if (typeof value === 'string') {
    if (/^https?:\/\//i.test(value)) return urlProblems(value, field, false);
    return packageIdProblems(value, field);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      `${field} must be a package id, a URL or a {type, virtualPath, source} object, got ${describeValue(value)}`,
    ];
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['type', 'source'] as const) {
    if (typeof o[key] !== 'string' || o[key] === '') {
      problems.push(`${field}.${key} is required and must be a non-empty string`);
    }
  }
  if (o.virtualPath !== undefined) problems.push(...stringProblems(o.virtualPath, `${field}.virtualPath`));
  return problems;
}

/** `group/name:version[:sha1]`, the group optional. */
function packageIdProblems(value: string, field: string): string[] {
  const parts = value.split(':');
  const shown = quote(value);
  if (parts.length < 2 || parts.length > 3) {
    return [`${field} ${shown} must be a package id group/name:version[:sha1] or an http(s) URL`];
  }
  const inside = `in ${field} ${shown}`;
  const id = parts[0]!;
  const slash = id.lastIndexOf('/');
  const problems: string[] = [];
  if (slash >= 0)
    problems.push(...groupProblems(id.slice(0, slash), 'the group').map((p) => `${p} ${inside}`));
  problems.push(...identifierProblems(id.slice(slash + 1), 'the name', 50).map((p) => `${p} ${inside}`));
  problems.push(...maybe(versionProblem(parts[1], 'the version')).map((p) => `${p} ${inside}`));
  if (parts.length === 3 && !SHA1_RE.test(parts[2]!)) {
    problems.push(`the hash ${quote(parts[2]!)} ${inside} must be a SHA-1 of 40 hexadecimal digits`);
  }
  return problems;
}

/**
 * How deep JSON text nests, found without parsing (so it is safe on any input): a problem sentence once it
 * goes deeper than `max`.
 */
export function jsonDepthProblem(text: string, max = MAX_MANIFEST_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return depthSentence(max);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** The same bound for a value already in memory, walked level by level (no recursion, shared parts once). */
function valueDepthProblem(root: unknown, max: number): string | undefined {
  const seen = new Set<object>();
  let level: unknown[] = [root];
  for (let depth = 0; level.length; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v !== 'object' || v === null || seen.has(v)) continue;
      if (depth >= max) return depthSentence(max, 'the manifest');
      seen.add(v);
      for (const child of Array.isArray(v) ? v : Object.values(v)) next.push(child);
    }
    level = next;
  }
  return undefined;
}

function depthSentence(max: number, subject = 'it'): string {
  return `${subject} nests objects and arrays more than ${max} levels deep; the limit is ${max}`;
}

function foundChars(value: string, allowed: RegExp): string {
  const bad = [...new Set([...value].filter((c) => !allowed.test(c)))].slice(0, 5);
  return bad.length ? ` (found ${bad.map((c) => JSON.stringify(c)).join(', ')})` : '';
}

function maybe(problem: string | undefined): string[] {
  return problem === undefined ? [] : [problem];
}

function join(problems: string[]): string | undefined {
  return problems.length ? problems.join('; ') : undefined;
}
