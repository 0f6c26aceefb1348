import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  compareVersions,
  isPrerelease,
  latestVersion,
  parseVersion,
  sortVersions,
  versionProblem,
} from '../../src/upack/versions.js';

describe('parseVersion', () => {
  it('parses SemVer 2 with prerelease and build', () => {
    expect(parseVersion('1.2.3-beta.1+build.5')).toEqual({
      raw: '1.2.3-beta.1+build.5',
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: ['beta', '1'],
      build: 'build.5',
      precedenceKey: '1.2.3-beta.1',
    });
  });

  it('accepts leading zeros and reads them as numbers', () => {
    const v = parseVersion('01.002.0003-rc.07');
    expect(v).toMatchObject({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: ['rc', '07'],
      precedenceKey: '1.2.3-rc.7',
    });
  });

  it.each([
    '',
    '1',
    '1.0',
    '1.0.0.0',
    'v1.0.0',
    '=1.0.0',
    ' 1.0.0',
    '1.0.0 ',
    '1.0.0-',
    '1.0.0+',
    '1.0.0-a..b',
    '1.0.0-a_b',
    '1.0.0+a+b',
    '-1.0.0',
    '1.0.x',
    '99999999999999999.0.0',
    `1.0.0-${'a'.repeat(300)}`,
  ])('rejects %j', (v) => {
    expect(parseVersion(v)).toBeUndefined();
    expect(versionProblem(v)).toMatch(/^version /);
  });

  it('explains the rule in the problem sentence', () => {
    expect(versionProblem('1.0')).toContain('version "1.0" must be a SemVer 2 version');
    expect(versionProblem(5)).toBe('version must be a string, got number 5');
    expect(versionProblem('1.0', 'input version')).toMatch(/^input version "1.0"/);
  });
});

describe('compareVersions', () => {
  // Each row is strictly below the next.
  const ascending = [
    '0.0.1',
    '0.9.0',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0+2',
    '1.0.0+10',
    '1.0.0+a',
    '1.0.0+b',
    '1.0.0',
    '1.0.1',
    '1.9.0',
    '1.10.0',
    '2.0.0',
    '10.0.0',
  ];

  it('orders the table strictly, pairwise', () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const sign = Math.sign(compareVersions(ascending[i]!, ascending[j]!));
        expect([ascending[i], ascending[j], sign]).toEqual([ascending[i], ascending[j], Math.sign(i - j)]);
      }
    }
  });

  it('sorts absent build metadata above any build, and 1.0.0+a below 1.0.0+b', () => {
    expect(compareVersions('1.0.0+a', '1.0.0+b')).toBeLessThan(0);
    expect(compareVersions('1.0.0+b', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0', '1.0.0+a')).toBeGreaterThan(0);
  });

  it('compares numeric builds numerically and others ordinally (uppercase before lowercase)', () => {
    expect(compareVersions('1.0.0+9', '1.0.0+10')).toBeLessThan(0);
    expect(compareVersions('1.0.0+B', '1.0.0+a')).toBeLessThan(0);
    expect(compareVersions('1.0.0+build.10', '1.0.0+build.9')).toBeLessThan(0); // not all digits: ordinal
  });

  it('puts a numeric build below a non-numeric one so the order stays transitive', () => {
    expect(compareVersions('1.0.0+9', '1.0.0+1a')).toBeLessThan(0);
    expect(compareVersions('1.0.0+10', '1.0.0+1a')).toBeLessThan(0);
  });

  it('ignores leading zeros in numeric parts', () => {
    expect(compareVersions('01.02.03', '1.2.3')).toBe(0);
    expect(compareVersions('1.02.0', '1.10.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0-rc.010', '1.0.0-rc.9')).toBeGreaterThan(0);
  });

  it('ranks prereleases below their release and numeric identifiers below alphanumeric ones', () => {
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('2.0.0-rc.1', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-1', '1.0.0-a')).toBeLessThan(0);
  });

  it('throws ValidationError naming an invalid version', () => {
    expect(() => compareVersions('1.0.0', 'latest')).toThrow(ValidationError);
    expect(() => compareVersions('latest', '1.0.0')).toThrow(/version "latest"/);
  });
});

describe('isPrerelease', () => {
  it('is true only with a prerelease part', () => {
    expect(isPrerelease('1.0.0-rc.1')).toBe(true);
    expect(isPrerelease('1.0.0-rc.1+5')).toBe(true);
    expect(isPrerelease('1.0.0+rc')).toBe(false);
    expect(isPrerelease('1.0.0')).toBe(false);
    expect(() => isPrerelease('1.0')).toThrow(ValidationError);
  });
});

describe('sortVersions', () => {
  const shuffled = ['1.10.0', '1.0.0', '1.0.0+b', '1.0.0-rc.1', '1.9.0', '1.0.0+a', '01.01.0'];

  it('sorts ascending by default and descending on request, without changing the input', () => {
    const copy = [...shuffled];
    expect(sortVersions(shuffled)).toEqual([
      '1.0.0-rc.1',
      '1.0.0+a',
      '1.0.0+b',
      '1.0.0',
      '01.01.0',
      '1.9.0',
      '1.10.0',
    ]);
    expect(sortVersions(shuffled, 'desc')).toEqual([
      '1.10.0',
      '1.9.0',
      '01.01.0',
      '1.0.0',
      '1.0.0+b',
      '1.0.0+a',
      '1.0.0-rc.1',
    ]);
    expect(shuffled).toEqual(copy);
  });

  it('lists every invalid version in one error', () => {
    try {
      sortVersions(['1.0.0', 'x', '1.0', '2.0.0']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems).toHaveLength(2);
      expect((e as ValidationError).problems.join('\n')).toMatch(/"x"[\s\S]*"1\.0"/);
    }
  });
});

describe('latestVersion', () => {
  const versions = ['1.0.0', '1.2.0', '2.0.0-beta.1', '1.10.0+5', '1.10.0-rc.1', 'not-a-version'];

  it('picks the highest stable version when prereleases are not wanted', () => {
    expect(latestVersion(versions, { prerelease: false })).toBe('1.10.0+5');
  });

  it('picks the absolute latest when prereleases are allowed', () => {
    expect(latestVersion(versions, { prerelease: true })).toBe('2.0.0-beta.1');
  });

  it('prefers the version without build metadata among equals', () => {
    expect(latestVersion(['1.0.0+b', '1.0.0', '1.0.0+a'], { prerelease: false })).toBe('1.0.0');
  });

  it('returns undefined when nothing qualifies', () => {
    expect(latestVersion([], { prerelease: true })).toBeUndefined();
    expect(latestVersion(['1.0.0-rc.1'], { prerelease: false })).toBeUndefined();
    expect(latestVersion(['junk'], { prerelease: true })).toBeUndefined();
  });
});
