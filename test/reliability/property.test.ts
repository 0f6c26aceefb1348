// Property-based tests (fast-check): the version and manifest validators, the promotion-list parser (through
// the real client, fed generated JSON by a local server), findPromotion, and the `packages` line parser.

import { createServer, type Server } from 'node:http';
import {
  compareVersions,
  findPromotion,
  manifestWarnings,
  ProGetClient,
  ProGetError,
  type PromotedPackage,
  parseVersion,
  serializeManifest,
  sortVersions,
  validateGroup,
  validateManifest,
  validatePackageName,
  validateVersion,
} from '@proget-ci/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPackageRef, parsePackageRef } from '../../action/src/promote-check/package-ref.js';

const RUNS = { numRuns: 300 };

// ---- generators --------------------------------------------------------------------------------------

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
const char = (alphabet: string) => fc.constantFrom(...alphabet.split(''));
// '.' and '..' pass the character rule but are refused as names and group segments (they collapse in URLs).
const validName = fc
  .string({ unit: char(NAME_CHARS), minLength: 1, maxLength: 50 })
  .filter((s) => s !== '.' && s !== '..');
const validGroup = fc
  .array(
    validName.map((s) => s.slice(0, 20)).filter((s) => s !== '.' && s !== '..'),
    { minLength: 1, maxLength: 4 },
  )
  .map((segments) => segments.join('/'));
const numeric = fc.oneof(fc.nat({ max: 20 }), fc.nat({ max: 2_000_000 })).map(String);
const ident = fc.oneof(
  numeric,
  fc.string({
    unit: char('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'),
    minLength: 1,
    maxLength: 8,
  }),
);
const validVersion = fc
  .record({
    core: fc.tuple(numeric, numeric, numeric),
    pre: fc.option(fc.array(ident, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    build: fc.option(fc.array(ident, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(
    ({ core, pre, build }) =>
      `${core.join('.')}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build.join('.')}` : ''}`,
  );
const tag = fc
  .tuple(char('abcdefghijklmnopqrstuvwxyz'), fc.string({ unit: char(NAME_CHARS), maxLength: 20 }))
  .map(([first, rest]) => first + rest);
const validManifest = fc.record(
  {
    name: validName,
    version: validVersion,
    group: validGroup,
    title: fc.string({ maxLength: 50 }),
    description: fc.string({ maxLength: 200 }),
    projectUrl: fc.webUrl(),
    tags: fc.uniqueArray(tag, { maxLength: 5, selector: (t) => t.toLowerCase() }),
    _commit: fc.string({ unit: char('0123456789abcdef'), minLength: 40, maxLength: 40 }),
    _custom: fc.jsonValue(),
  },
  { requiredKeys: ['name', 'version'] },
);

/** A version that breaks SemVer 2 in one named way. */
const brokenVersion = fc.oneof(
  fc.tuple(numeric, numeric).map(([a, b]) => `${a}.${b}`),
  validVersion.map((v) => `v${v}`),
  validVersion.map((v) => `${v}.`),
  validVersion.map((v) => ` ${v}`),
  fc.tuple(numeric, numeric, numeric, numeric).map((p) => p.join('.')),
  validVersion.map((v) => v.replace(/^(\d+)/, '$1x')),
  fc.tuple(numeric, numeric, numeric).map(([a, b, c]) => `${a}.${b}.${c}-`),
  fc.tuple(numeric, numeric, numeric).map(([a, b, c]) => `${a}.${b}.${c}+`),
  fc.tuple(numeric, numeric, numeric).map(([a, b, c]) => `${a}.${b}.${c}-a..b`),
  fc.constantFrom('latest', 'latest-stable', '', '1.0.0-ä', '١.٢.٣'),
);

// ---- versions -----------------------------------------------------------------------------------------

describe('version validator and ordering', () => {
  it('accepts every SemVer 2 version (leading zeros tolerated) and parses it back exactly', () => {
    fc.assert(
      fc.property(validVersion, (v) => {
        expect(validateVersion(v)).toBeUndefined();
        expect(parseVersion(v)?.raw).toBe(v);
      }),
      RUNS,
    );
  });

  it('refuses broken versions with a sentence naming the field and the value', () => {
    fc.assert(
      fc.property(brokenVersion, (v) => {
        const problem = validateVersion(v, '"version"');
        expect(problem).toBeDefined();
        expect(problem).toMatch(/^"version" /);
        if (v !== '') expect(problem).toContain(JSON.stringify(v));
        expect(parseVersion(v)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('never throws on any input, and agrees with parseVersion', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (v) => {
        const problem = validateVersion(v);
        expect(problem === undefined || typeof problem === 'string').toBe(true);
        if (typeof v === 'string') expect(problem === undefined).toBe(parseVersion(v) !== undefined);
        else expect(problem).toBeDefined();
      }),
      RUNS,
    );
  });

  it('orders consistently: reflexive, antisymmetric, transitive; sorting is non-decreasing', () => {
    fc.assert(
      fc.property(validVersion, validVersion, validVersion, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        }
        const sorted = sortVersions([c, a, b]);
        expect(compareVersions(sorted[0]!, sorted[1]!)).toBeLessThanOrEqual(0);
        expect(compareVersions(sorted[1]!, sorted[2]!)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('a release sorts above its prereleases; no build sorts above a build (ProGet tiebreak)', () => {
    fc.assert(
      fc.property(
        fc.tuple(numeric, numeric, numeric),
        fc.array(ident, { minLength: 1, maxLength: 3 }),
        ident,
        (core, pre, build) => {
          const release = core.join('.');
          expect(compareVersions(release, `${release}-${pre.join('.')}`)).toBeGreaterThan(0);
          expect(compareVersions(release, `${release}+${build}`)).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });
});

// ---- manifest -----------------------------------------------------------------------------------------

describe('manifest validator', () => {
  it('accepts every manifest that follows the rules', () => {
    fc.assert(
      fc.property(validManifest, (m) => {
        expect(validateManifest(m)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('names the field of a single broken rule', () => {
    const breakers = fc.oneof(
      validName.map(
        (n) =>
          [
            'name',
            `${n} x`,
            /^name ".*" may contain only letters, digits, '\.', '_' and '-' \(found " "\)$/,
          ] as const,
      ),
      validName.map(
        (n) => ['name', n.padEnd(51, 'n'), /^name ".*" is \d+ characters long; the limit is 50$/] as const,
      ),
      brokenVersion
        .filter((v) => v !== '')
        .map(
          (v) => ['version', v, /^version ".*" (must be a SemVer 2 version|is not a valid SemVer)/] as const,
        ),
      validGroup.map((g) => ['group', `/${g}`, /^group ".*" must not start or end with '\/'$/] as const),
      validGroup.map(
        (g) => ['group', `${g}//x`, /^group ".*" must not contain '\/\/' \(an empty segment\)$/] as const,
      ),
      fc
        .string({ minLength: 51, maxLength: 80 })
        .map((t) => ['title', t, /^title ".*" is \d+ characters long; the limit is 50$/s] as const),
      fc
        .constantFrom('ftp://x', 'not a url', 'javascript:alert(1)')
        .map((u) => ['projectUrl', u, /^projectUrl ".*" must be an absolute http\(s\) URL$/] as const),
      fc.constantFrom('1abc', 'has space', '').map((t) => ['tags', [t], /^tags\[0\] /] as const),
    );
    fc.assert(
      fc.property(validManifest, breakers, (m, [field, value, expected]) => {
        const broken = { ...m, [field]: value };
        const problems = validateManifest(broken);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(expected);
      }),
      RUNS,
    );
  });

  it('accepts any unprefixed custom key with exactly one warning naming it (api-notes §8)', () => {
    fc.assert(
      fc.property(validManifest, validName, fc.jsonValue(), (m, k, value) => {
        const key = `x${k}`;
        const withCustom = { ...m, [key]: value };
        expect(validateManifest(withCustom)).toEqual([]);
        const warnings = manifestWarnings(withCustom);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(`property ${JSON.stringify(key)} is not a standard manifest field`);
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary JSON and always answers with sentences', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problems = validateManifest(value);
        expect(Array.isArray(problems)).toBe(true);
        for (const p of problems) expect(typeof p).toBe('string');
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          expect(problems).toHaveLength(1);
          expect(problems[0]).toMatch(/^the manifest must be a JSON object, got /);
        }
      }),
      RUNS,
    );
  });

  it('serialises deterministically: key order does not matter and the JSON reads back equal', () => {
    fc.assert(
      fc.property(validManifest, (m) => {
        const reversed = Object.fromEntries(Object.entries(m).reverse()) as typeof m;
        const text = serializeManifest(m);
        expect(serializeManifest(reversed)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(m)));
        expect(text.charCodeAt(0)).not.toBe(0xfeff);
      }),
      RUNS,
    );
  });

  it('the name and group validators agree with their rules on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('.', '..', '...', 'a/./b', 'a/..')),
        (s) => {
          const nameOk =
            s.length >= 1 && s.length <= 50 && /^[0-9A-Za-z._-]+$/.test(s) && s !== '.' && s !== '..';
          expect(validatePackageName(s) === undefined).toBe(nameOk);
          const groupOk =
            s.length <= 250 &&
            /^[0-9A-Za-z._/-]*$/.test(s) &&
            !s.startsWith('/') &&
            !s.endsWith('/') &&
            !s.includes('//') &&
            !s.split('/').some((seg) => seg === '.' || seg === '..');
          expect(validateGroup(s) === undefined).toBe(groupOk);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---- promotion list --------------------------------------------------------------------------------------

let server: Server;
let serverUrl = '';
let body = '[]';

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

const feedName = fc.constantFrom('dev', 'DEV', 'approved', 'Approved', 'prod');
const isoDate = fc
  .integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((t) => new Date(t).toISOString());
const wirePromotion = fc.record({
  fromFeed: feedName,
  toFeed: feedName,
  // ProGet sometimes leaves the zone off: still UTC.
  date: fc.tuple(isoDate, fc.boolean()).map(([d, zone]) => (zone ? d : d.replace(/Z$/, ''))),
  user: fc.constantFrom('SYSTEM', 'alice'),
  comments: fc.string({ maxLength: 20 }),
  id: fc.nat({ max: 10_000 }),
});
/** Both shapes the doc page shows: `package`/`group` and `packageName`/`groupName`. */
const wireEntry = fc
  .record({
    name: fc.constantFrom('app', 'App', 'lib'),
    group: fc.option(fc.constantFrom('apps', 'Apps/web'), { nil: undefined }),
    version: fc.constantFrom('1.0.0', '1.0.0+b', '2.0.0-rc.1'),
    promotions: fc.array(wirePromotion, { maxLength: 4 }),
    oldShape: fc.boolean(),
  })
  .map(({ name, group, version, promotions, oldShape }) => ({
    entry: {
      ...(oldShape ? { packageName: name, groupName: group } : { package: name, group }),
      packageType: 'upack',
      version,
      promotions,
    },
    name,
    group,
    version,
    promotions,
  }));

describe('promotion-list parser (through the client)', () => {
  it('reads both wire shapes, normalizes dates to UTC, and keeps every promotion', async () => {
    const client = new ProGetClient({ url: serverUrl, retries: 0 });
    await fc.assert(
      fc.asyncProperty(fc.array(wireEntry, { maxLength: 5 }), async (entries) => {
        body = JSON.stringify(entries.map((e) => e.entry));
        const list = await client.promotions.list({ toFeed: 'approved' });
        expect(list).toHaveLength(entries.length);
        for (const [i, parsed] of list.entries()) {
          const wire = entries[i]!;
          expect(parsed.name).toBe(wire.name);
          expect(parsed.group).toBe(wire.group ?? '');
          expect(parsed.version).toBe(wire.version);
          expect(parsed.promotions.map((p) => p.id)).toEqual(wire.promotions.map((p) => p.id));
          for (const [j, p] of parsed.promotions.entries()) {
            const date = wire.promotions[j]!.date;
            expect(p.date).toBe(new Date(date.endsWith('Z') ? date : `${date}Z`).toISOString());
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a list that is not an array or object with a clear error, never a crash', async () => {
    const client = new ProGetClient({ url: serverUrl, retries: 0 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        async (value) => {
          body = JSON.stringify(value);
          const e = await client.promotions.list().then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(e).toBeInstanceOf(ProGetError);
          expect((e as ProGetError).message).toBe(
            `Could not query promotions: Expected the promotion list as a JSON array, got ${value === null ? 'null' : typeof value} (GET ${serverUrl}/api/promotions/list → 200)`,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('findPromotion: a match exists exactly when the list holds one, and it is the newest', () => {
    const packages = fc.array(wireEntry, { maxLength: 6 }).map((entries): PromotedPackage[] =>
      entries.map((e) => ({
        name: e.name,
        group: e.group ?? '',
        version: e.version,
        promotions: e.promotions.map((p) => ({
          ...p,
          date: new Date(p.date.endsWith('Z') ? p.date : `${p.date}Z`).toISOString(),
        })),
      })),
    );
    const query = fc.record({
      name: fc.constantFrom('app', 'APP', 'lib'),
      group: fc.option(fc.constantFrom('apps', 'APPS/web', 'apps/web'), { nil: undefined }),
      version: fc.constantFrom('1.0.0', '1.0.0+b', '2.0.0-rc.1'),
      toFeed: feedName,
      fromFeed: fc.option(feedName, { nil: undefined }),
    });
    fc.assert(
      fc.property(packages, query, (list, q) => {
        const same = (a?: string, b?: string) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
        const candidates = list.flatMap((pkg) =>
          same(pkg.name, q.name) && same(pkg.group, q.group) && pkg.version === q.version
            ? pkg.promotions.filter(
                (p) => same(p.toFeed, q.toFeed) && (q.fromFeed === undefined || same(p.fromFeed, q.fromFeed)),
              )
            : [],
        );
        const match = findPromotion(list, q);
        expect(match === undefined).toBe(candidates.length === 0);
        if (match) {
          expect(candidates).toContain(match.promotion);
          const newest = Math.max(...candidates.map((p) => Date.parse(p.date!)));
          expect(Date.parse(match.promotion.date!)).toBe(newest);
        }
      }),
      RUNS,
    );
  });
});

// ---- `packages` lines ---------------------------------------------------------------------------------

describe('packages line parser', () => {
  it('round-trips every valid group/name@version', () => {
    fc.assert(
      fc.property(
        fc.option(validGroup, { nil: undefined }),
        validName,
        validVersion,
        (group, name, version) => {
          const id = group === undefined ? { name, version } : { group, name, version };
          expect(parsePackageRef(formatPackageRef(id))).toEqual(id);
        },
      ),
      RUNS,
    );
  });

  it('answers anything else with a problem sentence, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (line) => {
        const parsed = parsePackageRef(line);
        if (typeof parsed === 'string') expect(parsed.length).toBeGreaterThan(10);
        else expect(formatPackageRef(parsed)).toBe(line.trim().replace(/\s*@\s*/, '@'));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a line with a broken version, naming it', () => {
    fc.assert(
      fc.property(
        validName,
        brokenVersion.filter((v) => v.trim() !== '' && v === v.trim() && !v.includes('@')),
        (name, version) => {
          const parsed = parsePackageRef(`${name}@${version}`);
          expect(typeof parsed).toBe('string');
          expect(parsed).toMatch(
            /^(version ".*" (must be a SemVer 2 version|is not a valid SemVer)|expected group\/name@version)/,
          );
        },
      ),
      RUNS,
    );
  });
});
