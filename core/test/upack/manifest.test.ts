import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  assertValidManifest,
  checkManifest,
  manifestWarnings,
  serializeManifest,
  type UpackManifest,
  validateDependency,
  validateGroup,
  validateManifest,
  validatePackageName,
  validateTag,
  validateVersion,
} from '../../src/upack/manifest.js';

const base = { name: 'my-package', version: '1.0.0' };
const problemsOf = (extra: Record<string, unknown>) => validateManifest({ ...base, ...extra });

describe('validateManifest: a full valid manifest', () => {
  it('has no problems', () => {
    const full: UpackManifest = {
      group: 'acme/tools',
      name: 'Build.Tool_2-x',
      version: '2.1.0-rc.1+build.7',
      title: 'Build tool',
      projectUrl: 'https://example.com/tool',
      icon: 'package://icon.png',
      description: '# Markdown\n\nwith *text*',
      shortDescription: 'A tool.',
      tags: ['build', 'ci', 'x.y_z-w'],
      dependencies: [
        'zlib',
        'acme/zlib',
        'acme:zlib',
        'acme:zlib:*',
        'acme:zlib:[1.0.0,2.0.0)',
        `a:b:1.0.0:${'a'.repeat(40)}`,
      ],
      createdDate: '2024-05-01T12:30:00.1234567Z',
      createdReason: 'CI',
      createdUsing: 'proget-ci',
      createdBy: 'bot',
      repackageHistory: [
        'acme/tool:2.1.0-rc.1',
        { id: 'acme/tool:2.0.0', reason: 'promote', date: '2024-01-01T00:00:00Z' },
      ],
      _repository: 'https://github.com/acme/tool',
      _commit: { sha: 'abc' },
    };
    expect(validateManifest(full)).toEqual([]);
    expect(() => assertValidManifest(full)).not.toThrow();
  });
});

describe('validateManifest: the object itself', () => {
  it.each([null, 'x', 5, [], undefined])('refuses %j', (m) => {
    expect(validateManifest(m)).toEqual([expect.stringMatching(/^the manifest must be a JSON object/)]);
  });

  it('requires name and version', () => {
    expect(validateManifest({})).toEqual(['name is required', 'version is required']);
  });

  it('accepts custom keys without the _ prefix, with a warning recommending it (api-notes §8)', () => {
    const m = { ...base, author: 'Ann', repository: { url: 'x' }, _repository: 'x' };
    expect(validateManifest(m)).toEqual([]);
    expect(() => assertValidManifest(m)).not.toThrow();
    const warning = (k: string) =>
      `property "${k}" is not a standard manifest field; ProGet keeps it as a custom property, but the format recommends a '_' prefix (e.g. "_${k}") so it cannot clash with a future field`;
    expect(manifestWarnings(m)).toEqual([warning('author'), warning('repository')]);
    expect(checkManifest(m)).toEqual({ problems: [], warnings: [warning('author'), warning('repository')] });
  });

  it('has no warnings for known fields and _ keys, nor for a value that is not an object', () => {
    expect(manifestWarnings({ ...base, title: 't', _commit: 'abc' })).toEqual([]);
    expect(manifestWarnings([1, 2])).toEqual([]);
    expect(checkManifest('x')).toEqual({
      problems: ['the manifest must be a JSON object, got the string "x"'],
      warnings: [],
    });
  });

  it('lists every problem in one ValidationError', () => {
    const bad = { name: 'my pkg', version: '1.0', group: '/g', tags: ['1x'], extra: true };
    try {
      assertValidManifest(bad, 'manifest input');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.problems).toHaveLength(4);
      expect(err.message).toMatch(/^manifest input: 4 problems:/);
      expect(err.message).not.toContain('"extra"'); // a custom property: a warning, not a problem
      for (const needle of ['name "my pkg"', 'version "1.0"', 'group "/g"', 'tags[0] "1x"']) {
        expect(err.message).toContain(needle);
      }
    }
  });
});

describe('name', () => {
  it.each(['a', 'A.b_c-9', 'x'.repeat(50)])('accepts %j', (name) => {
    expect(validatePackageName(name)).toBeUndefined();
    expect(problemsOf({ name })).toEqual([]);
  });

  it('names the value and the rule', () => {
    expect(validatePackageName('my pkg')).toBe(
      `name "my pkg" may contain only letters, digits, '.', '_' and '-' (found " ")`,
    );
    expect(validatePackageName('')).toBe('name must not be empty (1–50 characters)');
    expect(validatePackageName('x'.repeat(51))).toMatch(/is 51 characters long; the limit is 50$/);
    expect(validatePackageName('a/b')).toMatch(/found "\/"/);
    expect(validatePackageName(7)).toBe('name must be a string, got number 7');
    expect(validatePackageName('a b', 'input "package"')).toMatch(/^input "package" "a b"/);
  });
});

describe('version', () => {
  it('accepts SemVer 2, leniently with leading zeros', () => {
    expect(validateVersion('1.0.0-beta+exp.sha.5114f85')).toBeUndefined();
    expect(validateVersion('01.0.0')).toBeUndefined();
  });

  it('refuses non-SemVer versions', () => {
    expect(problemsOf({ version: '1.0' })[0]).toMatch(/^version "1.0" must be a SemVer 2 version/);
    expect(problemsOf({ version: 1 })).toEqual(['version must be a string, got number 1']);
  });
});

describe('group', () => {
  it.each(['', 'a', 'a/b/c', 'Acme.Tools/x_y-z', 'g'.repeat(250)])('accepts %j', (group) => {
    expect(validateGroup(group)).toBeUndefined();
    expect(problemsOf({ group })).toEqual([]);
  });

  it.each([
    ['/a', "must not start or end with '/'"],
    ['a/', "must not start or end with '/'"],
    ['a//b', "must not contain '//'"],
    ['a b', "may contain only letters, digits, '.', '_' and '-' and '/'"],
    ['a:b', 'found ":"'],
    ['g'.repeat(251), 'the limit is 250'],
  ])('refuses %j', (group, why) => {
    expect(validateGroup(group)).toContain(why);
    expect(problemsOf({ group })[0]).toContain(`group "${group.slice(0, 80)}`);
  });

  it('reports each broken group rule', () => {
    expect(problemsOf({ group: '/a//b c' })).toHaveLength(3);
  });
});

describe('title, descriptions and created*', () => {
  it('limits title to 50 and shortDescription to 1000 characters', () => {
    expect(problemsOf({ title: 't'.repeat(50), shortDescription: 's'.repeat(1000) })).toEqual([]);
    expect(problemsOf({ title: 't'.repeat(51) })).toEqual([
      expect.stringMatching(/^title .* the limit is 50$/),
    ]);
    expect(problemsOf({ shortDescription: 's'.repeat(1001) })).toEqual([
      expect.stringMatching(/^shortDescription .* the limit is 1000$/),
    ]);
  });

  it('requires strings', () => {
    const problems = problemsOf({ description: 1, createdBy: {}, createdReason: [], createdUsing: null });
    expect(problems).toEqual([
      'description must be a string, got number 1',
      'createdReason must be a string, got an array',
      'createdUsing must be a string, got null',
      'createdBy must be a string, got an object',
    ]);
  });

  it.each([
    '2024-05-01T12:30:00Z',
    '2024-05-01T12:30:00.5Z',
    '2024-02-29T00:00:00+00:00',
  ])('accepts createdDate %j', (createdDate) => {
    expect(problemsOf({ createdDate })).toEqual([]);
  });

  it.each([
    '2024-05-01',
    '2024-05-01T12:30:00',
    '2024-05-01T12:30:00+02:00',
    '2023-02-29T00:00:00Z',
    'yesterday',
  ])('refuses createdDate %j', (createdDate) => {
    expect(problemsOf({ createdDate })).toEqual([
      `createdDate "${createdDate}" must be a UTC ISO-8601 date-time such as 2024-05-01T12:30:00Z`,
    ]);
  });
});

describe('projectUrl and icon', () => {
  it('accepts http(s) URLs and package:// icons', () => {
    expect(problemsOf({ projectUrl: 'http://example.com', icon: 'https://example.com/i.png' })).toEqual([]);
    expect(problemsOf({ icon: 'package://img/icon.png' })).toEqual([]);
  });

  it.each([
    'example.com',
    '/relative',
    'javascript:alert(1)',
    'ftp://example.com',
  ])('refuses projectUrl %j', (url) => {
    expect(problemsOf({ projectUrl: url })).toEqual([`projectUrl "${url}" must be an absolute http(s) URL`]);
  });

  it.each(['package://', 'package://../secret', 'icon.png'])('refuses icon %j', (icon) => {
    expect(problemsOf({ icon })).toEqual([expect.stringMatching(/^icon ".*" must/)]);
  });
});

describe('tags', () => {
  it.each(['a', 'build', 'x.y_z-1', 't'.repeat(50)])('accepts %j', (tag) => {
    expect(validateTag(tag)).toBeUndefined();
  });

  it.each([
    ['1abc', 'must not start with a digit'],
    ['', 'must not be empty'],
    ['a b', 'may contain only'],
    ['t'.repeat(51), 'the limit is 50'],
  ])('refuses %j', (tag, why) => {
    expect(validateTag(tag)).toContain(why);
  });

  it('requires an array of unique tags', () => {
    expect(problemsOf({ tags: 'a,b' })).toEqual(['tags must be an array, got the string "a,b"']);
    expect(problemsOf({ tags: ['a', 'b', 'A'] })).toEqual([
      'tags lists "A" more than once (tags are compared ignoring case)',
    ]);
    expect(problemsOf({ tags: ['ok', 5] })).toEqual(['tags[1] must be a string, got number 5']);
  });
});

describe('dependencies', () => {
  it.each([
    'zlib',
    'acme/zlib',
    'acme/sub/zlib',
    'acme:zlib',
    ':zlib:1.0.0',
    'acme:zlib:*',
    'acme:zlib:1.2.3',
    'acme:zlib:[1.0.0,2.0.0)',
    'acme:zlib:(,2.0.0]',
    'acme:zlib:[1.0.0,)',
    'acme:zlib:[1.0.0]',
    'acme:zlib:[1.0.0,1.0.0]',
    `acme:zlib:1.0.0:${'0123456789abcdef0123'.repeat(2)}`,
  ])('accepts %j', (dep) => {
    expect(validateDependency(dep)).toBeUndefined();
  });

  it.each([
    ['a:b:c:d:e', 'must be name, group/name, group:name'],
    ['bad name', `the name "bad name" may contain only`],
    ['/zlib', "must not start with '/'"],
    ['a//b:zlib', "must not contain '//'"],
    ['acme:', 'the name must not be empty'],
    ['acme:zlib:latest', `the range "latest"`],
    ['acme:zlib:1.0', `the range "1.0"`],
    ['acme:zlib:[1.0.0,2.0.0', `the range "[1.0.0,2.0.0"`],
    ['acme:zlib:[,]', 'needs at least one bound'],
    ['acme:zlib:[2.0.0,1.0.0]', 'matches no version'],
    ['acme:zlib:[1.0.0,1.0.0)', 'matches no version'],
    ['acme:zlib:(1.0.0)', 'an exact version is written [1.0.0]'],
    ['acme:zlib:[1.0,2.0.0)', `bound "1.0"`],
    ['acme:zlib:*:abc', 'must be a SHA-1 of 40 hexadecimal digits'],
  ])('refuses %j', (dep, why) => {
    const problem = validateDependency(dep);
    expect(problem).toContain(why);
    expect(problem).toContain(`dependency ${JSON.stringify(dep)}`);
  });

  it('names the array index in manifest problems', () => {
    expect(problemsOf({ dependencies: ['ok', 'a:b:nope'] })).toEqual([
      expect.stringContaining('in dependencies[1] "a:b:nope"'),
    ]);
    expect(problemsOf({ dependencies: 'zlib' })).toEqual([
      'dependencies must be an array, got the string "zlib"',
    ]);
  });
});

describe('repackageHistory', () => {
  it('accepts ids and entries with an id', () => {
    expect(problemsOf({ repackageHistory: [] })).toEqual([]);
    expect(
      problemsOf({ repackageHistory: ['a:1.0.0', { id: 'a:1.0.0', by: 'me', url: 'https://x' }] }),
    ).toEqual([]);
  });

  it('refuses entries without an id or with non-string fields', () => {
    expect(problemsOf({ repackageHistory: [{ reason: 'x' }, 5, { id: 'a', by: 3 }] })).toEqual([
      'repackageHistory[0].id is required and must be a non-empty string',
      'repackageHistory[1] must be a package id string or an object with an id, got number 5',
      'repackageHistory[2].by must be a string, got number 3',
    ]);
  });
});

describe('virtual packages', () => {
  const sha = 'a'.repeat(40);

  it('requires contents for a vpack', () => {
    expect(validateManifest(base, { virtual: true })).toEqual([
      'contents is required in a virtual package (.vpack)',
    ]);
    expect(validateManifest({ ...base, contents: [] }, { virtual: true })).toEqual([
      'contents must list at least one entry in a virtual package (.vpack)',
    ]);
  });

  it('accepts package ids, URLs and file mappings', () => {
    const contents = [
      'acme/zlib:1.2.3',
      `zlib:1.2.3:${sha}`,
      'https://example.com/file.zip',
      { type: 'url', virtualPath: 'bin/tool', source: 'https://example.com/tool' },
    ];
    expect(validateManifest({ ...base, contents }, { virtual: true })).toEqual([]);
  });

  it('refuses malformed contents entries', () => {
    const contents = ['zlib', 'zlib:1.0', `zlib:1.0.0:xyz`, { type: 'url' }, 7];
    const problems = validateManifest({ ...base, contents }, { virtual: true });
    expect(problems).toEqual([
      'contents[0] "zlib" must be a package id group/name:version[:sha1] or an http(s) URL',
      expect.stringMatching(/^the version "1.0" .* in contents\[1\] "zlib:1.0"$/),
      'the hash "xyz" in contents[2] "zlib:1.0.0:xyz" must be a SHA-1 of 40 hexadecimal digits',
      'contents[3].source is required and must be a non-empty string',
      expect.stringMatching(
        /^contents\[4\] must be a package id, a URL or a \{type, virtualPath, source\} object/,
      ),
    ]);
  });

  it('refuses contents in a regular package', () => {
    expect(problemsOf({ contents: ['a:1.0.0'] })).toEqual([
      'contents is allowed only in virtual packages (.vpack); a .upack carries files under package/',
    ]);
  });
});

describe('serializeManifest', () => {
  it('writes known fields in a fixed order, then sorted custom keys, regardless of input order', () => {
    const a = serializeManifest({ _z: 1, version: '1.0.0', _a: { y: 1, x: 2 }, name: 'n', group: 'g' });
    const b = serializeManifest({ group: 'g', name: 'n', _a: { x: 2, y: 1 }, version: '1.0.0', _z: 1 });
    expect(a).toBe(b);
    expect(a).toBe(
      '{\n  "group": "g",\n  "name": "n",\n  "version": "1.0.0",\n  "_a": {\n    "x": 2,\n    "y": 1\n  },\n  "_z": 1\n}\n',
    );
  });

  it('keeps unprefixed custom keys, sorted with the _ keys after the known fields', () => {
    const text = serializeManifest({ author: 'Ann', version: '1.0.0', _commit: 'c', name: 'n', zeta: [1] });
    expect(text).toBe(
      '{\n  "name": "n",\n  "version": "1.0.0",\n  "_commit": "c",\n  "author": "Ann",\n  "zeta": [\n    1\n  ]\n}\n',
    );
  });

  it('keeps a "__proto__" key from parsed JSON as data', () => {
    const parsed = JSON.parse('{"name":"n","version":"1.0.0","__proto__":{"x":1},"_a":{"__proto__":2}}');
    expect(validateManifest(parsed)).toEqual([]);
    expect(JSON.parse(serializeManifest(parsed))).toEqual(parsed);
    expect(serializeManifest(parsed)).toContain('"__proto__": {');
  });

  it('drops undefined fields', () => {
    expect(serializeManifest({ name: 'n', version: '1.0.0', title: undefined })).not.toContain('title');
  });
});
