// The conformance suite and the doctor against the simulator in every version mode and edition, the
// recorder and its replay, and the bad inputs a user can give (each one line, no stack, no secret).

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { doctor, renderDoctorReport } from '@proget-ci/core';
import { runDoctorCli } from '@proget-ci/core/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Edition, type SimulatorHandle, startSimulator, type VersionMode } from '../sim/index.js';
import { raw } from '../sim/testing.js';
import { generateSelfSignedCert } from '../support/certs.js';
import { runConformanceCli } from './cli.js';
import { parseTranscript, replayTranscript } from './replay.js';
import { runConformance } from './runner.js';

const KEY = 'demo-admin-key';
const ROOT = resolve(import.meta.dirname, '../..');
const MODES: VersionMode[] = ['2023', '2024', '2026'];
const EDITIONS: Edition[] = ['Free', 'Basic', 'Enterprise'];

function captured(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function groupLeft(sim: SimulatorHandle, group: string): Promise<boolean> {
  // Promotion and deployment history keep the name, as on a real server; packages must be gone.
  const state = (await raw(sim.url, 'GET', '/__sim/state')).json<{ packages: { group?: string }[] }>();
  return state.packages.some((p) => p.group === group);
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'h4-conformance-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(MODES)('ProGet %s mode', (versionMode) => {
  it.each(
    EDITIONS,
  )('%s: --write passes every check it can run and leaves nothing behind', async (edition) => {
    const sim = await startSimulator({ seed: 'demo', edition, versionMode });
    try {
      const lines: string[] = [];
      const summary = await runConformance({
        server: sim.url,
        apiKey: KEY,
        feed: 'dev-feed',
        targetFeed: 'approved-feed',
        write: true,
        out: (l) => lines.push(l),
      });
      const failed = summary.results.filter((r) => r.outcome === 'failed');
      expect(failed, lines.join('\n')).toEqual([]);
      expect(summary.passed).toBeGreaterThanOrEqual(40);
      expect(lines.at(-1)).toMatch(new RegExp(`^${summary.passed} passed, 0 failed`));
      const skipped = summary.results.filter((r) => r.outcome === 'skipped').map((r) => r.id);
      if (edition === 'Free') {
        expect(skipped).toEqual(['promote', 'promotion-listed', 'promoted-copy']);
        expect(summary.results.find((r) => r.id === 'promote')?.reason).toMatch(/Free/);
      } else {
        expect(skipped).toEqual([]);
      }
      const connector = summary.results.find((r) => r.id === 'connector-health');
      expect(connector?.outcome).toBe('passed');
      expect(await groupLeft(sim, summary.group)).toBe(false);

      const report = await doctor({ url: sim.url, apiKey: KEY });
      expect(report.ok, renderDoctorReport(report).join('\n')).toBe(true);
      expect(report.edition).toBe(edition);
      expect(report.version?.major).toBe(Number(versionMode));
      expect(report.features['connector-health']).toBe(
        versionMode === '2023' ? 'supported' : 'not-supported',
      );
      expect(report.features['packages-api']).toBe('supported');
      expect(report.feeds.map((f) => f.name)).toEqual([
        'dev-feed',
        'approved-feed',
        'old-feed',
        'nuget-feed',
      ]);
      expect(report.findings.find((f) => f.id === 'feed.old-feed')?.status).toBe('warn');
    } finally {
      await sim.close();
    }
  });
});

describe('the suite', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo', edition: 'Basic', versionMode: '2024' });
  });
  afterAll(() => sim.close());

  it('read-only by default: no write request reaches the server', async () => {
    await raw(sim.url, 'POST', '/__sim/reset-log');
    const summary = await runConformance({ server: sim.url, apiKey: KEY, feed: 'dev-feed' });
    expect(summary.failed).toBe(0);
    expect(summary.results.length).toBe(25);
    const log = (await raw(sim.url, 'GET', '/__sim/requests')).json<{ method: string; url: string }[]>();
    expect(log.length).toBeGreaterThan(20);
    expect(log.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('cleans up even when checks fail, and exits 1', async () => {
    sim.setFaults([
      { path: '/upack/dev-feed/download-file/', fault: { type: 'status', status: 500, body: 'boom' } },
    ]);
    try {
      const c = captured({ PROGET_API_KEY: KEY });
      const code = await runConformanceCli(
        ['--server', sim.url, '--feed', 'dev-feed', '--write', '--run-id', 'faulty'],
        c.io,
      );
      expect(code).toBe(1);
      // download-file and open-manifest both read single files through the faulted endpoint.
      expect(c.out.filter((l) => l.startsWith('FAIL')).map((l) => l.split(/ +/)[1])).toEqual([
        'download-file',
        'open-manifest',
      ]);
      expect(c.out.join('\n')).toMatch(/^PASS {2}cleanup /m);
      expect(c.out.join('\n')).toMatch(/^PASS {2}cleanup-verified /m);
      expect(c.out.at(-1)).toMatch(/^\d+ passed, 2 failed/);
      expect(await groupLeft(sim, 'proget-ci-conformance/faulty')).toBe(false);
    } finally {
      sim.setFaults([]);
    }
  });

  it('an interrupt stops the checks but not the cleanup', async () => {
    const interrupt = new AbortController();
    const summary = await runConformance({
      server: sim.url,
      apiKey: KEY,
      feed: 'dev-feed',
      write: true,
      runId: 'interrupted',
      signal: interrupt.signal,
      out: (line) => {
        if (line.startsWith('PASS  upload-prerelease ')) interrupt.abort();
      },
    });
    const interrupted = summary.results.filter((r) => r.reason === 'interrupted').map((r) => r.id);
    expect(interrupted[0]).toBe('resolve-latest');
    expect(interrupted).toContain('delete');
    expect(summary.results.slice(-2).map((r) => [r.id, r.outcome])).toEqual([
      ['cleanup', 'passed'],
      ['cleanup-verified', 'passed'],
    ]);
    expect(await groupLeft(sim, 'proget-ci-conformance/interrupted')).toBe(false);
  });

  it('records a redacted transcript that replays against the simulator', async () => {
    const dir = join(scratch, 'record');
    const summary = await runConformance({ server: sim.url, apiKey: KEY, feed: 'dev-feed', recordDir: dir });
    expect(summary.failed).toBe(0);
    const text = readFileSync(summary.transcriptPath!, 'utf8');
    expect(text).not.toContain(KEY);
    const transcript = parseTranscript(text);
    expect(transcript.exchanges.length).toBeGreaterThan(20);
    expect(
      transcript.exchanges.every(
        (e) =>
          e.requestHeaders['x-apikey'] === undefined || e.requestHeaders['x-apikey'].startsWith('[redacted'),
      ),
    ).toBe(true);

    const same = await startSimulator({ seed: 'demo', edition: 'Basic', versionMode: '2024' });
    const older = await startSimulator({ seed: 'demo', edition: 'Basic', versionMode: '2023' });
    try {
      const replay = await replayTranscript(transcript, { url: same.url, apiKey: KEY });
      expect(replay.mismatches).toEqual([]);
      expect(replay.replayed).toBe(transcript.exchanges.length);
      // A 2024 transcript does not match a 2023 server: the replay can tell servers apart.
      const differs = await replayTranscript(transcript, { url: older.url, apiKey: KEY });
      expect(differs.mismatches.map((m) => m.request)).toContain('GET /api/connector-health');
    } finally {
      await same.close();
      await older.close();
    }
  });

  it('replays the committed fixture (a recorded read-only run) against the simulator', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const transcript = parseTranscript(readFileSync(join(fixtures, file), 'utf8'));
      const replay = await replayTranscript(transcript, { url: sim.url, apiKey: KEY });
      expect(replay.mismatches, file).toEqual([]);
      expect(replay.replayed).toBeGreaterThan(20);
    }
  });

  it('runs through the real CLI as a child process', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/conformance/main.ts',
        '--server',
        sim.url,
        '--feed',
        'dev-feed',
        '--target-feed',
        'approved-feed',
        '--write',
      ],
      { cwd: ROOT, env: { ...process.env, PROGET_API_KEY: KEY }, timeout: 60_000 },
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^\d+ passed, 0 failed\n$/m);
    expect(Number(/^(\d+) passed/m.exec(stdout)?.[1])).toBeGreaterThanOrEqual(40);
    expect(stdout).not.toContain(KEY);
  });
});

describe('bad input: one clear line, no stack trace, no secret', () => {
  const SECRET = 'sekrit-key-4711';
  let sim: SimulatorHandle;
  let html: Server;
  let htmlUrl: string;
  let closedUrl: string;
  let tlsSim: SimulatorHandle;
  let caFile: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo', edition: 'Basic', versionMode: '2026' });
    html = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Intranet Portal</title></head><body>Welcome</body></html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    const closed = createHttpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const tls = generateSelfSignedCert();
    caFile = join(scratch, 'ca.pem');
    writeFileSync(caFile, tls.cert);
    tlsSim = await startSimulator({ seed: 'demo', tls });
  });
  afterAll(async () => {
    await sim.close();
    await tlsSim.close();
    await new Promise<void>((r) => html.close(() => r()));
  });

  const cases: [string, () => string[], RegExp][] = [
    ['missing --feed', () => ['--server', sim.url], /^error: --feed is required$/],
    ['missing --server', () => ['--feed', 'dev-feed'], /^error: --server is required$/],
    [
      'closed port',
      () => ['--server', closedUrl, '--feed', 'dev-feed'],
      /^error: Cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.* Nothing accepted the connection/,
    ],
    [
      'HTML page',
      () => ['--server', htmlUrl, '--feed', 'dev-feed'],
      /^error: This is not a ProGet API: .*HTML page titled "Intranet Portal"/,
    ],
    [
      'self-signed TLS',
      () => ['--server', tlsSim.url, '--feed', 'dev-feed'],
      /^error: The server uses a self-signed certificate: .*--ca-cert/,
    ],
    [
      'wrong key',
      () => ['--server', sim.url, '--feed', 'dev-feed', '--api-key', SECRET],
      /^error: The API key sees no feeds: .*probably wrong/,
    ],
    [
      'wrong feed',
      () => ['--server', sim.url, '--feed', 'no-such-feed', '--api-key', KEY],
      /^error: Feed "no-such-feed" does not exist/,
    ],
    [
      'non-universal feed',
      () => ['--server', sim.url, '--feed', 'nuget-feed', '--api-key', KEY],
      /^error: Feed "nuget-feed" is a nuget feed/,
    ],
  ];
  it.each(cases)('conformance: %s', async (_name, argv, line) => {
    const c = captured({ PROGET_API_KEY: SECRET });
    const code = await runConformanceCli(argv(), c.io);
    expect(c.out).toEqual([]);
    expect(c.err[0]).toMatch(line);
    expect(code).toBe(c.err.length === 2 ? 2 : 1);
    expect(c.err.length).toBe(/required/.test(c.err[0]!) ? 2 : 1);
    const all = c.err.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['closed port', () => closedUrl, 'reachable', /ECONNREFUSED/],
    ['HTML page', () => htmlUrl, 'proget', /HTML page titled "Intranet Portal"/],
    ['self-signed TLS', () => tlsSim.url, 'tls', /DEPTH_ZERO_SELF_SIGNED_CERT/],
  ])('doctor: %s is one FAIL line', async (_name, url, id, detail) => {
    const c = captured({ PROGET_API_KEY: SECRET });
    expect(await runDoctorCli(['--server', url()], c.io)).toBe(1);
    const fails = c.out.filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toMatch(detail);
    expect(c.out.join('\n')).not.toContain(SECRET);
    const report = await doctor({ url: url(), apiKey: SECRET });
    expect(report.findings.filter((f) => f.status === 'fail').map((f) => f.id)).toEqual([id]);
  });

  it('doctor: the self-signed server is trusted with --ca-cert, and warned about with --insecure-tls', async () => {
    const trusted = await doctor({ url: tlsSim.url, apiKey: KEY, caCertPath: caFile });
    expect(trusted.tls).toBe('ok');
    expect(trusted.ok).toBe(true);
    const insecure = await doctor({ url: tlsSim.url, apiKey: KEY, insecureTls: true });
    expect(insecure.tls).toBe('self-signed');
    expect(insecure.findings.find((f) => f.id === 'tls')?.status).toBe('warn');
    expect(insecure.ok).toBe(true);
  });

  it('conformance over self-signed TLS with --ca-cert passes; with --insecure-tls it warns first', async () => {
    const trusted = captured({ PROGET_API_KEY: KEY });
    expect(
      await runConformanceCli(
        ['--server', tlsSim.url, '--feed', 'dev-feed', '--ca-cert', caFile],
        trusted.io,
      ),
    ).toBe(0);
    expect(trusted.out.some((l) => l.startsWith('WARN'))).toBe(false);
    const insecure = captured({ PROGET_API_KEY: KEY });
    const dir = join(scratch, 'tls-record');
    const code = await runConformanceCli(
      ['--server', tlsSim.url, '--feed', 'dev-feed', '--insecure-tls', '--record', dir],
      insecure.io,
    );
    expect(code, insecure.out.join('\n')).toBe(0);
    expect(insecure.out[1]).toMatch(
      /^WARN {2}The server uses a self-signed certificate \(verification disabled\)/,
    );
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('doctor: a wrong key and a wrong feed are FAIL lines naming the cause', async () => {
    const wrongKey = captured({ PROGET_API_KEY: SECRET });
    expect(await runDoctorCli(['--server', sim.url, '--feed', 'dev-feed'], wrongKey.io)).toBe(1);
    expect(wrongKey.out.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL The API key sees no feeds/),
    ]);
    const wrongFeed = captured({ PROGET_API_KEY: KEY });
    expect(await runDoctorCli(['--server', sim.url, '--feed', 'no-such-feed'], wrongFeed.io)).toBe(1);
    expect(wrongFeed.out.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL Feed "no-such-feed" does not exist/),
    ]);
  });

  it('doctor: a missing flag is a usage error (exit 2) through the real CLI', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'core/src/cli/doctor-main.ts', '--api-key', SECRET],
      {
        cwd: ROOT,
        timeout: 30_000,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --server is required\nusage: pnpm run doctor/);
    expect(result.stderr).not.toContain(SECRET);
  });
});
