import { type DoctorOptions, type DoctorReport, ProGetError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import type { ConnectionInputs } from '../src/shared/connection-inputs.js';
import { StepError } from '../src/shared/errors.js';
import { bannerLine, describeFinding, ServerBanner } from '../src/shared/server-banner.js';
import { FakeIo } from './helpers/fake-io.js';

function fakeClient(version?: string, edition?: string) {
  return {
    baseUrl: 'https://proget.example.com',
    serverInfo: { version, edition },
    server: {
      edition: edition ? ((edition[0]!.toUpperCase() + edition.slice(1)) as 'Free') : undefined,
      display: '',
    },
  };
}

const CONNECTION = { server: 'https://proget.example.com', apiKey: 'k-secret-1' } as ConnectionInputs;

function report(findings: DoctorReport['findings']): DoctorReport {
  return {
    server: CONNECTION.server,
    ok: false,
    reachable: true,
    tls: 'ok',
    isProGet: true,
    features: {},
    feeds: [],
    findings,
  };
}

describe('bannerLine', () => {
  it('shows the four-part version as people write it, and the edition', () => {
    expect(bannerLine(fakeClient('26.0.12.24', 'free'))).toBe(
      'ProGet https://proget.example.com · 2026.12 · Free',
    );
  });
  it('says what the server did not report', () => {
    expect(bannerLine(fakeClient())).toBe(
      'ProGet https://proget.example.com · version not reported · edition not reported',
    );
  });
});

describe('ServerBanner', () => {
  it('logs once, at the first log line after a response carried the headers', () => {
    const io = new FakeIo();
    const banner = new ServerBanner(io);
    const client = fakeClient();
    banner.watch(client as never, CONNECTION);
    banner.afterLog();
    expect(io.logs).toEqual([]);
    client.serverInfo.version = '24.0.3';
    banner.afterLog();
    banner.afterLog();
    banner.show();
    expect(io.logs).toEqual([
      { level: 'info', message: 'ProGet https://proget.example.com · 2024.3 · edition not reported' },
    ]);
  });

  it('runs doctor only for failures the server can explain, bounded, and returns its failed finding', async () => {
    const calls: DoctorOptions[] = [];
    const banner = new ServerBanner(new FakeIo(), async (options) => {
      calls.push(options);
      return report([
        { id: 'reachable', status: 'ok', title: 'Server reachable', detail: 'answered', hint: '' },
        {
          id: 'key',
          status: 'fail',
          title: 'The API key sees no feeds',
          detail: 'Empty list.',
          hint: 'Fix the key.',
        },
      ]);
    });
    banner.watch(fakeClient() as never, CONNECTION);
    expect(await banner.explain(new StepError('2 of 3 not promoted'))).toBeUndefined();
    expect(await banner.explain(new ProGetError({ kind: 'conflict', message: 'exists' }))).toBeUndefined();
    expect(calls).toEqual([]);
    const line = await banner.explain(new ProGetError({ kind: 'forbidden', message: 'HTTP 403' }));
    expect(line).toBe('Server check: The API key sees no feeds: Empty list. Fix the key.');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: CONNECTION.server, apiKey: 'k-secret-1', timeoutMs: 5000 });
    expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('says nothing when doctor finds nothing wrong, or itself fails', async () => {
    const ok = new ServerBanner(new FakeIo(), async () =>
      report([{ id: 'reachable', status: 'ok', title: 'ok', detail: '', hint: '' }]),
    );
    ok.watch(fakeClient() as never, CONNECTION);
    expect(await ok.explain(new ProGetError({ kind: 'network', message: 'reset' }))).toBeUndefined();
    const broken = new ServerBanner(new FakeIo(), async () => {
      throw new Error('boom');
    });
    broken.watch(fakeClient() as never, CONNECTION);
    expect(await broken.explain(new ProGetError({ kind: 'network', message: 'reset' }))).toBeUndefined();
  });
});

describe('describeFinding', () => {
  it('leaves out what the error already says', () => {
    const finding = {
      id: 'reachable',
      status: 'fail' as const,
      title: 'Cannot reach h',
      detail: 'ECONNREFUSED',
      hint: 'Check the port.',
    };
    expect(describeFinding(finding, 'connect ECONNREFUSED\nHint: Check the port.')).toBe(
      'Server check: Cannot reach h',
    );
    expect(describeFinding(finding)).toBe('Server check: Cannot reach h: ECONNREFUSED Check the port.');
  });
});
