// Version ordering (api-notes §8) and manifest rules.

import { describe, expect, it } from 'vitest';
import { validateManifest } from './manifest.js';
import { compareVersions, isPrerelease, isValidVersion, latestOf } from './versions.js';

describe('version ordering', () => {
  it('orders by SemVer 2 precedence, then build metadata (absent above present)', () => {
    const sorted = [
      '1.0.0+b',
      '1.0.0',
      '1.0.0-rc.1',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta.11',
      '1.0.0-beta.2',
      '1.0.0-beta',
      '1.0.0-alpha.beta',
      '1.0.0+a',
      '1.0.0+10',
      '1.0.0+9',
      '0.9.99',
      '10.0.0',
      '2.0.0',
    ].sort(compareVersions);
    expect(sorted).toEqual([
      '0.9.99',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0+9',
      '1.0.0+10',
      '1.0.0+a',
      '1.0.0+b',
      '1.0.0',
      '2.0.0',
      '10.0.0',
    ]);
  });

  it('accepts leading zeros and compares them numerically, at any length', () => {
    expect(isValidVersion('01.002.0003')).toBe(true);
    expect(compareVersions('1.02.0', '1.10.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0', '01.00.000')).toBe(0);
    expect(compareVersions('1.0.99999999999999999999', '1.0.100000000000000000000')).toBeLessThan(0);
  });

  it('rejects what is not SemVer 2', () => {
    for (const v of ['1.0', '1', 'v1.0.0', '1.0.0-', '1.0.0+', '1.0.0-a..b', '1.0.0 '])
      expect(isValidVersion(v)).toBe(false);
  });

  it('latest, with and without prereleases', () => {
    const vs = ['1.3.9', '1.3.10', '1.4.0-beta', '0.0.22'];
    expect(latestOf(vs)).toBe('1.4.0-beta');
    expect(latestOf(vs, true)).toBe('1.3.10');
    expect(latestOf(['1.0.0-rc.1'], true)).toBeUndefined();
    expect(isPrerelease('1.0.0-rc.1+b')).toBe(true);
    expect(isPrerelease('1.0.0+b')).toBe(false);
  });
});

describe('manifest rules', () => {
  const ok = (m: Record<string, unknown>, rejectUnknownKeys = true) =>
    validateManifest(m, { rejectUnknownKeys });

  it('accepts the minimum and custom _ properties', () => {
    expect(ok({ name: 'a', version: '1.0.0', _custom: { any: 'thing' } })).toBeUndefined();
    expect(ok({ name: 'A.b-c_d', version: '0.0.1', group: 'x/y.z-w_v' })).toBeUndefined();
  });

  it('unknown keys are allowed when the rule is off', () => {
    expect(ok({ name: 'a', version: '1.0.0', repository: 'x' })).toMatch(/must start with "_"/);
    expect(ok({ name: 'a', version: '1.0.0', repository: 'x' }, false)).toBeUndefined();
  });

  it('checks the group length and the short description length', () => {
    expect(ok({ name: 'a', version: '1.0.0', group: 'g'.repeat(251) })).toMatch(/group/);
    expect(ok({ name: 'a', version: '1.0.0', shortDescription: 's'.repeat(1001) })).toMatch(
      /shortDescription/,
    );
    expect(ok({ name: 'a', version: '1.0.0', group: 'g/' })).toMatch(/group/);
  });
});
