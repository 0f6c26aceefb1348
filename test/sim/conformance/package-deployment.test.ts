// package-deployment-api.txt examples: form, JSON, header key; errors; deploymentRecordsEnabled; download headers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { PROMOTE, raw, VIEW } from '../testing.js';

const FIELDS = {
  FeedName: 'nuget-feed',
  Application: 'ProfitCalc',
  Description: 'Deployed by Custom Release Server',
  Target: 'localhost',
  PackageName: 'Newtonsoft.Json',
  Version: '12.0.3',
};

describe('Package Deployment API', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 'demo',
      feeds: [{ name: 'no-records', feedType: 'universal', deploymentRecordsEnabled: false }],
    });
  });
  afterAll(() => sim.close());

  it('POST form body (Invoke-RestMethod -Body string) with X-ApiKey is a 200 and recorded', async () => {
    const r = await raw(sim.url, 'POST', '/api/package-deployment/', {
      headers: { ...VIEW, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(FIELDS).toString(),
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const last = sim.deployments().at(-1)!;
    expect(last).toMatchObject({
      application: 'ProfitCalc',
      description: 'Deployed by Custom Release Server',
      target: 'localhost',
      feedName: 'nuget-feed',
      packageName: 'Newtonsoft.Json',
      version: '12.0.3',
      userName: 'SYSTEM',
    });
    expect(Number.isNaN(Date.parse(last.date))).toBe(false);
  });

  it('POST JSON (ConvertTo-JSON) with optional fields, visible at /__sim/deployments', async () => {
    const r = await raw(sim.url, 'POST', '/api/package-deployment/', {
      headers: { ...VIEW, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ...FIELDS,
        FeedName: 'dev-feed',
        PackageName: 'ABLast',
        GroupName: 'initrode/vendors/abl',
        Version: '2.2.1',
        UserName: 'jsmith',
        Url: 'https://ci.example/run/1',
        Date: '2024-05-06T07:08:09Z',
      }),
    });
    expect(r.status).toBe(200);
    const all = await raw(sim.url, 'GET', '/__sim/deployments');
    expect(all.json<unknown[]>().at(-1)).toEqual({
      application: 'ProfitCalc',
      description: 'Deployed by Custom Release Server',
      target: 'localhost',
      feedName: 'dev-feed',
      packageName: 'ABLast',
      groupName: 'initrode/vendors/abl',
      version: '2.2.1',
      userName: 'jsmith',
      url: 'https://ci.example/run/1',
      date: '2024-05-06T07:08:09.000Z',
    });
  });

  it('missing required fields are a 400 naming them', async () => {
    const r = await raw(sim.url, 'POST', '/api/package-deployment/', {
      headers: { ...VIEW, 'Content-Type': 'application/json' },
      body: JSON.stringify({ FeedName: 'dev-feed', Application: 'x' }),
    });
    expect(r.status).toBe(400);
    expect(r.text).toBe('Missing required fields: Description, Target, PackageName, Version.');
  });

  it('an unknown feed is a 404; a key without Feeds_DownloadPackage is a 403; no key is a 401', async () => {
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      raw(sim.url, 'POST', '/api/package-deployment/', {
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(fields),
      });
    expect((await post({ ...FIELDS, FeedName: 'DefaultNuGet' }, VIEW)).status).toBe(404);
    expect((await post(FIELDS, PROMOTE)).status).toBe(403);
    expect((await post(FIELDS, {})).status).toBe(401);
  });

  it('a feed with deployment records disabled: ignored by default (200, nothing recorded)', async () => {
    const before = sim.deployments().length;
    const r = await raw(sim.url, 'POST', '/api/package-deployment/', {
      headers: { ...VIEW, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...FIELDS, FeedName: 'no-records' }),
    });
    expect(r.status).toBe(200);
    expect(sim.deployments()).toHaveLength(before);
  });

  it('... or a 400 when configured to reject', async () => {
    const strict = await startSimulator({
      seed: 'demo',
      deploymentToDisabledFeed: 'reject',
      feeds: [{ name: 'no-records', feedType: 'universal', deploymentRecordsEnabled: false }],
    });
    try {
      const r = await raw(strict.url, 'POST', '/api/package-deployment/', {
        headers: { ...VIEW, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...FIELDS, FeedName: 'no-records' }),
      });
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/not enabled/);
    } finally {
      await strict.close();
    }
  });

  it('X-ProGet-Deployment-* headers on a download record a deployment', async () => {
    const before = sim.deployments().length;
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/download/hdars/1.3.9', {
      headers: {
        ...VIEW,
        'X-ProGet-Deployment-Application': 'Deployer',
        'X-ProGet-Deployment-Description': 'copy to web01',
        'X-ProGet-Deployment-Target': 'web01',
      },
    });
    expect(r.status).toBe(200);
    expect(sim.deployments()).toHaveLength(before + 1);
    expect(sim.deployments().at(-1)).toMatchObject({
      target: 'web01',
      packageName: 'HDARS',
      version: '1.3.9',
      feedName: 'dev-feed',
    });
  });
});
