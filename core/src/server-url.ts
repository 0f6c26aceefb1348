// The one rule for a ProGet server URL as a person types it: http(s) only, no credentials (they would end
// up in settings and logs), no query or fragment. The action and the extension word the problem in their
// own terms (an input name, a prompt); the rule itself lives here.

export type ServerUrlProblem = 'empty' | 'not-a-url' | 'scheme' | 'credentials' | 'query-or-fragment';

export type ServerUrlCheck =
  | {
      ok: true;
      /** The URL without a trailing slash. */
      url: string;
      /** False when the value had no `scheme://` and `assumeScheme` was put in front of it. */
      schemeGiven: boolean;
    }
  | {
      ok: false;
      problem: ServerUrlProblem;
      /** What is wrong, as the end of a sentence ("must not contain credentials"). Never echoes a secret. */
      reason: string;
      /**
       * The value as it may be echoed back to a person: a query or fragment (which may carry `?key=…`) is
       * shown as `?…`/`#…`; undefined when the value may hold a credential and cannot be shown safely.
       */
      shown?: string;
    };

export interface ServerUrlOptions {
  /** Put in front of a value without `scheme://` (e.g. `host:8624`); without it such a value is refused. */
  assumeScheme?: 'https' | 'http';
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function checkServerUrl(value: string, options: ServerUrlOptions = {}): ServerUrlCheck {
  const text = value.trim();
  if (!text) return { ok: false, problem: 'empty', reason: 'is empty' };
  const schemeGiven = SCHEME.test(text);
  let url: URL;
  try {
    url = new URL(schemeGiven || !options.assumeScheme ? text : `${options.assumeScheme}://${text}`);
  } catch {
    return {
      ok: false,
      problem: 'not-a-url',
      reason: 'is not a valid URL (e.g. https://proget.example.com)',
      shown: /[@?#]/.test(text) ? undefined : text,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      problem: 'scheme',
      reason: `must be an http:// or https:// URL, not ${url.protocol}//`,
      shown: /[@?#]/.test(text) ? undefined : text,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'credentials', reason: 'must not contain credentials' };
  }
  if (url.search !== '' || url.hash !== '') {
    return {
      ok: false,
      problem: 'query-or-fragment',
      reason: 'must not have a query string or fragment',
      shown: `${url.origin}${url.pathname}${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`,
    };
  }
  return { ok: true, url: url.href.replace(/\/+$/, ''), schemeGiven };
}
