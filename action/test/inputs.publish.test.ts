import { ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { readPublishInputs } from '../src/publish/inputs.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';

const base = { server: 'https://proget.example.com', 'api-key': 'k', feed: 'dev-feed', path: '.' };

function parse(inputs: Record<string, string>) {
  return readPublishInputs(new FakeIo({ ...base, ...inputs }), fakeContext());
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

describe('publish inputs', () => {
  it('applies the defaults of action.yml', () => {
    const inputs = parse({});
    expect(inputs).toMatchObject({
      feed: 'dev-feed',
      path: '/home/runner/work/ws',
      manifestPath: undefined,
      overrides: {},
      include: [],
      exclude: [],
      ifExists: 'fail',
      dryRun: false,
      verify: true,
      uploadArtifact: false,
    });
  });

  it('resolves path and manifest against the workspace, keeps absolute paths', () => {
    const inputs = parse({ path: 'build/out', manifest: '/abs/upack.json' });
    expect(inputs.path).toBe('/home/runner/work/ws/build/out');
    expect(inputs.manifestPath).toBe('/abs/upack.json');
  });

  it('reads manifest overrides: tags by comma or newline, dependencies by line, metadata as YAML', () => {
    const inputs = parse({
      name: 'app',
      group: 'apps/web',
      version: '1.2.3',
      title: 'The app',
      description: 'Does *things*',
      icon: 'package://icon.png',
      tags: 'web, api\nbackend,\n',
      dependencies: 'apps:lib:1.0.0\n\n  apps/other  \n',
      metadata: '_team: payments\n_ticket: 42\n',
    });
    expect(inputs.overrides).toEqual({
      name: 'app',
      group: 'apps/web',
      version: '1.2.3',
      title: 'The app',
      description: 'Does *things*',
      icon: 'package://icon.png',
      tags: ['web', 'api', 'backend'],
      dependencies: ['apps:lib:1.0.0', 'apps/other'],
      metadata: { _team: 'payments', _ticket: 42 },
    });
  });

  it('reads metadata given as JSON', () => {
    expect(parse({ metadata: '{"_a": [1, 2], "_b": {"c": true}}' }).overrides.metadata).toEqual({
      _a: [1, 2],
      _b: { c: true },
    });
  });

  it('reads include and exclude globs, one per line', () => {
    const inputs = parse({ include: '**/*.js\n  lib/**  \n', exclude: '**/*.map' });
    expect(inputs.include).toEqual(['**/*.js', 'lib/**']);
    expect(inputs.exclude).toEqual(['**/*.map']);
  });

  it.each([
    [{ feed: '' }, '"feed" is required'],
    [{ 'if-exists': 'replace' }, '"if-exists" must be one of fail, skip, overwrite; got "replace"'],
    [{ 'dry-run': 'perhaps' }, '"dry-run" must be one of true, false, yes, no, 1, 0; got "perhaps"'],
    [{ verify: 'off' }, '"verify" must be one of true, false, yes, no, 1, 0; got "off"'],
    [{ 'upload-artifact': '2' }, '"upload-artifact" must be one of true, false, yes, no, 1, 0; got "2"'],
    [{ metadata: 'name: other\n_ok: 1' }, '"metadata" must not set "name"; use the input of that name'],
    [{ path: '' }, '"path" is required (the directory to package, or a .upack or .zip file)'],
    [{ metadata: '- a\n- b' }, '"metadata" must be a map of properties, e.g. "_team: payments"'],
    [{ metadata: 'just text' }, '"metadata" must be a map of properties, e.g. "_team: payments"'],
    [{ metadata: '{"_a": ' }, expect.stringMatching(/^"metadata" is not valid YAML or JSON: /)],
    [{ metadata: '_: 1' }, '"metadata" keys must be property names; got "_"'],
  ])('rejects %j', (inputs, message) => {
    const text = problem(inputs);
    if (typeof message === 'string') expect(text).toBe(`Invalid inputs: ${message}`);
    else expect(text.replace(/^Invalid inputs: /, '')).toEqual(message);
  });

  it('takes metadata keys without "_", with a notice recommending it', () => {
    const inputs = parse({ metadata: 'author: ann\n_team: payments' });
    expect(inputs.overrides.metadata).toEqual({ author: 'ann', _team: 'payments' });
    expect(inputs.notices).toEqual([
      '"metadata" sets "author" without the "_" prefix; ProGet recommends "_" for custom properties (e.g. "_author") so they never clash with a future manifest field.',
    ]);
  });

  it('publishes a tag name such as v1.2.3 as version 1.2.3, with a notice', () => {
    const inputs = parse({ version: 'v1.2.3-rc.1' });
    expect(inputs.overrides.version).toBe('1.2.3-rc.1');
    expect(inputs.notices).toEqual([
      '"version" is v1.2.3-rc.1, a tag name: publishing version 1.2.3-rc.1 (universal versions have no "v").',
    ]);
    // Not a tag of a version: left for the manifest rules to refuse.
    expect(parse({ version: 'v1.2' }).overrides.version).toBe('v1.2');
    expect(parse({ version: '1.2.3' }).notices).toEqual([]);
  });

  it('takes "!pattern" in include as an exclusion, as upload-artifact does', () => {
    const inputs = parse({ include: 'dist/**\n!dist/**/*.map\n', exclude: 'tmp' });
    expect(inputs.include).toEqual(['dist/**']);
    expect(inputs.exclude).toEqual(['dist/**/*.map', 'tmp']);
    expect(problem({ exclude: '!keep.txt' })).toBe(
      'Invalid inputs: "exclude" cannot re-include ("!keep.txt"); list the files to keep in "include" and the ones to leave out with "!pattern" there',
    );
  });

  it('accepts if-exists in any case', () => {
    expect(parse({ 'if-exists': 'Overwrite' }).ifExists).toBe('overwrite');
  });

  describe('asset-directory and multipart-threshold', () => {
    it('default to no directory (always the plain PUT) and 256 MiB', () => {
      const inputs = parse({});
      expect(inputs.assetDirectory).toBeUndefined();
      expect(inputs.multipartThreshold).toBe(256 * 1024 * 1024);
      expect(parse({ 'asset-directory': '  ' }).assetDirectory).toBeUndefined();
      expect(parse({ 'asset-directory': ' big-files ' }).assetDirectory).toBe('big-files');
    });

    it.each([
      ['512MiB', 512 * 2 ** 20],
      ['1GiB', 2 ** 30],
      ['1gib', 2 ** 30],
      ['300MB', 300_000_000],
      ['300 MB', 300_000_000],
      ['1.5GiB', 1.5 * 2 ** 30],
      ['64KiB', 65_536],
      ['2kb', 2000],
      ['4096', 4096],
      ['4096B', 4096],
      ['0', 0],
      ['1TiB', 2 ** 40],
    ])('reads %s as %d bytes', (text, bytes) => {
      expect(parse({ 'multipart-threshold': text }).multipartThreshold).toBe(bytes);
    });

    it.each([
      'big',
      '1.5',
      '-1',
      '10 MBs',
      '1e9',
      '1,000',
      '2XB',
      'MiB',
      '0.5B',
      '99999999TiB',
    ])('refuses %s naming the input and the accepted forms', (text) => {
      expect(problem({ 'multipart-threshold': text })).toBe(
        `Invalid inputs: "multipart-threshold" must be a size such as 512MiB, 1GiB, 300MB or a whole number of bytes; got "${text}"`,
      );
    });

    it('refuses a path or URL as asset-directory, together with the other problems', () => {
      const message = problem({
        'asset-directory': 'https://proget.example.com/endpoints/big',
        'multipart-threshold': 'lots',
      });
      expect(message).toContain(
        '"asset-directory" must be the name of an asset directory (a feed of type Asset in ProGet), not a path or URL; got "https://proget.example.com/endpoints/big"',
      );
      expect(message).toContain('"multipart-threshold" must be a size');
      expect(problem({ 'asset-directory': 'dirs\\big' })).toContain('"asset-directory" must be the name');
    });
  });
});
