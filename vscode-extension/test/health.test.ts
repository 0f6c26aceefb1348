// Connector health: checks against the simulator in 2023 and 2024 modes through the real client, and
// what the status bar says for each combination of results.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';
import { checkServerHealth, type ServerHealth } from '../src/health/check.js';
import { connectorPicks, presentHealth, type ServerHealthState } from '../src/health/summary.js';

let sim2023: SimulatorHandle;
let sim2024: SimulatorHandle;

beforeAll(async () => {
  [sim2023, sim2024] = await Promise.all([
    startSimulator({ seed: 'demo', versionMode: '2023' }),
    startSimulator({ seed: 'demo', versionMode: '2024' }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim2023.close(), sim2024.close()]);
});

const client = (url: string, apiKey?: string) =>
  new ProGetClient({ url, apiKey, retries: 0, timeoutMs: 5000 });
const signal = () => new AbortController().signal;
const server = (name: string) => ({ name, url: `https://${name}.example` });
const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('checkServerHealth', () => {
  test('ProGet 2023: connector states, with errors; a flipped connector shows on the next check', async () => {
    const c = client(sim2023.url, 'demo-admin-key');
    let h = await checkServerHealth(c, signal());
    expect(h.kind).toBe('connectors');
    if (h.kind !== 'connectors') throw new Error();
    expect(h.connectors.map((x) => [x.name, x.state])).toEqual([
      ['npmjs.org', 'healthy'],
      ['chocolatey.org', 'healthy'],
      ['nuget.org', 'error'],
    ]);
    expect(h.connectors[2]!.errorMessage).toBe('Connection timed out.');

    sim2023.setConnectorState(3, 'healthy');
    h = await checkServerHealth(c, signal());
    expect(presentHealth([{ server: server('a'), health: h, checking: false }], NOW).text).toBe(
      '$(pass) ProGet 3/3',
    );
    sim2023.setConnectorState(3, 'error', 'Connection timed out.');
  });

  test('ProGet 2024+: falls back to instance health and says why', async () => {
    const h = await checkServerHealth(client(sim2024.url, 'demo-admin-key'), signal());
    expect(h.kind).toBe('instance');
    if (h.kind !== 'instance') throw new Error();
    expect(h.instance.healthy).toBe(true);
    const p = presentHealth([{ server: server('b'), health: h, checking: false }], NOW);
    expect(p.text).toBe('$(pass) ProGet');
    expect(p.tooltip).toMatch(/connector health is not reported .* Showing instance health instead/);
    expect(p.tooltip).toContain('| Database | OK |');
  });

  test('an unreachable server is a failed check; a refused key is not', async () => {
    const down = await checkServerHealth(client('http://127.0.0.1:9'), signal());
    expect(down.kind).toBe('unreachable');
    if (down.kind !== 'unreachable') throw new Error();
    expect(down.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:9$/);
    const denied = await checkServerHealth(client(sim2023.url), signal());
    expect(denied.kind).toBe('denied');
  });
});

describe('unreachable, answered with an error, unhealthy (issue 14, bug 4)', () => {
  test('a 500 from the health endpoint is an error answer, not "unreachable"', async () => {
    sim2023.setFaults([
      {
        path: '/api/connector-health',
        times: 1,
        fault: { type: 'status', status: 500, body: '<html>IIS error</html>', contentType: 'text/html' },
      },
    ]);
    try {
      const h = await checkServerHealth(client(sim2023.url, 'demo-admin-key'), signal());
      expect(h.kind).toBe('error');
      if (h.kind !== 'error') throw new Error();
      expect(h.status).toBe(500);
      const p = presentHealth([{ server: server('one'), health: h, checking: false }], NOW);
      expect(p.text).toBe('$(error) ProGet error');
      expect(p.text).not.toMatch(/unreachable/);
      expect(p.tooltip).toContain('Reachable, but answered with an error (HTTP 500)');
    } finally {
      sim2023.setFaults([]);
    }
    const down = await checkServerHealth(client('http://127.0.0.1:9'), signal());
    expect(presentHealth([{ server: server('one'), health: down, checking: false }], NOW).text).toBe(
      '$(debug-disconnect) ProGet unreachable',
    );
  });

  test('an unhealthy instance is a third state, and its picker entry names the failing check', () => {
    const h: ServerHealth = {
      kind: 'instance',
      reason: 'connector health was removed in ProGet 2024',
      checkedAt: NOW,
      instance: {
        healthy: false,
        databaseStatus: 'OK',
        licenseStatus: 'Error',
        licenseStatusDetail: 'expired',
      },
    };
    const states = [{ server: server('one'), health: h, checking: false }];
    expect(presentHealth(states, NOW).text).toBe('$(warning) ProGet unhealthy');
    expect(connectorPicks(states)[0]).toMatchObject({
      description: 'unhealthy — instance health',
      detail: 'License: Error — expired',
    });
  });

  test('the status bar names every problem on every server', () => {
    const states: ServerHealthState[] = [
      { server: server('a'), health: connectors('error', 'healthy'), checking: false },
      { server: server('b'), health: { kind: 'unreachable', message: 'x', checkedAt: NOW }, checking: false },
      {
        server: server('c'),
        health: { kind: 'error', status: 502, message: 'bad gateway', checkedAt: NOW },
        checking: false,
      },
    ];
    expect(presentHealth(states, NOW)).toMatchObject({
      text: '$(warning) 1 connector failing · 1 server answered with an error · 1 server unreachable',
      background: 'error',
    });
    expect(connectorPicks(states).map((p) => p.label)).toEqual([
      '$(debug-disconnect) b',
      '$(error) c',
      '$(error) c1',
      '$(pass) c2',
    ]);
  });
});

const connectors = (...states: ('healthy' | 'error' | 'unknown')[]): ServerHealth => ({
  kind: 'connectors',
  checkedAt: NOW - 90_000,
  connectors: states.map((state, i) => ({
    id: i + 1,
    name: `c${i + 1}`,
    state,
    errorMessage: state === 'error' ? `c${i + 1} | broke *badly*` : undefined,
  })),
});

describe('presentHealth', () => {
  const one = (health: ServerHealth | undefined, checking = false): ServerHealthState[] => [
    { server: server('one'), health, checking },
  ];

  test('hidden without servers; a spinner before the first result', () => {
    expect(presentHealth([], NOW).visible).toBe(false);
    expect(presentHealth(one(undefined, true), NOW).text).toBe('$(sync~spin) ProGet');
  });

  test('all healthy, some failing, some unknown', () => {
    expect(presentHealth(one(connectors('healthy', 'healthy')), NOW)).toMatchObject({
      text: '$(pass) ProGet 2/2',
      background: undefined,
    });
    expect(presentHealth(one(connectors('healthy', 'error', 'error')), NOW)).toMatchObject({
      text: '$(warning) 2 connectors failing',
      background: 'error',
    });
    expect(presentHealth(one(connectors('healthy', 'error')), NOW).text).toBe(
      '$(warning) 1 connector failing',
    );
    expect(presentHealth(one(connectors('healthy', 'unknown')), NOW).text).toBe('$(question) ProGet 1/2');
  });

  test('a running check shows the spinner but keeps the last result', () => {
    expect(presentHealth(one(connectors('healthy', 'error'), true), NOW).text).toBe(
      '$(sync~spin) 1 connector failing',
    );
  });

  test('unreachable servers', () => {
    const down: ServerHealth = { kind: 'unreachable', message: 'connect ECONNREFUSED', checkedAt: NOW };
    expect(presentHealth(one(down), NOW)).toMatchObject({
      text: '$(debug-disconnect) ProGet unreachable',
      background: 'warning',
    });
    const two: ServerHealthState[] = [
      { server: server('a'), health: connectors('healthy'), checking: false },
      { server: server('b'), health: down, checking: false },
    ];
    expect(presentHealth(two, NOW).text).toBe('$(debug-disconnect) ProGet 1/1 · 1 server unreachable');
    // Failing connectors come first, but the unreachable server is still named.
    two[0]!.health = connectors('error');
    expect(presentHealth(two, NOW).text).toBe('$(warning) 1 connector failing · 1 server unreachable');
  });

  test('the tooltip has one row per connector per server, failing first, with escaped errors', () => {
    const states: ServerHealthState[] = [
      { server: server('alpha'), health: connectors('healthy', 'error'), checking: false },
      {
        server: server('beta'),
        health: { kind: 'denied', message: 'HTTP 403', checkedAt: NOW },
        checking: false,
      },
    ];
    const tip = presentHealth(states, NOW).tooltip;
    expect(tip).toContain('**alpha** — https://alpha\\.example');
    expect(tip).toContain('**beta**');
    const rows = tip.split('\n').filter((l) => l.startsWith('| $('));
    expect(rows).toEqual([
      '| $(error) | c2 | error | 2 minutes ago | c2 \\| broke \\*badly\\* |',
      '| $(pass) | c1 | healthy | 2 minutes ago |  |',
    ]);
    expect(tip).toContain('not visible with this API key');
    expect(tip).toContain('_Checked 2 minutes ago._');
  });

  test('the quick pick lists failing connectors first across servers', () => {
    const picks = connectorPicks([
      { server: server('a'), health: connectors('healthy', 'unknown'), checking: false },
      { server: server('b'), health: connectors('error', 'healthy'), checking: false },
    ]);
    expect(picks.map((p) => p.label)).toEqual(['$(error) c1', '$(question) c2', '$(pass) c1', '$(pass) c2']);
    expect(picks[0]).toMatchObject({ description: 'error · b', server: server('b') });
  });
});
