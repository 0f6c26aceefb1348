// native-json-api.txt: /api/json/{Method} with API_Key in the query, a JSON body, or the header.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { raw } from '../testing.js';

describe('Native JSON API', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo', apiKeys: [{ key: 'myApiKey', privileges: 'all' }] });
  });
  afterAll(() => sim.close());

  it('GET /api/json/Connectors_GetConnectors?API_Key=myApiKey lists connector rows', async () => {
    const r = await raw(sim.url, 'GET', '/api/json/Connectors_GetConnectors?API_Key=myApiKey');
    expect(r.status).toBe(200);
    const rows = r.json<Record<string, unknown>[]>();
    expect(rows).toContainEqual({
      Connector_Id: 3,
      Connector_Name: 'nuget.org',
      Connector_Url: 'https://www.nuget.org/api/v2',
      Feed_Id: 4,
      Feed_Name: 'nuget-feed',
    });
    expect(rows.map((x) => x.Connector_Id)).toEqual([1, 2, 3]);
  });

  it('GET Feeds_GetFeeds with IncludeInactive_Indicator=N leaves out inactive feeds', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/api/json/Feeds_GetFeeds?API_Key=myApiKey&IncludeInactive_Indicator=N',
    );
    const rows = r.json<Record<string, unknown>[]>();
    expect(rows.map((f) => f.Feed_Name)).toEqual(['dev-feed', 'approved-feed', 'nuget-feed']);
    expect(rows[0]).toMatchObject({
      Feed_Id: 1,
      FeedType_Name: 'ProGet',
      Active_Indicator: 'Y',
      Feed_Description: 'Development builds',
    });
    expect(rows[2]).toMatchObject({ FeedType_Name: 'NuGet' });
    const all = await raw(
      sim.url,
      'GET',
      '/api/json/Feeds_GetFeeds?API_Key=myApiKey&IncludeInactive_Indicator=Y',
    );
    expect(all.json<Record<string, unknown>[]>().find((f) => f.Feed_Name === 'old-feed')).toMatchObject({
      Active_Indicator: 'N',
    });
  });

  it('POST with the arguments as a JSON object, and the X-ApiKey header', async () => {
    const r = await raw(sim.url, 'POST', '/api/json/Feeds_GetFeeds', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ API_Key: 'myApiKey', IncludeInactive_Indicator: 'N' }),
    });
    expect(r.status).toBe(200);
    expect(r.json<unknown[]>()).toHaveLength(3);
    const h = await raw(sim.url, 'GET', '/api/json/Feeds_GetFeeds', { headers: { 'X-ApiKey': 'myApiKey' } });
    expect(h.json<unknown[]>()).toHaveLength(4);
  });

  it('a bad key is a 403, no key a 401, an unknown method a 404', async () => {
    expect((await raw(sim.url, 'GET', '/api/json/Feeds_GetFeeds?API_Key=wrong')).status).toBe(403);
    expect((await raw(sim.url, 'GET', '/api/json/Feeds_GetFeeds')).status).toBe(401);
    expect((await raw(sim.url, 'GET', '/api/json/Nope_DoThing?API_Key=myApiKey')).status).toBe(404);
  });

  it('only keys with Native API access may call it; a feed-scoped one then sees only its feed', async () => {
    const denied = await raw(sim.url, 'GET', '/api/json/Feeds_GetFeeds?API_Key=demo-dev-feed-key');
    expect(denied.status).toBe(403);
    const scoped = await startSimulator({
      seed: 'demo',
      apiKeys: [
        { key: 'scoped-native', privileges: ['Feeds_ViewFeed'], feeds: ['dev-feed'], nativeApi: true },
      ],
    });
    try {
      const r = await raw(scoped.url, 'GET', '/api/json/Feeds_GetFeeds?API_Key=scoped-native');
      expect(r.json<Record<string, unknown>[]>().map((f) => f.Feed_Name)).toEqual(['dev-feed']);
    } finally {
      await scoped.close();
    }
  });

  it('rows have exactly the columns the page shows; connector filters are rows of their own', async () => {
    const withFilter = await startSimulator({
      feeds: [{ name: 'Default', feedType: 'nuget', connectors: ['NuGet official package source'] }],
      connectors: [
        {
          id: 1003,
          name: 'NuGet official package source',
          url: '',
          state: 'healthy',
          filters: [{ allow: true, rule: '*' }],
        },
      ],
      apiKeys: [{ key: 'myApiKey', privileges: 'all' }],
    });
    try {
      const c = await raw(withFilter.url, 'GET', '/api/json/Connectors_GetConnectors?API_Key=myApiKey');
      expect(c.json()).toEqual([
        {
          Connector_Id: 1003,
          Connector_Name: 'NuGet official package source',
          Connector_Url: '',
          Feed_Id: 1,
          Feed_Name: 'Default',
        },
        {
          Connector_Id: 1003,
          Filter_Sequence: 1,
          Allow_Indicator: 'Y',
          Rule_Text: '*',
          Connector_Id1: 1003,
          Connector_Name: 'NuGet official package source',
          Connector_Url: '',
          Feed_Id: 1,
        },
      ]);
      const f = await raw(withFilter.url, 'GET', '/api/json/Feeds_GetFeeds?API_Key=myApiKey');
      expect(Object.keys(f.json<Record<string, unknown>[]>()[0]!).sort()).toEqual(
        ['Active_Indicator', 'FeedType_Name', 'Feed_Description', 'Feed_Id', 'Feed_Name'].sort(),
      );
    } finally {
      await withFilter.close();
    }
  });
});
