// The command-line plumbing of `pnpm run doctor` (and `pnpm conformance`): flags, key source, exit codes.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyFrom,
  parseFlags,
  runCommand,
  runDoctorCli,
  serverFlag,
  UsageError,
} from '../src/cli/index.js';

const spec = {
  server: { type: 'string', required: true },
  feed: { type: 'strings' },
  write: { type: 'boolean' },
} as const;

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('parseFlags', () => {
  it('reads --name value, --name=value, repeated and boolean flags', () => {
    expect(parseFlags(['--server', 'http://a', '--feed=x', '--feed', 'y', '--write'], spec)).toEqual({
      server: 'http://a',
      feed: ['x', 'y'],
      write: true,
    });
  });
  it.each([
    [['--feed', 'x'], '--server is required'],
    [['--server'], '--server needs a value'],
    [['--server', '--write'], '--server needs a value'],
    [['--server', 'http://a', '--nope'], 'unknown option --nope'],
    [['--server', 'http://a', 'stray'], 'unexpected argument "stray"'],
    [['--server', 'http://a', '--write=yes'], '--write takes no value'],
    [['--server', '  '], '--server is empty'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseFlags(argv, spec)).toThrow(new UsageError(message));
  });
});

describe('serverFlag and apiKeyFrom', () => {
  it('checks the URL with the flag name, never echoing credentials', () => {
    expect(serverFlag('https://proget.example.com/')).toBe('https://proget.example.com');
    expect(() => serverFlag('https://u:pw-secret@proget.example.com')).toThrow(
      '--server must not contain credentials',
    );
    expect(() => serverFlag('nonsense')).toThrow(/--server is not a valid URL/);
  });
  it('takes --api-key over PROGET_API_KEY, and treats blank as none', () => {
    expect(apiKeyFrom('flag', { PROGET_API_KEY: 'env' })).toBe('flag');
    expect(apiKeyFrom(undefined, { PROGET_API_KEY: 'env' })).toBe('env');
    expect(apiKeyFrom(undefined, { PROGET_API_KEY: ' ' })).toBeUndefined();
  });
});

describe('runCommand', () => {
  it('usage errors exit 2 with the usage line; other errors exit 1 with one scrubbed line', async () => {
    const a = io();
    expect(
      await runCommand(
        'cmd --x',
        a.io,
        () => [],
        () => Promise.reject(new UsageError('--x is required')),
      ),
    ).toBe(2);
    expect(a.err).toEqual(['error: --x is required', 'usage: cmd --x']);
    const b = io();
    const thrown = new Error('failed with key-12345 inside\n    at somewhere (file.ts:1:1)');
    expect(
      await runCommand(
        'cmd',
        b.io,
        () => ['key-12345'],
        () => Promise.reject(thrown),
      ),
    ).toBe(1);
    expect(b.err).toEqual(['error: failed with *** inside']);
  });
});

describe('runDoctorCli', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('X-ProGet-Version', '24.0.3');
      res.setHeader('X-ProGet-Edition', 'Basic');
      if (req.url?.startsWith('/health')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          '{"applicationName":"ProGet","databaseStatus":"OK","licenseStatus":"OK","serviceStatus":"OK"}',
        );
      } else if (req.url === '/api/management/feeds/list') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          req.headers['x-apikey'] === 'good-key'
            ? '[{"name":"apps","feedType":"universal","active":true}]'
            : '[]',
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[]');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('exit 0 and the report when nothing fails; the key comes from PROGET_API_KEY', async () => {
    const c = io({ PROGET_API_KEY: 'good-key' });
    expect(await runDoctorCli(['--server', url], c.io)).toBe(0);
    expect(c.out[0]).toBe(`proget-ci doctor: ${url} (ProGet 2024.3 Basic)`);
    expect(c.out).toContain('ok   API key accepted: Sees 1 feed: apps.');
    expect(c.err).toEqual([]);
  });

  it('exit 1 for a key that sees nothing, --json gives the report as JSON without the key', async () => {
    const c = io();
    expect(await runDoctorCli(['--server', url, '--api-key', 'bad-key-999', '--json'], c.io)).toBe(1);
    const report = JSON.parse(c.out.join('\n'));
    expect(report.ok).toBe(false);
    expect(report.findings.find((f: { id: string }) => f.id === 'key').status).toBe('fail');
    expect(c.out.join('\n')).not.toContain('bad-key-999');
  });

  it('exit 2 for bad usage', async () => {
    const c = io();
    expect(await runDoctorCli(['--server', 'ftp://x'], c.io)).toBe(2);
    expect(c.err[0]).toBe('error: --server must be an http:// or https:// URL, not ftp://');
  });
});
