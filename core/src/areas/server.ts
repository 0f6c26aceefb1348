// What the server says about itself (X-ProGet-Version / X-ProGet-Edition), read leniently, and how to tell
// a ProGet API from something else answering at the configured URL (issue 11 §2).

import type { IncomingHttpHeaders } from 'node:http';
import { ProGetError, type ProGetErrorInit } from '../errors.js';
import type { Edition, ServerDescription, ServerInfo, ServerVersion } from '../types.js';

/**
 * `26.0.12.24` (real servers send four parts), `24.0.3`, `2024.3`, `23.0.22.6`, `6.0.19.1`; a leading `v`
 * and trailing text (`26.0.12.24-rc`) are tolerated. undefined when no number can be read.
 */
export function parseServerVersion(text: string | undefined): ServerVersion | undefined {
  const m = /(\d+(?:\.\d+)*)/.exec(text ?? '');
  if (!text || !m) return undefined;
  const parts = m[1]!.split('.').map((p) => Number.parseInt(p, 10));
  const major = parts[0]!;
  let year: number | undefined;
  let release: string;
  if (major >= 2000 && major < 2100) {
    year = major;
    release = `${year}.${parts[1] ?? 0}`;
  } else if (major >= 20 && major < 100) {
    // `26.0.12.24` is shown to people as 2026.12.
    year = 2000 + major;
    release = `${year}.${parts[2] ?? parts[1] ?? 0}`;
  } else {
    release = parts.slice(0, 3).join('.');
  }
  return { text: text.trim(), parts, year, release };
}

const EDITIONS: Record<string, Edition> = { free: 'Free', basic: 'Basic', enterprise: 'Enterprise' };

/** `free`, `Free`, ` FREE ` → `Free`; missing or unknown → undefined. */
export function parseEdition(text: string | undefined): Edition | undefined {
  return text === undefined ? undefined : EDITIONS[text.trim().toLowerCase()];
}

export function describeServer(info: ServerInfo): ServerDescription {
  const version = parseServerVersion(info.version);
  const edition = parseEdition(info.edition);
  const name = version
    ? `ProGet ${version.year ? version.release : version.text}`
    : 'ProGet (version not reported)';
  return { version, edition, display: edition ? `${name} (${edition})` : name };
}

/**
 * Whether this server may ignore a missing group (ProGet 2023 up to at least 2023.28, api-notes §7). Unknown
 * versions count as "may", so callers check rather than guess.
 */
export function mayIgnoreMissingGroup(info: ServerInfo): boolean {
  const v = parseServerVersion(info.version);
  return v?.year === undefined || v.year < 2024;
}

/** True when a response carries ProGet's own headers. */
export function hasProGetHeaders(headers: IncomingHttpHeaders): boolean {
  return headers['x-proget-version'] !== undefined || headers['x-proget-edition'] !== undefined;
}

export function isHtml(headers: IncomingHttpHeaders, text?: string): boolean {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  if (type.includes('html')) return true;
  return text !== undefined && /^\s*(<!doctype html|<html)/i.test(text);
}

/** A short description of an HTML page for a message: its title, or "an HTML page". */
export function describeHtml(text: string): string {
  const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
  return title ? `an HTML page titled "${title}"` : 'an HTML page';
}

/** The error for "what answers at this URL is not a ProGet API", saying what was found there. */
export function notProGet(found: string, base: string, extra: Partial<ProGetErrorInit> = {}): ProGetError {
  return new ProGetError({
    kind: 'invalid-response',
    subject: 'server',
    message: `${base} does not look like a ProGet server: it answered with ${found}`,
    hint:
      'Check the ProGet URL: it is the address of the ProGet web site (for example https://proget.example.com, ' +
      'with a path only if ProGet is hosted under one), not a feed URL, a login page or a proxy in front of it.',
    ...extra,
  });
}

/** A copy of `error` with some fields replaced (a more precise message, subject or hint). */
export function reframe(error: ProGetError, init: Partial<ProGetErrorInit>): ProGetError {
  return new ProGetError({
    kind: error.kind,
    subject: error.subject,
    privilege: error.privilege,
    status: error.status,
    method: error.method,
    url: error.url,
    serverText: error.serverText,
    hint: error.hint,
    attempts: error.attempts,
    message: error.summary.replace(/ \([A-Z]+ [^)]*\)$/, ''),
    cause: error,
    ...init,
  });
}
