// connector-health-api.txt: GET/HEAD /api/connector-health[/{id}] in 2023 mode; gone in 2024 and 2026.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { ADMIN, raw, VIEW } from '../testing.js';

describe('Connector Health API (ProGet 2023)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 'demo',
      versionMode: '2023',
      apiKeys: [{ key: 'secure123', privileges: ['Feeds_Manage'] }],
    });
  });
  afterAll(() => sim.close());

  it('Invoke-RestMethod -Uri /api/connector-health -Headers @{"X-ApiKey" = "secure123"}', async () => {
    const r = await raw(sim.url, 'GET', '/api/connector-health', { headers: { 'X-ApiKey': 'secure123' } });
    expect(r.status).toBe(200);
    const list = r.json<Record<string, unknown>[]>();
    expect(list.map((c) => [c.id, c.name, c.url, c.state])).toEqual([
      [1, 'npmjs.org', 'https://registry.npmjs.org', 'healthy'],
      [2, 'chocolatey.org', 'https://www.chocolatey.org/api/v2', 'healthy'],
      [3, 'nuget.org', 'https://www.nuget.org/api/v2', 'error'],
    ]);
    expect(list[0]!.errorMessage).toBeNull();
    expect(list[2]!.errorMessage).toBe('Connection timed out.');
    for (const c of list) expect(Number.isNaN(Date.parse(String(c.lastChecked)))).toBe(false);
  });

  it('GET /api/connector-health/3 gives one object; an unknown id is a 404; HEAD works', async () => {
    const r = await raw(sim.url, 'GET', '/api/connector-health/3', { headers: { 'X-ApiKey': 'secure123' } });
    expect(r.json()).toMatchObject({
      id: 3,
      name: 'nuget.org',
      state: 'error',
      errorMessage: 'Connection timed out.',
    });
    expect((await raw(sim.url, 'GET', '/api/connector-health/99', { headers: ADMIN })).status).toBe(404);
    const head = await raw(sim.url, 'HEAD', '/api/connector-health', { headers: ADMIN });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('requires Feeds_Manage: a view key is a 403, no key a 401', async () => {
    expect((await raw(sim.url, 'GET', '/api/connector-health', { headers: VIEW })).status).toBe(403);
    expect((await raw(sim.url, 'GET', '/api/connector-health')).status).toBe(401);
  });

  it('state changes through the control endpoint and in process', async () => {
    const c = await raw(sim.url, 'POST', '/__sim/connectors/1', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'error', errorMessage: 'DNS failure' }),
    });
    expect(c.status).toBe(204);
    let r = await raw(sim.url, 'GET', '/api/connector-health/1', { headers: ADMIN });
    expect(r.json()).toMatchObject({ state: 'error', errorMessage: 'DNS failure' });
    sim.setConnectorState(1, 'unknown');
    r = await raw(sim.url, 'GET', '/api/connector-health/1', { headers: ADMIN });
    expect(r.json()).toMatchObject({ state: 'unknown', errorMessage: null, lastChecked: null });
    sim.setConnectorState(1, 'healthy');
    r = await raw(sim.url, 'GET', '/api/connector-health/1', { headers: ADMIN });
    expect(r.json()).toMatchObject({ state: 'healthy', errorMessage: null });
  });
});

describe('Connector Health API, legacy quirks', () => {
  it('legacyConnectorHealth emits state "unhealthy" and "erroMessage" as the page example shows', async () => {
    const sim = await startSimulator({ seed: 'demo', versionMode: '2023', legacyConnectorHealth: true });
    try {
      const r = await raw(sim.url, 'GET', '/api/connector-health/3', { headers: ADMIN });
      const body = r.json<Record<string, unknown>>();
      expect(body).toMatchObject({
        id: 3,
        name: 'nuget.org',
        state: 'unhealthy',
        erroMessage: 'Connection timed out.',
      });
      expect(body).not.toHaveProperty('errorMessage');
      const healthy = await raw(sim.url, 'GET', '/api/connector-health/1', { headers: ADMIN });
      expect(healthy.json()).toMatchObject({ state: 'healthy' });
      expect(healthy.json()).not.toHaveProperty('erroMessage');
    } finally {
      await sim.close();
    }
  });
});

describe.each(['2024', '2026'] as const)('Connector Health API in ProGet %s', (versionMode) => {
  it('is a 404 even with a good key', async () => {
    const sim = await startSimulator({ seed: 'demo', versionMode });
    try {
      const r = await raw(sim.url, 'GET', '/api/connector-health', { headers: ADMIN });
      expect(r.status).toBe(404);
      expect(r.headers['x-proget-version']).toBe(versionMode === '2024' ? '24.0.39.3' : '26.0.12.24');
    } finally {
      await sim.close();
    }
  });
});
