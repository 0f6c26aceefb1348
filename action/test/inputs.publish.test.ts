import { ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { readPublishInputs } from '../src/publish/inputs.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';

const base = { server: 'https://proget.example.com', 'api-key': 'k', feed: 'dev-feed' };

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
      path: '/work/ws',
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
    expect(inputs.path).toBe('/work/ws/build/out');
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
    [
      { metadata: 'team: payments\n_ok: 1\nowner: me' },
      '"metadata" keys must start with "_" (upack.json allows no other custom properties); got "team", "owner"',
    ],
    [{ metadata: '- a\n- b' }, '"metadata" must be a map of properties, e.g. "_team: payments"'],
    [{ metadata: 'just text' }, '"metadata" must be a map of properties, e.g. "_team: payments"'],
    [{ metadata: '{"_a": ' }, expect.stringMatching(/^"metadata" is not valid YAML or JSON: /)],
    [
      { metadata: '_: 1' },
      '"metadata" keys must start with "_" (upack.json allows no other custom properties); got "_"',
    ],
  ])('rejects %j', (inputs, message) => {
    const text = problem(inputs);
    if (typeof message === 'string') expect(text).toBe(`Invalid inputs: ${message}`);
    else expect(text.replace(/^Invalid inputs: /, '')).toEqual(message);
  });

  it('accepts if-exists in any case', () => {
    expect(parse({ 'if-exists': 'Overwrite' }).ifExists).toBe('overwrite');
  });
});
