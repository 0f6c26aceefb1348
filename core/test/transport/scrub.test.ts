// The secret scrubber's cut and case rules, and the last scrub pass over a ProGetError.

import { describe, expect, it } from 'vitest';
import { ProGetError } from '../../src/errors.js';
import { SecretScrubber } from '../../src/redact.js';
import { landingPage } from '../../src/transport/redirects.js';

const KEY = 'Ab3dEf9hIjKl';

describe('SecretScrubber', () => {
  const scrubber = new SecretScrubber([KEY]);

  it('masks the key in any case and in its encoded forms', () => {
    expect(scrubber.scrub(`a ${KEY} b ${KEY.toLowerCase()} c ${Buffer.from(KEY).toString('base64')}`)).toBe(
      'a *** b *** c ***',
    );
  });

  it.each([4, 5, KEY.length - 1])('scrubCut masks a %i-character start of the key at the end', (n) => {
    expect(scrubber.scrubCut(`text ${KEY.slice(0, n)}`)).toBe('text ***');
    expect(scrubber.scrubCut(`text ${KEY.slice(0, n).toLowerCase()}`)).toBe('text ***');
  });

  it('scrubCut leaves a 3-character start and ordinary endings alone', () => {
    expect(scrubber.scrubCut(`text ${KEY.slice(0, 3)}`)).toBe(`text ${KEY.slice(0, 3)}`);
    expect(scrubber.scrubCut('nothing secret here')).toBe('nothing secret here');
    expect(scrubber.scrubCut(`${KEY} and then Ab3d`)).toBe('*** and then ***');
  });
});

describe('ProGetError.scrubbed', () => {
  it('rebuilds the error with every text scrubbed, cutting the server text only afterwards', () => {
    const error = new ProGetError({
      kind: 'server',
      message: `Could not x: HTTP 500 ${KEY}`,
      method: 'GET',
      url: `http://h/${KEY}`,
      serverText: `${'a'.repeat(497)}${KEY}`,
      hint: `hint ${KEY}`,
      status: 500,
    });
    const clean = error.scrubbed((t) => t.split(KEY).join('***'));
    expect(clean).not.toBe(error);
    expect(clean).toMatchObject({ kind: 'server', status: 500, url: 'http://h/***', hint: 'hint ***' });
    expect(clean.message).not.toContain(KEY.slice(0, 4));
    expect(clean.serverText).toBe(`${'a'.repeat(497)}***`);
    expect(clean.stack).not.toContain(KEY);
  });

  it('is the same error when nothing changes', () => {
    const error = new ProGetError({ kind: 'server', message: 'Could not x' });
    expect(error.scrubbed((t) => t)).toBe(error);
  });
});

describe('landing pages', () => {
  it.each([
    ['https://h/administration/licensing', 'licensing'],
    ['https://h/proget/Administration/Licensing/?x=1', 'licensing'],
    ['https://h/log-in?ReturnUrl=/api', 'login'],
    ['https://h/login', 'login'],
    ['https://h/account/login', 'login'],
    ['https://h/users/login.aspx', 'login'],
    ['https://h/proget/log-in', 'login'],
    ['https://h/upack/feed/download/login', undefined],
    ['https://h/upack/feed/login', undefined],
    ['https://h/api/packages/login-tools/latest', undefined],
  ])('%s', (url, page) => {
    expect(landingPage(new URL(url))).toBe(page);
  });
});
