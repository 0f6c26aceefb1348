// upack.json rules (api-notes §8). A reason string comes back for the 400 body; undefined means valid.

import { isValidVersion } from './versions.js';

export type Manifest = Record<string, unknown>;

export const NAME_RE = /^[0-9A-Za-z._-]{1,50}$/;
const GROUP_CHARS_RE = /^[0-9A-Za-z._/-]{0,250}$/;
const TAG_RE = /^[0-9A-Za-z._-]{1,50}$/;
const DEPENDENCY_ID = '[0-9A-Za-z._/-]+';
const DEPENDENCY_RE = new RegExp(
  `^(${DEPENDENCY_ID})(?::(${DEPENDENCY_ID}))?(?::([^:]+))?(?::([0-9a-fA-F]{40}))?$`,
);
const RANGE_RE = /^(\*|[[(][^,\]()[]*,[^,\]()[]*[\])])$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const KNOWN_FIELDS = new Set([
  'name',
  'version',
  'group',
  'title',
  'projectUrl',
  'icon',
  'description',
  'shortDescription',
  'summary',
  'tags',
  'dependencies',
  'createdDate',
  'createdReason',
  'createdUsing',
  'createdBy',
  'repackageHistory',
  'contents',
]);

export function validateName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'The package name is required.';
  if (!NAME_RE.test(name))
    return `Invalid package name "${name}": use 1 to 50 characters from [0-9A-Za-z._-].`;
  if (name === '.' || name === '..') return `Invalid package name "${name}": "." and ".." are not names.`;
  return undefined;
}

export function validateGroup(group: unknown): string | undefined {
  if (group === undefined || group === null || group === '') return undefined;
  if (typeof group !== 'string') return 'The package group must be a string.';
  if (!GROUP_CHARS_RE.test(group))
    return `Invalid package group "${group}": use up to 250 characters from [0-9A-Za-z._/-].`;
  if (group.startsWith('/') || group.endsWith('/') || group.includes('//'))
    return `Invalid package group "${group}": it may not start or end with "/" or contain "//".`;
  if (group.split('/').some((s) => s === '.' || s === '..'))
    return `Invalid package group "${group}": "." and ".." are not group segments.`;
  return undefined;
}

function isAbsoluteUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol !== '' && u.host !== '';
  } catch {
    return false;
  }
}

function validateDependency(dep: unknown): string | undefined {
  if (typeof dep !== 'string' || dep === '') return 'Each dependency must be a non-empty string.';
  const m = DEPENDENCY_RE.exec(dep);
  if (!m) return `Invalid dependency "${dep}".`;
  const range = m[3];
  if (range !== undefined && !RANGE_RE.test(range) && !isValidVersion(range))
    return `Invalid version range in dependency "${dep}".`;
  return undefined;
}

export interface ManifestRules {
  /** Reject keys that are neither defined fields nor `_`-prefixed custom properties. */
  rejectUnknownKeys: boolean;
}

export function validateManifest(m: Manifest, rules: ManifestRules): string | undefined {
  const nameError = validateName(m.name);
  if (nameError) return nameError;
  if (typeof m.version !== 'string' || m.version === '') return 'The package version is required.';
  if (!isValidVersion(m.version))
    return `Invalid package version "${m.version}": it must be a SemVer 2 version.`;
  const groupError = validateGroup(m.group);
  if (groupError) return groupError;
  if (m.title !== undefined && (typeof m.title !== 'string' || m.title.length > 50))
    return 'The title must be a string of at most 50 characters.';
  if (m.projectUrl !== undefined && (typeof m.projectUrl !== 'string' || !isAbsoluteUrl(m.projectUrl)))
    return 'The projectUrl must be an absolute URL.';
  if (m.icon !== undefined) {
    if (typeof m.icon !== 'string' || !(m.icon.startsWith('package://') || isAbsoluteUrl(m.icon)))
      return 'The icon must be an absolute URL or a package:// path.';
  }
  if (m.description !== undefined && typeof m.description !== 'string')
    return 'The description must be a string.';
  if (
    m.shortDescription !== undefined &&
    (typeof m.shortDescription !== 'string' || m.shortDescription.length > 1000)
  )
    return 'The shortDescription must be a string of at most 1000 characters.';
  if (m.tags !== undefined) {
    if (!Array.isArray(m.tags)) return 'The tags must be an array of strings.';
    const seen = new Set<string>();
    for (const tag of m.tags) {
      if (typeof tag !== 'string' || !TAG_RE.test(tag) || /^\d/.test(tag))
        return `Invalid tag "${String(tag)}": 1 to 50 characters from [0-9A-Za-z._-], not starting with a digit.`;
      if (seen.has(tag.toLowerCase())) return `Duplicate tag "${tag}".`;
      seen.add(tag.toLowerCase());
    }
  }
  if (m.dependencies !== undefined) {
    if (!Array.isArray(m.dependencies)) return 'The dependencies must be an array of strings.';
    for (const dep of m.dependencies) {
      const e = validateDependency(dep);
      if (e) return e;
    }
  }
  if (m.createdDate !== undefined && (typeof m.createdDate !== 'string' || !ISO_DATE_RE.test(m.createdDate)))
    return 'The createdDate must be an ISO-8601 UTC date.';
  for (const f of ['createdReason', 'createdUsing', 'createdBy'] as const) {
    if (m[f] !== undefined && typeof m[f] !== 'string') return `The ${f} must be a string.`;
  }
  if (m.repackageHistory !== undefined && !Array.isArray(m.repackageHistory))
    return 'The repackageHistory must be an array.';
  if (m.contents !== undefined && !Array.isArray(m.contents))
    return 'The contents of a virtual package must be an array.';
  if (rules.rejectUnknownKeys) {
    for (const key of Object.keys(m)) {
      if (!KNOWN_FIELDS.has(key) && !key.startsWith('_'))
        return `Unknown manifest property "${key}": custom properties must start with "_" (e.g. "_${key}").`;
    }
  }
  return undefined;
}

/** Deepest nesting of objects and arrays accepted in upack.json (the views serialise it recursively). */
export const MAX_MANIFEST_DEPTH = 64;

/** Nesting depth of JSON text, counted without parsing; stops counting past `max`. */
function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length && deepest <= max; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** Parse upack.json text (UTF-8, a BOM tolerated); a string is the reason it is unusable. */
export function parseManifest(text: string): Manifest | string {
  if (jsonDepth(text, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH)
    return `upack.json nests objects and arrays more than ${MAX_MANIFEST_DEPTH} levels deep.`;
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return 'upack.json must be a JSON object.';
    return value as Manifest;
  } catch (e) {
    return `upack.json is not valid JSON: ${(e as Error).message}`;
  }
}
