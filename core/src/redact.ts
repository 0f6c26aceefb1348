// Keeping secrets out of messages, logs and URLs that reach people.

const SECRET_QUERY_KEYS = new Set(['key', 'api_key', 'apikey', 'password']);
const MASK = '***';
/** The shortest start of a secret that `scrubCut` masks at the end of a cut text. */
const PARTIAL_MIN = 4;

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
      for (const form of [s, encodeURIComponent(s), Buffer.from(s, 'utf8').toString('base64')]) {
        all.add(form);
        // A host name comes back lower-cased from URL parsing: a key reflected into one must not survive.
        all.add(form.toLowerCase());
      }
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

  /**
   * For text cut off at a limit: scrubbed, and a tail that could be the start of a secret (at least
   * PARTIAL_MIN characters of one) is masked too, so a secret cut in two leaves no prefix.
   */
  scrubCut(text: string): string {
    const out = this.scrub(text);
    let longest = 0;
    for (const s of this.secrets) {
      for (let n = Math.min(s.length - 1, out.length); n >= PARTIAL_MIN && n > longest; n--) {
        if (out.endsWith(s.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest > 0 ? `${out.slice(0, out.length - longest)}${MASK}` : out;
  }

  /** Redacted and scrubbed: the only form in which a request URL may be shown. */
  url(url: string | URL): string {
    return this.scrub(redactUrl(url));
  }
}
