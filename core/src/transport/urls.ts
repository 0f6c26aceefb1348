// Building request paths and query strings the way ProGet expects them.

import { ValidationError } from '../errors.js';

export type QueryValue = string | number | boolean | undefined | null;
export type QueryParams = Record<string, QueryValue>;

/**
 * Each segment escaped on its own, so it stays one segment; undefined segments left out. A segment that no
 * escaping keeps in place (`.`, `..`, empty) is refused before any request: the URL parser would collapse
 * it and the request (with the API key) could leave the base path.
 */
export function joinPath(...segments: Array<string | undefined>): string {
  const present = segments.filter((s): s is string => s !== undefined);
  const bad = present.filter((s) => s === '' || s === '.' || s === '..');
  if (bad.length > 0) {
    throw new ValidationError(
      'Request path',
      bad.map((s) =>
        s === ''
          ? 'a feed, group, name or version is empty'
          : `a feed, group segment, name or version cannot be "${s}" (it would leave the API path)`,
      ),
    );
  }
  return `/${present.map(encodeSegment).join('/')}`;
}

/** A group keeps its `/` separators in paths: `a/b` → segments `a`, `b`, each escaped. */
export function groupSegments(group: string | undefined): string[] {
  return (group ?? '').split('/').filter((s) => s !== '');
}

function encodeSegment(segment: string): string {
  // encodeURIComponent escapes `/`, `\`, `?`, `#` and `%`, so nothing in a segment splits or ends the path;
  // it leaves `!'()*` alone, which is fine for paths, and encodes `+` as %2B.
  return encodeURIComponent(segment);
}

/**
 * `?a=1&b=` with `undefined`/`null` left out and `''` kept as an empty value (ProGet reads `group=` as the
 * empty group). encodeURIComponent turns `+` into %2B, so a version like `1.0.0+build` survives.
 */
export function buildQuery(params: QueryParams | undefined): string {
  if (!params) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export interface NormalizedBase {
  /** Origin plus path prefix, without a trailing slash, without userinfo, query or hash. */
  baseUrl: string;
  origin: string;
  username?: string;
  password?: string;
}

export function normalizeBaseUrl(input: string): NormalizedBase {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(
      `ProGet URL ${JSON.stringify(input)} is not an absolute URL (e.g. https://proget.example.com)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`ProGet URL must use http or https, not ${url.protocol}`);
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return { baseUrl: `${url.origin}${path}`, origin: url.origin, username, password };
}
