// Keeping secrets out of messages, logs and URLs that reach people.

const SECRET_QUERY_KEYS = new Set(['key', 'api_key', 'apikey', 'password']);
const MASK = '***';

/**
 * The URL with userinfo and the values of `key`, `api_key`, `apikey` and `password` query parameters
 * (any case) replaced by `***`. Strings that are not absolute URLs get the same treatment textually.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return redactQueryText(url.toString());
  }
  if (parsed.username) parsed.username = MASK;
  if (parsed.password) parsed.password = MASK;
  // Rewrite the query by hand: URLSearchParams would re-encode every other parameter.
  const search = parsed.search;
  const redacted = search ? redactQueryText(search) : '';
  const base = `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}${parsed.host}${parsed.pathname}`;
  return `${base}${redacted}${parsed.hash}`;
}

function redactQueryText(text: string): string {
  return text.replace(/([?&;])([^=&#;]+)=([^&#;]*)/g, (whole, sep: string, name: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    return SECRET_QUERY_KEYS.has(decoded.toLowerCase()) ? `${sep}${name}=${MASK}` : whole;
  });
}

/** Replaces every literal occurrence of the configured secrets (and their encodings) with `***`. */
export class SecretScrubber {
  private readonly secrets: string[];

  constructor(secrets: Array<string | undefined>) {
    const all = new Set<string>();
    for (const s of secrets) {
      // Very short "secrets" would mangle ordinary text; keys and passwords this short are not secret anyway.
      if (!s || s.length < 3) continue;
      all.add(s);
      all.add(encodeURIComponent(s));
      all.add(Buffer.from(s, 'utf8').toString('base64'));
    }
    // Longest first so a secret containing another is masked whole.
    this.secrets = [...all].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
    return out;
  }

  /** Redacted and scrubbed: the only form in which a request URL may be shown. */
  url(url: string | URL): string {
    return this.scrub(redactUrl(url));
  }
}
