import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_HEALTH_REMOVED, ProGetClient } from '../src/index.js';
import { rejection } from './helpers.js';

const BASE = 'https://proget.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
const client = () => new ProGetClient({ url: BASE, apiKey: 'secure123', retries: 0 });

const HEALTHY = {
  applicationName: 'ProGet',
  releaseNumber: '2024.3',
  versionNumber: '24.0.3.12',
  extensionsInstalled: { ProGet: '24.0.3' },
  databaseStatus: 'OK',
  databaseStatusDetails: null,
  licenseStatus: 'OK',
  licenseStatusDetail: null,
  serviceStatus: 'OK',
  serviceStatusDetail: null,
  replicationStatus: null,
};

describe('instance health', () => {
  it('reads /health?format=json', async () => {
    nock(BASE).get('/health?format=json').reply(200, HEALTHY);
    const health = await client().health.instance();
    expect(health).toMatchObject({ healthy: true, releaseNumber: '2024.3', databaseStatus: 'OK' });
  });

  it('a 500 with the health JSON is unhealthy, not an error', async () => {
    nock(BASE)
      .get('/health?format=json')
      .reply(500, { ...HEALTHY, databaseStatus: 'Error', databaseStatusDetails: 'Login failed for user' });
    const health = await client().health.instance();
    expect(health.healthy).toBe(false);
    expect(health.databaseStatusDetails).toBe('Login failed for user');
  });

  it('a 200 with a status other than OK is unhealthy', async () => {
    nock(BASE)
      .get('/health?format=json')
      .reply(200, { ...HEALTHY, licenseStatus: 'Error', licenseStatusDetail: 'expired' });
    expect((await client().health.instance()).healthy).toBe(false);
  });

  it('plain-text OK (servers ignoring format=json) is healthy', async () => {
    nock(BASE).get('/health?format=json').reply(200, 'OK', { 'content-type': 'text/plain' });
    expect(await client().health.instance()).toEqual({ healthy: true });
  });

  it('a 500 HTML page is unhealthy with the status in the detail', async () => {
    nock(BASE).get('/health?format=json').reply(500, '<html>boom</html>', { 'content-type': 'text/html' });
    const h = await client().health.instance();
    expect(h.healthy).toBe(false);
    expect(h.serviceStatusDetail).toMatch(/HTTP 500/);
  });

  it('a 401 is an error, not a health result', async () => {
    nock(BASE).get('/health?format=json').reply(401, '');
    expect((await rejection(client().health.instance())).kind).toBe('unauthorized');
  });
});

describe('connector health', () => {
  it("lists connectors from the page's example, tolerating unhealthy and erroMessage", async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'secure123' } })
      .get('/api/connector-health')
      .reply(200, [
        {
          id: 1,
          name: 'npmjs.org',
          url: 'https://registry.npmjs.org',
          state: 'healthy',
          lastChecked: '2019-03-29T17:41:59.907+00:00',
        },
        {
          id: 2,
          name: 'chocolatey.org',
          url: 'https://www.chocolatey.org/api/v2',
          state: 'healthy',
          lastChecked: '2019-03-29T17:41:59.903+00:00',
        },
        {
          id: 3,
          name: 'nuget.org',
          url: 'https://www.nuget.org/api/v2',
          state: 'unhealthy',
          erroMessage: 'Connection timed out.',
          lastChecked: '2019-03-29T17:41:55.05+00:00',
        },
      ]);
    const report = await client().health.connectors();
    expect(report.supported).toBe(true);
    if (!report.supported) return;
    expect(report.connectors).toHaveLength(3);
    expect(report.connectors[0]).toEqual({
      id: 1,
      name: 'npmjs.org',
      url: 'https://registry.npmjs.org',
      state: 'healthy',
      errorMessage: undefined,
      lastChecked: '2019-03-29T17:41:59.907Z',
    });
    expect(report.connectors[2]).toMatchObject({ state: 'error', errorMessage: 'Connection timed out.' });
  });

  it('the documented errorMessage and unknown state', async () => {
    nock(BASE)
      .get('/api/connector-health')
      .reply(200, [{ id: 4, name: 'x', url: 'u', state: 'unknown', errorMessage: null, lastChecked: null }]);
    const report = await client().health.connectors();
    expect(report).toEqual({
      supported: true,
      connectors: [
        { id: 4, name: 'x', url: 'u', state: 'unknown', errorMessage: undefined, lastChecked: undefined },
      ],
    });
  });

  it('404 (ProGet 2024+) is supported:false with the reason', async () => {
    nock(BASE).get('/api/connector-health').reply(404, 'Not Found');
    expect(await client().health.connectors()).toEqual({
      supported: false,
      reason: 'connector health is not reported by this ProGet version (removed in ProGet 2024)',
    });
    expect(CONNECTOR_HEALTH_REMOVED).toContain('removed in ProGet 2024');
  });

  it('reads a single connector', async () => {
    nock(BASE).get('/api/connector-health/3').reply(200, {
      id: 3,
      name: 'nuget.org',
      url: 'https://www.nuget.org/api/v2',
      state: 'unhealthy',
      erroMessage: 'Connection timed out.',
      lastChecked: '2019-03-29T17:41:55.05+00:00',
    });
    expect(await client().health.connector(3)).toEqual({
      id: 3,
      name: 'nuget.org',
      url: 'https://www.nuget.org/api/v2',
      state: 'error',
      errorMessage: 'Connection timed out.',
      lastChecked: '2019-03-29T17:41:55.050Z',
    });
  });
});
