import { ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { readPromoteCheckInputs } from '../src/promote-check/inputs.js';
import { formatPackageRef, parsePackageRef } from '../src/promote-check/package-ref.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';

const base = { server: 'https://proget.example.com', 'to-feed': 'approved-feed' };

function parse(inputs: Record<string, string>) {
  return readPromoteCheckInputs(new FakeIo({ ...base, ...inputs }), fakeContext());
}

function problem(inputs: Record<string, string>): string {
  try {
    parse(inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('package references', () => {
  it.each([
    ['app@1.2.3', { name: 'app', version: '1.2.3' }],
    ['apps/app@1.2.3', { group: 'apps', name: 'app', version: '1.2.3' }],
    ['a/b/c/app@1.0.0-rc.1+build.5', { group: 'a/b/c', name: 'app', version: '1.0.0-rc.1+build.5' }],
  ])('parses %s', (text, id) => {
    expect(parsePackageRef(text)).toEqual(id);
    expect(formatPackageRef(id)).toBe(text);
  });
});

describe('promote-check inputs', () => {
  it('reads a package list, ignoring blank lines and # comments, dropping duplicates', () => {
    const inputs = parse({
      packages: '# services\napps/web@1.2.3\n\n  libs/core@2.0.0  # pinned\nAPPS/Web@1.2.3\ntool@0.1.0\n',
    });
    expect(inputs.selection).toEqual({
      kind: 'list',
      packages: [
        { group: 'apps', name: 'web', version: '1.2.3' },
        { group: 'libs', name: 'core', version: '2.0.0' },
        { name: 'tool', version: '0.1.0' },
      ],
    });
    expect(inputs).toMatchObject({
      fromFeed: undefined,
      toFeed: 'approved-feed',
      requireInTarget: true,
      mode: 'fail',
      waitTimeoutMs: 0,
      pollIntervalMs: 10_000,
    });
  });

  it('reads a single package from package, group and version', () => {
    expect(parse({ package: 'web', group: 'apps', version: '1.2.3' }).selection).toEqual({
      kind: 'list',
      packages: [{ group: 'apps', name: 'web', version: '1.2.3' }],
    });
  });

  it('reads a manifest selection, resolved in the workspace', () => {
    expect(parse({ manifest: 'upack.json', 'check-dependencies': 'yes' }).selection).toEqual({
      kind: 'manifest',
      path: '/home/runner/work/ws/upack.json',
      checkDependencies: true,
    });
  });

  it('reads the waiting options', () => {
    const inputs = parse({ package: 'a', version: '1.0.0', 'wait-timeout': '90', 'poll-interval': '0.5' });
    expect(inputs.waitTimeoutMs).toBe(90_000);
    expect(inputs.pollIntervalMs).toBe(500);
  });

  it('takes group:name:version, commas and trailing comments; quotes the whole line of a bad item', () => {
    const inputs = parse({
      packages: 'apps:web:1.2.3, libs/core@2.0.0  # both\n:tool:1.0.0\n',
    });
    expect(inputs.selection).toEqual({
      kind: 'list',
      packages: [
        { group: 'apps', name: 'web', version: '1.2.3' },
        { group: 'libs', name: 'core', version: '2.0.0' },
        { name: 'tool', version: '1.0.0' },
      ],
    });
    expect(problem({ packages: 'apps/web@1.2.3, oops # x' })).toBe(
      'Invalid inputs: "packages" line 1 ("apps/web@1.2.3, oops"): expected group/name@version (or group:name:version), got "oops"',
    );
  });

  it('refuses from-feed equal to to-feed', () => {
    expect(problem({ package: 'a', version: '1.0.0', 'from-feed': 'Approved-Feed' })).toBe(
      'Invalid inputs: "from-feed" and "to-feed" are both approved-feed; a promotion goes from one feed to another (leave "from-feed" unset to accept any source)',
    );
  });

  it('names the line number of each bad line', () => {
    const lines = problem({ packages: 'apps/web@1.2.3\n# ok\nnoversion\napps/bad name@1.0.0\nx@\n' }).split(
      '\n',
    );
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Invalid inputs: 3 problems:');
    expect(lines[1]).toBe(
      '  - "packages" line 3: expected group/name@version (or group:name:version), got "noversion"',
    );
    expect(lines[2]).toMatch(/^ {2}- "packages" line 4: name "bad name" /);
    expect(lines[3]).toBe(
      '  - "packages" line 5: expected group/name@version (or group:name:version), got "x@"',
    );
  });

  it.each([
    [{}, 'set one of "packages", "package" (with "version") or "manifest" to say what to check'],
    [
      { packages: 'a@1.0.0', package: 'b', version: '1.0.0' },
      'set only one of "packages", "package" or "manifest"',
    ],
    [{ package: 'b', manifest: 'upack.json' }, 'set only one of "packages", "package" or "manifest"'],
    [{ package: 'web' }, '"version" is required with "package"'],
    [{ packages: '# nothing\n\n' }, '"packages" lists no package (only blank lines and comments)'],
    [{ packages: 'a@1.0.0', version: '1.0.0' }, '"group" and "version" go with "package", not "packages"'],
    [{ manifest: 'upack.json', group: 'g' }, '"group" and "version" go with "package", not "manifest"'],
    [
      { packages: 'a@1.0.0', 'check-dependencies': 'true' },
      '"check-dependencies" needs "manifest" (the upack.json whose dependencies to check)',
    ],
    [{ package: 'a', version: '1.0.0', 'to-feed': '' }, '"to-feed" is required'],
    [{ package: 'a', version: '1.0.0', mode: 'strict' }, '"mode" must be one of fail, warn; got "strict"'],
    [
      { package: 'a', version: '1.0.0', 'wait-timeout': '-5' },
      '"wait-timeout" must be a number of seconds from 0 to 86400; got "-5"',
    ],
    [
      { package: 'a', version: '1.0.0', 'poll-interval': '0' },
      '"poll-interval" must be a number of seconds greater than 0 and at most 86400; got "0"',
    ],
    [
      { package: 'a', version: '1.0.0', 'require-in-target': 'sometimes' },
      '"require-in-target" must be one of true, false, yes, no, 1, 0; got "sometimes"',
    ],
  ])('rejects %j', (inputs, message) => {
    expect(problem(inputs)).toBe(`Invalid inputs: ${message}`);
  });

  it('validates the single package fields with the upack rules', () => {
    expect(problem({ package: 'web app', version: 'one' })).toMatch(
      /^Invalid inputs: 2 problems:\n {2}- "package" "web app" .*\n {2}- "version" "one" /,
    );
  });
});
