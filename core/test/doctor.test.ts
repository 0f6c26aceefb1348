// doctor() against small fake servers on 127.0.0.1: each form of version, edition, health and license
// a real ProGet sends, and what is not ProGet at all. The simulator runs are in test/conformance.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor, parseProGetVersion, renderDoctorReport } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function serve(handler: Handler, server: Server = createServer()): Promise<string> {
  server.on('request', handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const protocol = 'setSecureContext' in server ? 'https' : 'http';
  return `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const HEALTH = {
  applicationName: 'ProGet',
  releaseNumber: '2026.12',
  versionNumber: '26.0.12 (Build 24)',
  databaseStatus: 'OK',
  licenseStatus: 'OK',
  serviceStatus: 'OK',
};

/** A ProGet-like server: `/health` in the given style, feed list, everything else 404. */
function proget(options: {
  version?: string;
  edition?: string;
  health: 'json' | 'text-2026' | 'unlicensed';
  feeds?: unknown[];
  seenKeys?: string[];
}): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (options.version) res.setHeader('X-ProGet-Version', options.version);
    if (options.edition) res.setHeader('X-ProGet-Edition', options.edition);
    const key = req.headers['x-apikey'];
    if (typeof key === 'string') options.seenKeys?.push(key);
    if (options.health === 'unlicensed') {
      if (url.pathname.startsWith('/health')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('ERROR: Product license is not valid');
        return;
      }
      res.writeHead(302, { location: '/administration/licensing' });
      res.end();
      return;
    }
    if (
      url.pathname === '/health' &&
      (options.health === 'json' || url.searchParams.get('format') === 'json')
    ) {
      if (options.health === 'text-2026' && url.searchParams.get('format') === 'json') {
        // This 2026 build ignores format=json: only /health/json has the JSON.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(HEALTH));
      return;
    }
    if (url.pathname === '/health/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(HEALTH));
      return;
    }
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      return;
    }
    if (url.pathname === '/api/management/feeds/list') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(options.feeds ?? []));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
  };
}

describe('parseProGetVersion', () => {
  it.each([
    ['26.0.12.24', '2026.12', 2026],
    ['23.0.30', '2023.30', 2023],
    ['24.0.3', '2024.3', 2024],
    ['6.0.19', '6.0.19', 6],
  ])('%s → %s', (raw, display, major) => {
    expect(parseProGetVersion(raw)).toEqual({ raw, display, major });
  });
  it.each([undefined, '', 'ProGet', '2026.12 (Build 5)'])('%s is not a version', (raw) => {
    expect(parseProGetVersion(raw)).toBeUndefined();
  });
});

describe('doctor', () => {
  it('reads a four-part version and a lowercase edition', async () => {
    const url = await serve(proget({ version: '26.0.12.24', edition: 'free', health: 'json' }));
    const report = await doctor({ url });
    expect(report.version).toEqual({ raw: '26.0.12.24', display: '2026.12', major: 2026 });
    expect(report.edition).toBe('Free');
    expect(report.isProGet).toBe(true);
    expect(report.licensed).toBe(true);
    expect(report.findings.find((f) => f.id === 'edition')?.detail).toMatch(/Free/);
    expect(report.findings.find((f) => f.id === 'feature.promotions')).toBeDefined();
  });

  it('tolerates a missing edition header', async () => {
    const url = await serve(proget({ version: '24.0.39', health: 'json' }));
    const report = await doctor({ url });
    expect(report.edition).toBeUndefined();
    expect(report.findings.find((f) => f.id === 'edition')).toMatchObject({
      status: 'info',
      title: 'Edition unknown',
    });
  });

  it('falls back to /health/json when format=json answers plain text (2026)', async () => {
    const url = await serve(proget({ version: '26.0.12.24', edition: 'Basic', health: 'text-2026' }));
    const report = await doctor({ url });
    expect(report.findings.find((f) => f.id === 'health')?.status).toBe('ok');
    expect(report.findings.find((f) => f.id === 'license')?.status).toBe('ok');
  });

  it('says "not licensed" for the licensing redirect and the health error, not success', async () => {
    const url = await serve(proget({ version: '26.0.12.24', health: 'unlicensed' }));
    const report = await doctor({ url, apiKey: 'k-123' });
    expect(report.ok).toBe(false);
    expect(report.licensed).toBe(false);
    const fails = report.findings.filter((f) => f.status === 'fail');
    expect(fails.map((f) => f.id)).toEqual(['license']);
    expect(fails[0]!.detail).toMatch(/Product license is not valid/);
  });

  it('a server without ProGet headers or health: says what it found', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('nothing here');
    });
    const report = await doctor({ url: `${url}/proget` });
    expect(report.isProGet).toBe(false);
    const fail = report.findings.find((f) => f.status === 'fail')!;
    expect(fail.title).toBe('This is not a ProGet API');
    expect(fail.detail).toMatch(/\/health\?format=json answered HTTP 404/);
    expect(fail.hint).toMatch(/path \/proget/);
  });

  it('ProGet headers on 404s under a wrong base path: says to drop the path', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html', 'X-ProGet-Version': '24.0.39.2' });
      res.end('<html><head><title>Not Found - ProGet</title></head></html>');
    });
    const report = await doctor({ url: `${url}/feeds/dev` });
    const fails = report.findings.filter((f) => f.status === 'fail');
    expect(fails.map((f) => f.title)).toEqual(['ProGet answers, but not at this base path']);
    expect(fails[0]!.hint).toBe(
      `Drop the path /feeds/dev from the server URL: give ProGet's base address (e.g. ${url}).`,
    );
  });

  it('a login redirect in front of ProGet is named as such', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: 'https://sso.example.com/login?next=/health' });
      res.end();
    });
    const report = await doctor({ url });
    const fail = report.findings.find((f) => f.status === 'fail')!;
    expect(fail.detail).toMatch(/redirected \(HTTP 302\) to \/login/);
    expect(fail.hint).toMatch(/asks for a login/);
  });

  it('a key that sees no feeds is a failure; the key never appears in the report', async () => {
    const seenKeys: string[] = [];
    const secret = 'very-secret-key-0042';
    const url = await serve(proget({ version: '24.0.3', edition: 'Basic', health: 'json', seenKeys }));
    const report = await doctor({ url, apiKey: secret });
    expect(seenKeys).toContain(secret);
    expect(report.findings.find((f) => f.id === 'key')).toMatchObject({
      status: 'fail',
      title: 'The API key sees no feeds',
    });
    expect(JSON.stringify(report)).not.toContain(secret);
    expect(renderDoctorReport(report).join('\n')).not.toContain(secret);
  });

  it('a bad URL is a finding, not an exception', async () => {
    const report = await doctor({ url: 'ftp://proget.example.com' });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({ id: 'url', status: 'fail' })]);
  });

  it('renders one line per finding, hints indented, and a closing count', async () => {
    const url = await serve(proget({ version: '24.0.3', edition: 'Basic', health: 'json', feeds: [] }));
    const lines = renderDoctorReport(await doctor({ url }));
    expect(lines[0]).toBe(`proget-ci doctor: ${url} (ProGet 2024.3 Basic)`);
    expect(lines).toContain('ok   ProGet 2024.3: X-ProGet-Version: 24.0.3');
    expect(lines.at(-1)).toMatch(/^No problems found \(\d+ warnings?\)\.$/);
    for (const line of lines.slice(1, -1)) expect(line).toMatch(/^(ok {2}|WARN|FAIL|info| {5}hint:) /);
  });

  it('a certificate for another host is "wrong-host", even when its CA is trusted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '2',
          '-subj',
          '/CN=other.invalid',
          '-addext',
          'subjectAltName=DNS:other.invalid',
        ],
        { stdio: 'pipe' },
      );
      const server = createHttpsServer({
        key: readFileSync(join(dir, 'key.pem')),
        cert: readFileSync(join(dir, 'cert.pem')),
      });
      const url = await serve(proget({ version: '24.0.3', health: 'json' }), server);
      const report = await doctor({ url, caCertPath: join(dir, 'cert.pem') });
      expect(report.tls).toBe('wrong-host');
      expect(report.findings.filter((f) => f.status === 'fail').map((f) => f.id)).toEqual(['tls']);
      expect(report.findings.find((f) => f.id === 'tls')?.hint).toMatch(/host name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
