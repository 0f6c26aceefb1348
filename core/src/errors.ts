// One error type for everything that goes wrong talking to ProGet, with a hint a person can act on.

export type ProGetErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'not-supported'
  | 'edition-required'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid-response';

/**
 * What the error is about, so that a caller can say which thing is wrong (issue 11 §2): the server URL
 * (not a ProGet API, not licensed), the feed (missing, inactive, wrong type), the package, the version, the
 * key (wrong, or lacking a privilege) or the endpoint (this ProGet version or edition lacks it).
 */
export type ProGetErrorSubject = 'server' | 'feed' | 'package' | 'version' | 'key' | 'endpoint';

export interface ProGetErrorInit {
  kind: ProGetErrorKind;
  subject?: ProGetErrorSubject;
  /** The one privilege the key lacks, when known (e.g. `Feeds_AddPackage`). */
  privilege?: string;
  message: string;
  status?: number;
  method?: string;
  /** Must already be redacted: see `redactUrl`. */
  url?: string;
  serverText?: string;
  hint?: string;
  attempts?: number;
  cause?: unknown;
}

const SERVER_TEXT_LIMIT = 500;

export class ProGetError extends Error {
  override readonly name = 'ProGetError';
  readonly kind: ProGetErrorKind;
  readonly subject?: ProGetErrorSubject;
  readonly privilege?: string;
  readonly status?: number;
  readonly method?: string;
  readonly url?: string;
  readonly serverText?: string;
  readonly hint?: string;
  readonly attempts?: number;

  readonly #init: ProGetErrorInit;

  constructor(init: ProGetErrorInit) {
    super(composeMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.#init = init;
    this.kind = init.kind;
    this.subject = init.subject;
    this.privilege = init.privilege;
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.serverText =
      init.serverText === undefined ? undefined : truncate(init.serverText, SERVER_TEXT_LIMIT);
    this.hint = init.hint;
    this.attempts = init.attempts;
  }

  /**
   * This error with `scrub` applied to every text it carries (message parts, URL, server text, hint):
   * itself when nothing changes. For a last pass of the secret scrubber over whatever reaches a user.
   */
  scrubbed(scrub: (text: string) => string): ProGetError {
    const init: Record<string, unknown> = { ...this.#init };
    let changed = false;
    for (const [name, value] of Object.entries(init)) {
      if (typeof value !== 'string') continue;
      const clean = scrub(value);
      if (clean !== value) {
        init[name] = clean;
        changed = true;
      }
    }
    if (!changed) return this;
    const copy = new ProGetError(init as unknown as ProGetErrorInit);
    if (this.stack) copy.stack = scrub(this.stack);
    return copy;
  }

  /** This error with `more` added to its hint (what the caller did about it, say). */
  withHint(more: string): ProGetError {
    const copy = new ProGetError({ ...this.#init, hint: this.hint ? `${this.hint} ${more}` : more });
    if (this.stack) copy.stack = this.stack;
    return copy;
  }

  /** The first line of the message: what went wrong and where, without the server's text or the hint. */
  get summary(): string {
    return firstLine(this.message);
  }
}

/** The first line of any thrown value's message: for one-line notifications, tree rows and log prefixes. */
export function errorSummary(error: unknown): string {
  if (error instanceof ProGetError) return error.summary;
  return firstLine(error instanceof Error ? error.message : String(error));
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

function composeMessage(init: ProGetErrorInit): string {
  const where =
    init.method && init.url ? ` (${init.method} ${init.url}${init.status ? ` → ${init.status}` : ''})` : '';
  const server = init.serverText?.trim()
    ? `\nServer said: ${truncate(init.serverText.trim(), SERVER_TEXT_LIMIT)}`
    : '';
  const hint = init.hint ? `\nHint: ${init.hint}` : '';
  return `${init.message}${where}${server}${hint}`;
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

/** Bad input caught before any network call: one error listing every problem found. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly problems: string[];

  constructor(subject: string, problems: string[]) {
    super(
      problems.length === 1
        ? `${subject}: ${problems[0]}`
        : `${subject}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** A package file that is malformed or hostile (zip-slip, zip bomb, missing upack.json...). */
export class PackageFormatError extends Error {
  override readonly name = 'PackageFormatError';
}

export function isProGetError(e: unknown, kind?: ProGetErrorKind): e is ProGetError {
  return e instanceof ProGetError && (kind === undefined || e.kind === kind);
}
