import { describe, expect, it } from 'vitest';
import { utcDate } from '../src/areas/wire.js';
import { isVersionSelector, redactUrl, resolveLatest } from '../src/index.js';
import { SecretScrubber } from '../src/redact.js';
import {
  backoffDelay,
  isPreConnectError,
  isTransientNetworkError,
  parseRetryAfter,
} from '../src/transport/retry.js';
import { buildQuery, groupSegments, joinPath, normalizeBaseUrl } from '../src/transport/urls.js';

describe('redactUrl', () => {
  it.each([
    ['https://p.test/api/json/X?API_Key=abc&x=1', 'https://p.test/api/json/X?API_Key=***&x=1'],
    ['https://p.test/upack/f/packages?key=abc', 'https://p.test/upack/f/packages?key=***'],
    ['https://p.test/a?apikey=abc&password=pw&name=n', 'https://p.test/a?apikey=***&password=***&name=n'],
    ['https://user:pw@p.test/a', 'https://***:***@p.test/a'],
    ['https://p.test/a?monkey=banana', 'https://p.test/a?monkey=banana'],
    ['https://p.test/a?name=x%2By', 'https://p.test/a?name=x%2By'],
    ['not a url?key=abc', 'not a url?key=***'],
  ])('%s → %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });
});

describe('SecretScrubber', () => {
  it('masks the secret, its URL encoding and its base64', () => {
    const s = new SecretScrubber(['k+y/123', undefined, 'ab']);
    expect(s.scrub('a k+y/123 b k%2By%2F123 c')).toBe('a *** b *** c');
    expect(s.scrub(Buffer.from('k+y/123').toString('base64'))).toBe('***');
    // two-character values are not treated as secrets
    expect(s.scrub('about')).toBe('about');
  });
});

describe('URL building', () => {
  it('keeps group separators and escapes each segment', () => {
    expect(joinPath('upack', 'feed', 'download', ...groupSegments('a b/c#d'), 'n', '1.0.0+x')).toBe(
      '/upack/feed/download/a%20b/c%23d/n/1.0.0%2Bx',
    );
  });

  it('omits an empty group', () => {
    expect(joinPath('upack', 'f', 'delete', ...groupSegments(''), 'n', '1.0.0')).toBe(
      '/upack/f/delete/n/1.0.0',
    );
    expect(groupSegments(undefined)).toEqual([]);
  });

  it('encodes + in query values, keeps empty values, drops undefined', () => {
    expect(buildQuery({ group: '', name: 'n', version: '1.0.0+b', count: undefined, flag: true })).toBe(
      '?group=&name=n&version=1.0.0%2Bb&flag=true',
    );
    expect(buildQuery({})).toBe('');
  });

  it('normalizes the base URL', () => {
    expect(normalizeBaseUrl('https://u:p%40ss@proget.test/prefix/?x=1#h')).toEqual({
      baseUrl: 'https://proget.test/prefix',
      origin: 'https://proget.test',
      username: 'u',
      password: 'p@ss',
    });
    expect(() => normalizeBaseUrl('ftp://x')).toThrow(/http or https/);
  });
});

describe('retry policy', () => {
  it('parses Retry-After seconds and HTTP-dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backoff is full jitter under an exponential ceiling with a cap', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(200);
    expect(backoffDelay(10, 100, 1000, () => 0.999)).toBe(999);
    expect(backoffDelay(2, 100, 10_000, () => 0)).toBe(0);
  });

  it('classifies network errors', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(isPreConnectError(err('ECONNREFUSED'))).toBe(true);
    expect(isPreConnectError(err('ECONNRESET'))).toBe(false);
    expect(isTransientNetworkError(err('ECONNRESET'))).toBe(true);
    expect(isTransientNetworkError(err('ENOSPC'))).toBe(false);
    expect(isTransientNetworkError(new Error('aborted'))).toBe(true);
  });
});

describe('dates', () => {
  it('treats a date without zone as UTC and normalizes to Z', () => {
    expect(utcDate('2023-11-29T12:00:00')).toBe('2023-11-29T12:00:00.000Z');
    expect(utcDate('2019-03-29T17:41:59.907+00:00')).toBe('2019-03-29T17:41:59.907Z');
    expect(utcDate('2019-03-29T19:41:59+02:00')).toBe('2019-03-29T17:41:59.000Z');
    expect(utcDate(null)).toBeUndefined();
    expect(utcDate('garbage')).toBe('garbage');
  });
});

describe('latest', () => {
  it('resolveLatest follows SemVer with an explicit prerelease choice', () => {
    const versions = ['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1', 'junk'];
    expect(resolveLatest(versions, { prerelease: false })).toBe('1.10.0');
    expect(resolveLatest(versions, { prerelease: true })).toBe('2.0.0-rc.1');
    expect(resolveLatest([], { prerelease: true })).toBeUndefined();
  });

  it('recognises selectors', () => {
    expect(isVersionSelector('latest')).toBe(true);
    expect(isVersionSelector('Latest-Stable')).toBe(true);
    expect(isVersionSelector('1.0.0')).toBe(false);
  });
});
