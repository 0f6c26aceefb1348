import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPromotion, ProGetClient, type PromotedPackage } from '../src/index.js';

const BASE = 'https://proget.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
const client = () => new ProGetClient({ url: BASE, apiKey: 'abc12345', retries: 0 });

describe('promotions list', () => {
  it("parses the page's example: packageName, no group (the trailing comma removed)", async () => {
    nock(BASE, { reqheaders: { 'x-apikey': 'abc12345' } })
      .get(
        '/api/promotions/list?fromFeed=nuget-unapproved&toFeed=nuget-approved&package=myNugetPackage&version=1.2.3',
      )
      .reply(200, [
        {
          packageName: 'myNugetPackage',
          packageType: 'nuget',
          version: '1.2.3',
          promotions: [
            {
              fromFeed: 'nuget-unapproved',
              toFeed: 'nuget-approved',
              date: '2023-11-28T06:23:46.92Z',
              user: 'Anonymous',
              comments: '',
              id: 4,
            },
          ],
        },
      ]);
    const list = await client().promotions.list({
      fromFeed: 'nuget-unapproved',
      toFeed: 'nuget-approved',
      name: 'myNugetPackage',
      version: '1.2.3',
    });
    expect(list).toEqual([
      {
        group: '',
        name: 'myNugetPackage',
        packageType: 'nuget',
        version: '1.2.3',
        promotions: [
          {
            fromFeed: 'nuget-unapproved',
            toFeed: 'nuget-approved',
            date: '2023-11-28T06:23:46.920Z',
            user: 'Anonymous',
            comments: '',
            id: 4,
          },
        ],
      },
    ]);
  });

  it("parses the model's example: package + group, a date without zone treated as UTC", async () => {
    nock(BASE)
      .get(
        '/api/promotions/list?fromFeed=npm-development&toFeed=npm-production&group=myScope&package=myNpmPackage&version=1.2.3',
      )
      .reply(200, [
        {
          group: 'myScope',
          package: 'myPackage',
          packageType: 'npm',
          version: '1.0.0',
          promotions: [
            {
              fromFeed: 'npm-unapproved',
              toFeed: 'npm-approved',
              date: '2023-11-29T12:00:00',
              user: 'jsmith',
              comments: 'Package approved for production use',
              id: 12345,
            },
          ],
        },
      ]);
    const [pkg] = await client().promotions.list({
      fromFeed: 'npm-development',
      toFeed: 'npm-production',
      group: 'myScope',
      name: 'myNpmPackage',
      version: '1.2.3',
    });
    expect(pkg).toMatchObject({ group: 'myScope', name: 'myPackage' });
    expect(pkg!.promotions[0]!.date).toBe('2023-11-29T12:00:00.000Z');
  });

  it('no match is an empty list', async () => {
    nock(BASE).get('/api/promotions/list').reply(200, []);
    expect(await client().promotions.list()).toEqual([]);
  });
});

describe('promote', () => {
  it('sends both the current and the older field names', async () => {
    nock(BASE)
      .post('/api/promotions/promote', {
        fromFeed: 'unapproved',
        toFeed: 'approved',
        name: 'app',
        version: '1.2.3',
        group: 'acme/tools',
        comments: 'ship it',
        packageName: 'app',
        groupName: 'acme/tools',
      })
      .matchHeader('x-apikey', 'abc12345')
      .reply(200);
    await client().promotions.promote({
      fromFeed: 'unapproved',
      toFeed: 'approved',
      group: 'acme/tools',
      name: 'app',
      version: '1.2.3',
      comments: 'ship it',
    });
  });

  it('a 400 carries the server reason', async () => {
    nock(BASE).post('/api/promotions/promote').reply(400, 'Feeds must be of the same type.');
    await expect(
      client().promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: '1.0.0' }),
    ).rejects.toMatchObject({ kind: 'bad-request', serverText: 'Feeds must be of the same type.' });
  });

  it('refuses to send "latest"', async () => {
    await expect(
      client().promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: 'latest' }),
    ).rejects.toThrow(/resolve it first/);
  });
});

describe('findPromotion', () => {
  const list: PromotedPackage[] = [
    {
      group: 'Acme',
      name: 'App',
      version: '1.2.3',
      promotions: [
        { fromFeed: 'dev', toFeed: 'Approved', date: '2024-01-01T00:00:00.000Z', id: 1 },
        { fromFeed: 'qa', toFeed: 'approved', date: '2024-03-01T00:00:00.000Z', id: 3 },
        { fromFeed: 'dev', toFeed: 'other', date: '2024-05-01T00:00:00.000Z', id: 4 },
      ],
    },
    {
      group: 'acme',
      name: 'app',
      version: '1.2.30',
      promotions: [{ fromFeed: 'dev', toFeed: 'approved', id: 9 }],
    },
    {
      group: '',
      name: 'app',
      version: '1.2.3',
      promotions: [{ fromFeed: 'dev', toFeed: 'approved', id: 10 }],
    },
  ];

  it('matches name, group and feeds case-insensitively, version exactly, newest first', () => {
    const match = findPromotion(list, { group: 'acme', name: 'APP', version: '1.2.3', toFeed: 'APPROVED' });
    expect(match?.promotion.id).toBe(3);
    expect(match?.package.version).toBe('1.2.3');
  });

  it('filters by fromFeed', () => {
    expect(
      findPromotion(list, {
        group: 'acme',
        name: 'app',
        version: '1.2.3',
        toFeed: 'approved',
        fromFeed: 'DEV',
      })?.promotion.id,
    ).toBe(1);
  });

  it('the empty group is distinct from a named group', () => {
    expect(findPromotion(list, { name: 'app', version: '1.2.3', toFeed: 'approved' })?.promotion.id).toBe(10);
  });

  it('undefined when nothing matches (version is exact, not a prefix)', () => {
    expect(
      findPromotion(list, { group: 'acme', name: 'app', version: '1.2', toFeed: 'approved' }),
    ).toBeUndefined();
    expect(
      findPromotion(list, { group: 'acme', name: 'app', version: '1.2.3', toFeed: 'prod' }),
    ).toBeUndefined();
  });

  it('without dates the highest id wins', () => {
    const undated: PromotedPackage[] = [
      {
        name: 'p',
        version: '1.0.0',
        promotions: [
          { fromFeed: 'a', toFeed: 'b', id: 2 },
          { fromFeed: 'a', toFeed: 'b', id: 7 },
        ],
      },
    ];
    expect(findPromotion(undated, { name: 'p', version: '1.0.0', toFeed: 'b' })?.promotion.id).toBe(7);
  });
});
