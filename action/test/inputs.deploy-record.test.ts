import { ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { readDeployRecordInputs } from '../src/deploy-record/inputs.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';

const base = {
  server: 'https://proget.example.com',
  'api-key': 'k',
  feed: 'approved-feed',
  package: 'web',
  version: '1.2.3',
  target: 'prod-eu',
};
const NOW = new Date('2026-11-22T03:00:00.000Z');

function parse(inputs: Record<string, string | undefined>, env: Record<string, string> = {}) {
  const merged = Object.fromEntries(
    Object.entries({ ...base, ...inputs }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return readDeployRecordInputs(new FakeIo(merged), fakeContext(env), NOW);
}

function problem(inputs: Record<string, string | undefined>, env: Record<string, string> = {}): string {
  try {
    parse(inputs, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('deploy-record inputs', () => {
  it('fills defaults from the run: application, description, url, user, date', () => {
    expect(parse({ group: 'apps' })).toMatchObject({
      feed: 'approved-feed',
      group: 'apps',
      name: 'web',
      version: '1.2.3',
      target: 'prod-eu',
      application: 'GitHub Actions',
      description: 'Deployed by Release run #42 (0123456)',
      url: 'https://github.com/acme/app/actions/runs/1234',
      user: 'octocat',
      date: '2026-11-22T03:00:00.000Z',
    });
  });

  it('takes the target from GITHUB_ENVIRONMENT when set and no target input', () => {
    expect(parse({ target: undefined }, { GITHUB_ENVIRONMENT: 'staging' }).target).toBe('staging');
  });

  it('links a re-run attempt', () => {
    expect(parse({}, { GITHUB_RUN_ATTEMPT: '2' }).url).toBe(
      'https://github.com/acme/app/actions/runs/1234/attempts/2',
    );
  });

  it('keeps explicit values', () => {
    expect(
      parse({
        application: 'Helm',
        description: 'canary',
        url: 'https://deploy.example.com/42',
        user: 'ann',
        date: '2024-05-01T12:30:00+02:00',
      }),
    ).toMatchObject({
      application: 'Helm',
      description: 'canary',
      url: 'https://deploy.example.com/42',
      user: 'ann',
      date: '2024-05-01T10:30:00.000Z',
    });
  });

  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:30', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30:15Z', '2024-05-01T12:30:15.000Z'],
    ['2024-05-01T12:30:15.123456Z', '2024-05-01T12:30:15.123Z'],
    ['2024-05-01T12:30:15-0500', '2024-05-01T17:30:15.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('accepts the date %s', (date, iso) => {
    expect(parse({ date }).date).toBe(iso);
  });

  it.each([
    'yesterday',
    '2024-13-01',
    '2023-02-29',
    '2024-05-01T25:00:00Z',
    '01/05/2024',
    '2024-05-01T12:30:15+5',
  ])('rejects the date %s', (date) => {
    expect(problem({ date })).toBe(
      `Invalid inputs: "date" must be an ISO-8601 date, e.g. 2024-05-01T12:30:00Z; got "${date}"`,
    );
  });

  it.each([
    [{ feed: '' }, '"feed" is required'],
    [{ package: '' }, '"package" is required'],
    [{ version: '' }, '"version" is required'],
    [
      { target: undefined },
      '"target" is required: the runner does not tell actions which environment the job deploys to (only a `deployment` event names one); set it to the environment or server name',
    ],
    [{ url: 'javascript:alert(1)' }, '"url" must be an http:// or https:// URL; got "javascript:alert(1)"'],
  ])('rejects %j', (inputs, message) => {
    expect(problem(inputs)).toBe(`Invalid inputs: ${message}`);
  });

  it('validates package, group and version with the upack rules', () => {
    expect(problem({ package: 'a b', group: '/lead', version: 'v1' })).toMatch(
      /^Invalid inputs: 3 problems:\n {2}- "package" "a b" .*\n {2}- "group" "\/lead" .*\n {2}- "version" "v1" /,
    );
  });
});
