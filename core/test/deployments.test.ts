import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploymentBody, ProGetClient } from '../src/index.js';

const BASE = 'https://proget.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('deployment records', () => {
  it("posts the page's example as PascalCase JSON", async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'k', 'content-type': /application\/json/ } })
      .post('/api/package-deployment/', {
        Application: 'ProfitCalc',
        Description: 'Deployed by Custom Release Server',
        Target: 'localhost',
        FeedName: 'DefaultNuGet',
        PackageName: 'Newtonsoft.Json',
        Version: '12.0.3',
      })
      .reply(200);
    await new ProGetClient({ url: BASE, apiKey: 'k' }).deployments.record({
      feed: 'DefaultNuGet',
      application: 'ProfitCalc',
      description: 'Deployed by Custom Release Server',
      target: 'localhost',
      name: 'Newtonsoft.Json',
      version: '12.0.3',
    });
  });

  it('includes the optional fields, with a Date as ISO-8601 UTC', () => {
    expect(
      deploymentBody({
        feed: 'u',
        application: 'gh',
        description: 'd',
        target: 'prod',
        group: 'acme',
        name: 'app',
        version: '1.0.0',
        user: 'ci-bot',
        url: 'https://github.com/o/r/actions/runs/1',
        date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      }),
    ).toEqual({
      Application: 'gh',
      Description: 'd',
      Target: 'prod',
      FeedName: 'u',
      PackageName: 'app',
      Version: '1.0.0',
      GroupName: 'acme',
      UserName: 'ci-bot',
      Url: 'https://github.com/o/r/actions/runs/1',
      Date: '2024-01-02T03:04:05.000Z',
    });
  });

  it('a 404 names the feed', async () => {
    nock(BASE).post('/api/package-deployment/').reply(404, 'Feed not found');
    await expect(
      new ProGetClient({ url: BASE, retries: 3, retryBaseDelayMs: 1 }).deployments.record({
        feed: 'nope',
        application: 'a',
        description: 'd',
        target: 't',
        name: 'n',
        version: '1.0.0',
      }),
    ).rejects.toMatchObject({ kind: 'not-found', hint: expect.stringContaining('"nope"') });
  });

  const RECORD = {
    feed: 'f',
    application: 'a',
    description: 'd',
    target: 't',
    name: 'n',
    version: '1.0.0',
  };

  it('is sent again after a 429 or 503 that names its wait (Retry-After), and only then', async () => {
    const scope = nock(BASE)
      .post('/api/package-deployment/')
      .reply(429, 'slow down', { 'Retry-After': '0' })
      .post('/api/package-deployment/')
      .reply(503, 'maintenance', { 'Retry-After': '0' })
      .post('/api/package-deployment/')
      .reply(201);
    await new ProGetClient({ url: BASE, retries: 3, retryBaseDelayMs: 1 }).deployments.record(RECORD);
    expect(scope.isDone()).toBe(true);
  });

  it('is never sent again after a 503 without Retry-After, a 502, or a 429 once retries are spent', async () => {
    for (const [status, headers] of [
      [503, {}],
      [502, { 'Retry-After': '0' }],
    ] as const) {
      nock(BASE).post('/api/package-deployment/').reply(status, 'busy', headers);
      await expect(
        new ProGetClient({ url: BASE, retries: 3, retryBaseDelayMs: 1 }).deployments.record(RECORD),
      ).rejects.toMatchObject({ status, attempts: 1 });
      expect(nock.pendingMocks()).toEqual([]);
    }
    nock(BASE).post('/api/package-deployment/').times(2).reply(429, 'slow down', { 'Retry-After': '0' });
    await expect(
      new ProGetClient({ url: BASE, retries: 1, retryBaseDelayMs: 1 }).deployments.record(RECORD),
    ).rejects.toMatchObject({ status: 429, attempts: 2 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('missing required fields fail before sending', async () => {
    await expect(
      new ProGetClient({ url: BASE }).deployments.record({
        feed: '',
        application: 'a',
        description: '',
        target: 't',
        name: 'n',
        version: '1.0.0',
      }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      problems: ['description is required', 'feed is required'],
    });
  });
});
