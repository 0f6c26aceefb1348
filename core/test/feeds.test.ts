import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normalizeFeedType, ProGetClient } from '../src/index.js';
import { rejection } from './helpers.js';

const BASE = 'https://proget.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
const client = () => new ProGetClient({ url: BASE, apiKey: 'KEY', retries: 0 });

const MANAGEMENT = [
  {
    name: 'approved',
    alternateNames: ['ok'],
    feedType: 'universal',
    description: 'Approved packages',
    active: true,
    connectors: [],
    endpointUrl: 'https://proget.test/upack/approved/',
    canPublish: true,
    deploymentRecordsEnabled: true,
    vulnerabilitiesEnabled: false,
    retentionRules: [],
    packageStatisticsEnabled: true,
  },
  { name: 'legacy', feedType: 'ProGet', active: true },
  { name: 'romp-feed', feedType: 'romp', active: true },
  { name: 'NuGetFeed', feedType: 'NuGet', active: false, connectors: ['nuget.org'] },
];

describe('feeds', () => {
  it('lists feeds from the management API, normalizing feed types and hiding inactive ones', async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'KEY' } })
      .get('/api/management/feeds/list')
      .reply(200, MANAGEMENT);
    const feeds = await client().feeds.list();
    expect(feeds.map((f) => [f.name, f.feedType])).toEqual([
      ['approved', 'universal'],
      ['legacy', 'universal'],
      ['romp-feed', 'universal'],
    ]);
    expect(feeds[0]).toEqual({
      name: 'approved',
      alternateNames: ['ok'],
      feedType: 'universal',
      description: 'Approved packages',
      active: true,
      connectors: [],
      endpointUrl: 'https://proget.test/upack/approved/',
      canPublish: true,
      deploymentRecordsEnabled: true,
      vulnerabilitiesEnabled: false,
      packageStatisticsEnabled: true,
      source: 'management',
    });
  });

  it('includeInactive keeps inactive feeds', async () => {
    nock(BASE).get('/api/management/feeds/list').reply(200, MANAGEMENT);
    const feeds = await client().feeds.list({ includeInactive: true });
    expect(feeds.find((f) => f.name === 'NuGetFeed')).toMatchObject({
      active: false,
      feedType: 'nuget',
      connectors: ['nuget.org'],
    });
  });

  it('falls back to Native Feeds_GetFeeds when the management API is 404, key in the header only', async () => {
    nock(BASE).get('/api/management/feeds/list').reply(404, 'Not Found');
    nock(BASE, { reqheaders: { 'x-apikey': 'KEY' } })
      .get('/api/json/Feeds_GetFeeds')
      .query((q) => q.IncludeInactive_Indicator === 'N' && !('API_Key' in q) && !('key' in q))
      .reply(200, [
        {
          Feed_Id: 1,
          Feed_Name: 'Default',
          Feed_Description: 'NuGet',
          FeedType_Name: 'NuGet',
          Active_Indicator: 'Y',
        },
        {
          Feed_Id: 2,
          Feed_Name: 'Old',
          Feed_Description: null,
          FeedType_Name: 'ProGet',
          Active_Indicator: 'N',
        },
      ]);
    const feeds = await client().feeds.list();
    expect(feeds).toEqual([
      {
        name: 'Default',
        alternateNames: [],
        feedType: 'nuget',
        description: 'NuGet',
        active: true,
        connectors: [],
        source: 'native',
      },
    ]);
  });

  it('gets one feed; 403 (bad key) is forbidden', async () => {
    nock(BASE).get('/api/management/feeds/get/approved').reply(200, MANAGEMENT[0]);
    nock(BASE)
      .get('/api/management/feeds/get/secret')
      .reply(403, 'The specified API key does not have the proper permissions');
    expect((await client().feeds.get('approved')).endpointUrl).toBe('https://proget.test/upack/approved/');
    const error = await rejection(client().feeds.get('secret'));
    expect(error.kind).toBe('forbidden');
  });

  it('probes a feed through the Packages API', async () => {
    nock(BASE)
      .get('/api/packages/approved')
      .reply(200, { id: 7, name: 'approved', feedType: 'ProGet', packageType: 'upack' });
    expect(await client().feeds.probe('approved')).toEqual({
      name: 'approved',
      feedType: 'universal',
      packageType: 'upack',
    });
  });

  it('probe 404 explains both causes', async () => {
    nock(BASE).get('/api/packages/nope').reply(404, '');
    const error = await rejection(client().feeds.probe('nope'));
    expect(error.hint).toMatch(/no feed named "nope".*ProGet 2023/);
  });

  it.each([
    ['ProGet', 'universal'],
    ['romp', 'universal'],
    ['Universal', 'universal'],
    ['NPM', 'npm'],
    ['pypi', 'pypi'],
  ])('normalizeFeedType(%s) = %s', (input, output) => {
    expect(normalizeFeedType(input)).toBe(output);
  });
});

describe('native API', () => {
  it('calls *_Get* methods with GET and the key in X-ApiKey', async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'KEY' } })
      .get('/api/json/Connectors_GetConnectors')
      .reply(200, [{ Connector_Id: 1003, Connector_Name: 'NuGet official package source', Feed_Id: 1 }]);
    const rows = await client().native.call<Array<{ Connector_Id: number }>>('Connectors_GetConnectors');
    expect(rows[0]!.Connector_Id).toBe(1003);
  });

  it('calls other methods with a JSON POST; an empty answer is undefined', async () => {
    nock(BASE).post('/api/json/Feeds_DeleteFeed', { Feed_Id: 5 }).reply(200, '');
    expect(await client().native.call('Feeds_DeleteFeed', { Feed_Id: 5 })).toBeUndefined();
  });

  it('refuses an API_Key argument and odd method names', async () => {
    await expect(client().native.call('Feeds_GetFeeds', { API_Key: 'x' })).rejects.toThrow(/client options/);
    await expect(client().native.call('../x')).rejects.toThrow(/not a method name/);
  });
});
