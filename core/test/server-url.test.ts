import { describe, expect, it } from 'vitest';
import { checkServerUrl, errorSummary, ProGetError } from '../src/index.js';

describe('checkServerUrl', () => {
  it('accepts http(s) and drops the trailing slash', () => {
    expect(checkServerUrl(' https://proget.example.com/ ')).toEqual({
      ok: true,
      url: 'https://proget.example.com',
      schemeGiven: true,
    });
    expect(checkServerUrl('http://h:8624/base/')).toMatchObject({ ok: true, url: 'http://h:8624/base' });
  });

  it('refuses a value without a scheme unless one is assumed', () => {
    expect(checkServerUrl('proget.local:8624')).toMatchObject({ ok: false });
    expect(checkServerUrl('proget.local:8624', { assumeScheme: 'http' })).toEqual({
      ok: true,
      url: 'http://proget.local:8624',
      schemeGiven: false,
    });
  });

  it.each([
    ['', 'empty'],
    ['ftp://h', 'scheme'],
    ['https://u:secret-pass@h', 'credentials'],
    ['https://h/?key=abc', 'query-or-fragment'],
    ['https://h/#x', 'query-or-fragment'],
    ['https://', 'not-a-url'],
  ])('%j is refused as %s, without echoing the value', (value, problem) => {
    const check = checkServerUrl(value);
    expect(check).toMatchObject({ ok: false, problem });
    if (!check.ok) {
      expect(check.reason).not.toContain('secret-pass');
      expect(check.reason).not.toContain('abc');
      expect(check.shown ?? '').not.toMatch(/secret-pass|abc/);
    }
  });
});

describe('errorSummary', () => {
  it('is the first line of a ProGetError and of any other error', () => {
    const e = new ProGetError({ kind: 'server', message: 'Boom', serverText: 'details', hint: 'do x' });
    expect(e.message.split('\n').length).toBeGreaterThan(1);
    expect(e.summary).toBe('Boom');
    expect(errorSummary(e)).toBe('Boom');
    expect(errorSummary(new Error('a\nb'))).toBe('a');
    expect(errorSummary('plain')).toBe('plain');
  });
});

describe('checkServerUrl: what may be echoed', () => {
  it('shows a URL with its query or fragment cut, never the key in it', () => {
    expect(checkServerUrl('https://h/base/?key=s3cr3t-key#frag')).toMatchObject({
      ok: false,
      shown: 'https://h/base/?…#…',
    });
  });
  it('shows nothing for an unparsable value that may hold a secret', () => {
    expect(checkServerUrl('ht!tp://user:pw@host')).toMatchObject({ ok: false, shown: undefined });
    expect(checkServerUrl('not a url?key=abc')).toMatchObject({ ok: false, shown: undefined });
    expect(checkServerUrl('proget.example.com')).toMatchObject({ ok: false, shown: 'proget.example.com' });
  });
});
