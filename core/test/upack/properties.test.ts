import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  serializeManifest,
  type UpackManifest,
  validateManifest,
  validatePackageName,
} from '../../src/upack/manifest.js';
import { compareVersions, latestVersion, parseVersion, sortVersions } from '../../src/upack/versions.js';

// Small alphabets on purpose: collisions (equal parts, equal builds) are where ordering bugs hide.
const digits = fc
  .tuple(fc.nat({ max: 2 }), fc.oneof(fc.nat({ max: 12 }), fc.nat()))
  .map(([zeros, n]) => `${'0'.repeat(zeros)}${n}`);
const plainNumber = fc.oneof(fc.nat({ max: 12 }), fc.nat()).map(String);
const preId = fc.oneof(digits, fc.constantFrom('alpha', 'beta', 'rc', 'a', 'b', 'A', '-', 'x-1', '1a'));
const buildId = fc.oneof(digits, fc.constantFrom('a', 'b', 'B', '1a', 'build', 'sha-abc', 'z9'));
const idList = (id: fc.Arbitrary<string>) =>
  fc.array(id, { minLength: 1, maxLength: 3 }).map((ids) => ids.join('.'));

const version = fc
  .record({
    core: fc.tuple(digits, digits, digits),
    pre: fc.option(idList(preId), { nil: undefined }),
    build: fc.option(idList(buildId), { nil: undefined }),
  })
  .map(({ core, pre, build }) => `${core.join('.')}${pre ? `-${pre}` : ''}${build ? `+${build}` : ''}`);

const sign = (n: number) => Math.sign(n) || 0;

describe('version ordering properties', () => {
  it('parses every generated version', () => {
    fc.assert(fc.property(version, (v) => parseVersion(v) !== undefined));
  });

  it('is reflexive and antisymmetric', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(sign(compareVersions(a, b))).toBe(-sign(compareVersions(b, a)));
      }),
      { numRuns: 1000 },
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareVersions) as [string, string, string];
        // Sorting only compares some pairs; check the ones it did not.
        expect(compareVersions(x, y)).toBeLessThanOrEqual(0);
        expect(compareVersions(y, z)).toBeLessThanOrEqual(0);
        expect(compareVersions(x, z)).toBeLessThanOrEqual(0);
        if (compareVersions(x, y) < 0 || compareVersions(y, z) < 0)
          expect(compareVersions(x, z)).toBeLessThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('is transitive among builds of one release (where the build tiebreak alone decides)', () => {
    const sameRelease = fc
      .option(
        fc.oneof(fc.nat({ max: 12 }).map(String), fc.constantFrom('010', '1a', '9b', 'a', 'B', 'b.1')),
        {
          nil: undefined,
        },
      )
      .map((b) => (b === undefined ? '1.0.0' : `1.0.0+${b}`));
    fc.assert(
      fc.property(sameRelease, sameRelease, sameRelease, (a, b, c) => {
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('sorts consistently with compareVersions, both ways', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 25 }), (list) => {
        const asc = sortVersions(list);
        const desc = sortVersions(list, 'desc');
        expect([...asc].sort()).toEqual([...list].sort());
        for (let i = 1; i < asc.length; i++) {
          expect(compareVersions(asc[i - 1]!, asc[i]!)).toBeLessThanOrEqual(0);
          expect(compareVersions(desc[i - 1]!, desc[i]!)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('agrees with semver where semver applies (no leading zeros, no build metadata)', () => {
    const strict = fc
      .record({
        core: fc.tuple(plainNumber, plainNumber, plainNumber),
        pre: fc.option(idList(fc.oneof(plainNumber, fc.constantFrom('alpha', 'beta', 'rc', 'A', 'x-1'))), {
          nil: undefined,
        }),
      })
      .map(({ core, pre }) => `${core.join('.')}${pre ? `-${pre}` : ''}`);
    fc.assert(
      fc.property(strict, strict, (a, b) => {
        expect(sign(compareVersions(a, b))).toBe(semver.compare(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('picks as latest a maximum of the (stable) list', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 20 }), fc.boolean(), (list, prerelease) => {
        const pool = prerelease ? list : list.filter((v) => parseVersion(v)!.prerelease.length === 0);
        const latest = latestVersion(list, { prerelease });
        if (pool.length === 0) {
          expect(latest).toBeUndefined();
        } else {
          expect(pool).toContain(latest);
          for (const v of pool) expect(compareVersions(v, latest!)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });
});

const nameChars = /^[0-9A-Za-z._-]{1,50}$/;
/** `.` and `..` match the character rule but are refused as names and as group segments. */
const notDots = (s: string) => s !== '.' && s !== '..';
const name = fc.stringMatching(nameChars).filter(notDots);
const segment = fc.stringMatching(/^[0-9A-Za-z._-]{1,20}$/).filter(notDots);
const group = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
const tag = fc.stringMatching(/^[A-Za-z._-][0-9A-Za-z._-]{0,20}$/);
const range = fc.oneof(
  fc.constant('*'),
  version,
  fc.tuple(fc.constantFrom('[', '('), version).map(([open, v]) => `${open}${v},)`),
  version.map((v) => `[${v}]`),
);
const dependency = fc.oneof(
  name,
  fc.tuple(group, name).map(([g, n]) => `${g}/${n}`),
  fc.tuple(group, name, range).map(([g, n, r]) => `${g}:${n}:${r}`),
);
const utcDate = fc
  .date({ min: new Date('1980-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const manifest: fc.Arbitrary<UpackManifest> = fc
  .record(
    {
      name,
      version,
      group,
      title: fc.string({ maxLength: 50 }),
      projectUrl: fc.webUrl(),
      icon: fc.oneof(fc.webUrl(), fc.constant('package://icon.png')),
      description: fc.string(),
      shortDescription: fc.string({ maxLength: 1000 }),
      tags: fc.uniqueArray(tag, { maxLength: 6, selector: (t) => t.toLowerCase() }),
      dependencies: fc.array(dependency, { maxLength: 5 }),
      createdDate: utcDate,
      createdBy: fc.string(),
      _extra: fc.jsonValue(),
    },
    { requiredKeys: ['name', 'version'] },
  )
  .map((m) => m as UpackManifest);

describe('manifest validation properties', () => {
  it('finds no problem in generated valid manifests, before and after serialisation', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        expect(validateManifest(m)).toEqual([]);
        expect(validateManifest(JSON.parse(serializeManifest(m)))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('serialises equal manifests to equal bytes whatever the key order', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        const reversed = Object.fromEntries(Object.entries(m).reverse()) as UpackManifest;
        expect(serializeManifest(reversed)).toBe(serializeManifest(m));
      }),
    );
  });

  it('refuses any name with a character outside the allowed set', () => {
    const bad = fc
      .tuple(
        fc.stringMatching(/^[a-z]{0,5}$/),
        fc.string({ minLength: 1, maxLength: 1 }),
        fc.stringMatching(/^[a-z]{0,5}$/),
      )
      .filter(([, c]) => !/[0-9A-Za-z._-]/.test(c))
      .map((parts) => parts.join(''));
    fc.assert(fc.property(bad, (name) => validatePackageName(name)?.includes('may contain only') === true));
  });
});
