// Building request paths and query strings the way ProGet expects them.

export type QueryValue = string | number | boolean | undefined | null;
export type QueryParams = Record<string, QueryValue>;

/** Each segment escaped on its own; empty segments dropped (so an empty group leaves no `//`). */
export function joinPath(...segments: Array<string | undefined>): string {
  return `/${segments
    .filter((s): s is string => s !== undefined && s !== '')
    .map(encodeSegment)
    .join('/')}`;
}

/** A group keeps its `/` separators in paths: `a/b` → segments `a`, `b`, each escaped. */
export function groupSegments(group: string | undefined): string[] {
  return (group ?? '').split('/').filter((s) => s !== '');
}

function encodeSegment(segment: string): string {
  // encodeURIComponent leaves `!'()*` alone, which is fine for paths; it does encode `+` as %2B.
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

export interface NormalisedBase {
  /** Origin plus path prefix, without a trailing slash, without userinfo, query or hash. */
  baseUrl: string;
  origin: string;
  username?: string;
  password?: string;
}

export function normaliseBaseUrl(input: string): NormalisedBase {
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
