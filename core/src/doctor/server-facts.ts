// Reading what a server says about itself: version and edition headers, and the three forms of /health.

import type { IncomingHttpHeaders } from 'node:http';
import { parseInstanceHealth } from '../areas/health.js';
import { parseServerVersion } from '../areas/server.js';
import type { InstanceHealth } from '../types.js';
import { htmlTitle, looksLikeHtml, type ProbeResponse } from './probe.js';

export interface ProGetVersion {
  raw: string;
  display: string;
  major: number;
}

/**
 * `26.0.12.24` → 2026.12, `23.0.30` → 2023.30, older servers (`6.0.19`) as sent: core's one reading of the
 * header (`parseServerVersion`), stricter here because the doctor also asks "is this ProGet at all?", and a
 * header that is not a plain version number says no. `undefined` when the header is not a version.
 */
export function parseProGetVersion(raw: string | undefined): ProGetVersion | undefined {
  const text = raw?.trim();
  if (!text || !/^\d+(\.\d+){1,3}$/.test(text)) return undefined;
  const version = parseServerVersion(text);
  if (!version) return undefined;
  return version.year
    ? { raw: text, display: version.release, major: version.year }
    : { raw: text, display: text, major: version.parts[0]! };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

/** What one /health answer turned out to be. */
export type HealthAnswer =
  | { kind: 'json'; health: InstanceHealth; status: number }
  | { kind: 'text'; text: string; status: number }
  | { kind: 'html'; title: string; status: number }
  | { kind: 'redirect'; location: string; status: number }
  | { kind: 'other'; status: number; contentType: string };

export function readHealthAnswer(response: ProbeResponse): HealthAnswer {
  const { status } = response;
  if (status >= 300 && status < 400) {
    return { kind: 'redirect', location: header(response.headers, 'location') ?? '(no Location)', status };
  }
  if (looksLikeHtml(response)) return { kind: 'html', title: htmlTitle(response.text), status };
  const text = response.text.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const o = parsed as Record<string, unknown>;
        if ('applicationName' in o || 'databaseStatus' in o || 'licenseStatus' in o || 'serviceStatus' in o)
          return { kind: 'json', health: parseInstanceHealth(o, status), status };
      }
    } catch {
      // not JSON after all: treated as text below
    }
  }
  if (status === 404 || !text) return { kind: 'other', status, contentType: response.contentType };
  if (text.length <= 500 && !text.includes('\n\n')) return { kind: 'text', text, status };
  return { kind: 'other', status, contentType: response.contentType };
}

export function isLicensingRedirect(location: string): boolean {
  return /\/administration\/licensing/i.test(location);
}

export function isLoginRedirect(location: string): boolean {
  return /\/(log-?in|account\/log-?in|signin)/i.test(location);
}

/** "License is not valid" in any of the places a server says it. */
export function licenseProblem(answer: HealthAnswer): string | undefined {
  if (answer.kind === 'redirect' && isLicensingRedirect(answer.location))
    return `the server redirects API calls to ${pathOf(answer.location)}`;
  if (
    answer.kind === 'json' &&
    answer.health.licenseStatus &&
    answer.health.licenseStatus.toUpperCase() !== 'OK'
  )
    return `/health says licenseStatus ${answer.health.licenseStatus}${answer.health.licenseStatusDetail ? `: ${answer.health.licenseStatusDetail}` : ''}`;
  if (
    answer.kind === 'text' &&
    /licen[cs]e/i.test(answer.text) &&
    /error|not valid|invalid|expired/i.test(answer.text)
  )
    return `/health says "${answer.text}"`;
  return undefined;
}

export function pathOf(location: string): string {
  try {
    const url = new URL(location, 'http://x');
    return url.pathname;
  } catch {
    return location;
  }
}

export function describeAnswer(path: string, answer: HealthAnswer): string {
  switch (answer.kind) {
    case 'json':
      return `${path} answered HTTP ${answer.status} with ProGet's health JSON`;
    case 'text':
      return `${path} answered HTTP ${answer.status} "${answer.text.slice(0, 120)}"`;
    case 'html':
      return `${path} answered HTTP ${answer.status} with an HTML page${answer.title ? ` titled "${answer.title}"` : ''}`;
    case 'redirect':
      return `${path} redirected (HTTP ${answer.status}) to ${pathOf(answer.location)}`;
    case 'other':
      return `${path} answered HTTP ${answer.status}${answer.contentType ? ` (${answer.contentType})` : ''}`;
  }
}
