import { ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { readConnection } from '../src/shared/connection-inputs.js';
import { InputReader } from '../src/shared/input-reader.js';
import { FakeIo } from './helpers/fake-io.js';

function parse(inputs: Record<string, string>) {
  const io = new FakeIo({ server: 'https://proget.example.com', ...inputs });
  const reader = new InputReader(io);
  const connection = readConnection(reader, '/home/runner/work/ws');
  reader.finish();
  return { connection, io };
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

describe('connection inputs', () => {
  it('reads the server, trims a trailing slash and keeps a path prefix', () => {
    expect(parse({ server: 'https://proget.example.com/proget/' }).connection.server).toBe(
      'https://proget.example.com/proget',
    );
  });

  it('applies defaults', () => {
    expect(parse({ 'api-key': 'k' }).connection).toEqual({
      server: 'https://proget.example.com',
      apiKey: 'k',
      username: undefined,
      password: undefined,
      timeoutMs: 30_000,
      retries: 3,
      caCertPath: undefined,
      insecureTls: false,
    });
  });

  it('masks the API key and the password the moment they are read', () => {
    expect(parse({ 'api-key': '  s3cret-key \n' }).io.secrets).toEqual(['s3cret-key']);
    expect(parse({ username: 'ann', password: 'pa55' }).io.secrets).toEqual(['pa55']);
  });

  it('masks the key even when another input is bad', () => {
    const io = new FakeIo({ server: 'ftp://x', 'api-key': 'k1' });
    const reader = new InputReader(io);
    readConnection(reader, '/w');
    expect(() => reader.finish()).toThrow(ValidationError);
    expect(io.secrets).toEqual(['k1']);
  });

  it('falls back to PROGET_URL and PROGET_API_KEY from the job env, masking the key', () => {
    const io = new FakeIo({});
    const reader = new InputReader(io);
    const connection = readConnection(reader, '/w', {
      url: 'https://env.example.com/',
      apiKey: 'env-key-1',
    });
    reader.finish();
    expect(connection).toMatchObject({ server: 'https://env.example.com', apiKey: 'env-key-1' });
    expect(io.secrets).toEqual(['env-key-1']);
    // Inputs win; username and password are never mixed with the env's key.
    const explicit = new FakeIo({ server: 'https://in.example.com', username: 'ann', password: 'pw' });
    const r2 = new InputReader(explicit);
    expect(readConnection(r2, '/w', { url: 'https://env.example.com', apiKey: 'env-key-1' })).toMatchObject({
      server: 'https://in.example.com',
      apiKey: undefined,
      username: 'ann',
    });
    r2.finish();
    // A bad PROGET_URL is named as such.
    const bad = new InputReader(new FakeIo({}));
    readConnection(bad, '/w', { url: 'ftp://env.example.com' });
    expect(() => bad.finish()).toThrow(
      'Invalid inputs: PROGET_URL must be an http:// or https:// URL; got "ftp://env.example.com"',
    );
  });

  it('requires the server', () => {
    expect(problem({ server: '' })).toBe(
      'Invalid inputs: "server" is required (or set PROGET_URL in the job\'s env)',
    );
  });

  it.each([
    [
      'ftp://proget.example.com',
      'Invalid inputs: "server" must be an http:// or https:// URL; got "ftp://proget.example.com"',
    ],
    ['proget.example.com', 'Invalid inputs: "server" is not a valid URL; got "proget.example.com"'],
    [
      'https://proget.example.com/?key=abc',
      'Invalid inputs: "server" must not have a query string or fragment; got "https://proget.example.com/?…"',
    ],
  ])('rejects the server %s', (server, message) => {
    expect(problem({ server })).toBe(message);
  });

  it('rejects credentials in the URL without echoing them', () => {
    const message = problem({ server: 'https://api:topsecret@proget.example.com' });
    expect(message).toBe(
      'Invalid inputs: "server" must not contain credentials; pass the key in "api-key" (or use "username" and "password")',
    );
    expect(message).not.toContain('topsecret');
  });

  it('does not echo an unparsable URL that may hold a password', () => {
    expect(problem({ server: 'https://u:pw@exa mple' })).toBe('Invalid inputs: "server" is not a valid URL');
  });

  it.each([
    [
      { 'api-key': 'k', username: 'u', password: 'p' },
      'use either "api-key" or "username" and "password", not both',
    ],
    [{ username: 'u' }, '"password" is required when "username" is set'],
    [{ password: 'p' }, '"username" is required when "password" is set'],
  ])('checks the credential combination %j', (inputs, message) => {
    expect(problem(inputs)).toBe(`Invalid inputs: ${message}`);
  });

  it.each([
    ['retries', 'many', '"retries" must be a whole number from 0 to 10; got "many"'],
    ['retries', '11', '"retries" must be a whole number from 0 to 10; got "11"'],
    ['retries', '-1', '"retries" must be a whole number from 0 to 10; got "-1"'],
    ['retries', '1.5', '"retries" must be a whole number from 0 to 10; got "1.5"'],
    ['timeout', '0', '"timeout" must be a number of seconds greater than 0 and at most 86400; got "0"'],
    ['timeout', '30s', '"timeout" must be a number of seconds greater than 0 and at most 86400; got "30s"'],
    ['timeout', '1e3', '"timeout" must be a number of seconds greater than 0 and at most 86400; got "1e3"'],
    ['insecure-tls', 'maybe', '"insecure-tls" must be one of true, false, yes, no, 1, 0; got "maybe"'],
    ['insecure-tls', 'on', '"insecure-tls" must be one of true, false, yes, no, 1, 0; got "on"'],
  ])('rejects %s = %s', (name, value, message) => {
    expect(problem({ [name]: value })).toBe(`Invalid inputs: ${message}`);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads the boolean %s', (value, expected) => {
    expect(parse({ 'insecure-tls': value }).connection.insecureTls).toBe(expected);
  });

  it('reads timeout seconds (fractions allowed) as milliseconds and retries as a number', () => {
    const { connection } = parse({ timeout: '2.5', retries: '0' });
    expect(connection.timeoutMs).toBe(2500);
    expect(connection.retries).toBe(0);
  });

  it('resolves ca-cert against the workspace and requires the file to exist', () => {
    expect(problem({ 'ca-cert': 'certs/ca.pem' })).toBe(
      'Invalid inputs: "ca-cert" file not found: /home/runner/work/ws/certs/ca.pem',
    );
  });

  it('lists every problem at once', () => {
    expect(problem({ server: 'ftp://x', retries: 'x', 'insecure-tls': 'perhaps' })).toBe(
      [
        'Invalid inputs: 3 problems:',
        '  - "server" must be an http:// or https:// URL; got "ftp://x"',
        '  - "retries" must be a whole number from 0 to 10; got "x"',
        '  - "insecure-tls" must be one of true, false, yes, no, 1, 0; got "perhaps"',
      ].join('\n'),
    );
  });
});
