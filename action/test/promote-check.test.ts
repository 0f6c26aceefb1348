import './helpers/intercept.js';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPromotions, type PromoteCheckOptions } from '../src/promote-check/check.js';
import { feedsExist, MemoryLogger, SERVER, strictNock, testClient, versionIn } from './helpers/nock.js';

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

const promotion = (from: string, to: string, date: string, user = 'ann', id = 1) => ({
  fromFeed: from,
  toFeed: to,
  date,
  user,
  comments: 'ok',
  id,
});

function options(overrides: Partial<PromoteCheckOptions> = {}): PromoteCheckOptions {
  return {
    packages: [{ group: 'apps', name: 'web', version: '1.2.3' }],
    toFeed: 'approved-feed',
    requireInTarget: true,
    waitTimeoutMs: 0,
    pollIntervalMs: 10_000,
    logger: new MemoryLogger(),
    ...overrides,
  };
}

function versionsReply(
  scope: nock.Scope,
  group: string | undefined,
  name: string,
  version: string,
  exists: boolean,
) {
  scope
    .get('/api/packages/approved-feed/versions')
    .query({ ...(group ? { group } : {}), name, version })
    .reply(200, exists ? [{ group, name, version, listed: true, downloads: 0, totalDownloads: 0 }] : []);
}

describe('checkPromotions', () => {
  it('passes when the version was promoted and is in the target feed', async () => {
    const scope = feedsExist(strictNock());
    scope
      .get('/api/promotions/list')
      .query({ toFeed: 'approved-feed' })
      .reply(200, [
        {
          group: 'Apps',
          package: 'Web',
          version: '1.2.3',
          packageType: 'upack',
          promotions: [
            promotion('dev-feed', 'approved-feed', '2026-01-01T10:00:00Z', 'bob', 1),
            promotion('dev-feed', 'approved-feed', '2026-02-01T10:00:00', 'ann', 2),
          ],
        },
      ]);
    versionsReply(scope, 'apps', 'web', '1.2.3', true);
    const result = await checkPromotions(testClient(), options());
    expect(result.promoted).toBe(true);
    expect(result.missing).toEqual([]);
    expect(result.checks[0]).toMatchObject({
      status: 'promoted',
      inTarget: true,
      promotion: {
        user: 'ann',
        date: '2026-02-01T10:00:00.000Z',
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
      },
    });
  });

  it('reports a version that was never promoted without asking the target feed', async () => {
    feedsExist(strictNock())
      .get('/api/promotions/list')
      .query({ toFeed: 'approved-feed' })
      .reply(200, [
        {
          group: 'apps',
          package: 'web',
          version: '1.2.4',
          promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
        },
      ]);
    const result = await checkPromotions(testClient(), options());
    expect(result.promoted).toBe(false);
    expect(result.missing).toHaveLength(1);
    expect(result.missing[0]).toMatchObject({
      status: 'not-promoted',
      reason: 'apps/web 1.2.3 has not been promoted to approved-feed',
    });
  });

  it('reports a promoted version that is no longer in the target feed', async () => {
    const scope = feedsExist(strictNock());
    scope
      .get('/api/promotions/list')
      .query({ toFeed: 'approved-feed' })
      .reply(200, [
        {
          group: 'apps',
          package: 'web',
          version: '1.2.3',
          promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
        },
      ]);
    versionsReply(scope, 'apps', 'web', '1.2.3', false);
    const result = await checkPromotions(testClient(), options());
    expect(result.missing[0]).toMatchObject({ status: 'not-in-target', inTarget: false });
  });

  it('does not ask the target feed when require-in-target is off', async () => {
    feedsExist(strictNock())
      .get('/api/promotions/list')
      .query({ toFeed: 'approved-feed' })
      .reply(200, [
        {
          group: 'apps',
          package: 'web',
          version: '1.2.3',
          promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
        },
      ]);
    const result = await checkPromotions(testClient(), options({ requireInTarget: false }));
    expect(result.promoted).toBe(true);
    expect(result.checks[0]!.inTarget).toBeUndefined();
  });

  it('filters by from-feed, on the server and again here', async () => {
    feedsExist(strictNock())
      .get('/api/promotions/list')
      .query({ fromFeed: 'dev-feed', toFeed: 'approved-feed' })
      // A server that ignores the filter: the promotion from another feed must not count.
      .reply(200, [
        {
          group: 'apps',
          package: 'web',
          version: '1.2.3',
          promotions: [promotion('other-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
        },
      ]);
    versionIn(nock(SERVER), 'dev-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    const result = await checkPromotions(testClient(), options({ fromFeed: 'dev-feed' }));
    expect(result.missing[0]!.reason).toBe(
      'apps/web 1.2.3 has not been promoted from dev-feed to approved-feed',
    );
  });

  it('polls until everything is promoted, re-checking only what is missing', async () => {
    const scope = feedsExist(strictNock());
    const web = {
      group: 'apps',
      package: 'web',
      version: '1.2.3',
      promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
    };
    const lib = {
      group: 'libs',
      package: 'core',
      version: '2.0.0',
      promotions: [promotion('dev-feed', 'approved-feed', '2026-01-02T00:00:00Z')],
    };
    scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).reply(200, [web]);
    versionsReply(scope, 'apps', 'web', '1.2.3', true);
    scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).reply(200, [web, lib]);
    versionsReply(scope, 'libs', 'core', '2.0.0', true);

    let clock = 0;
    const sleeps: number[] = [];
    const result = await checkPromotions(
      testClient(),
      options({
        packages: [
          { group: 'apps', name: 'web', version: '1.2.3' },
          { group: 'libs', name: 'core', version: '2.0.0' },
        ],
        waitTimeoutMs: 60_000,
        pollIntervalMs: 5_000,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    );
    expect(result).toMatchObject({ promoted: true, polls: 2 });
    expect(sleeps).toEqual([5_000]);
  });

  it('gives up at the wait timeout, never sleeping past it', async () => {
    const scope = feedsExist(strictNock());
    scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).times(4).reply(200, []);
    let clock = 0;
    const sleeps: number[] = [];
    const result = await checkPromotions(
      testClient(),
      options({
        waitTimeoutMs: 25_000,
        pollIntervalMs: 10_000,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    );
    expect(result).toMatchObject({ promoted: false, polls: 4 });
    expect(sleeps).toEqual([10_000, 10_000, 5_000]);
  });

  it('checks 200 packages with one list call and at most 16 target checks in flight', async () => {
    // The group listing is refused here (404), so every package is checked on its own.

    const packages = Array.from({ length: 200 }, (_, i) => ({
      group: 'bulk',
      name: `pkg${i}`,
      version: '1.0.0',
    }));
    const scope = feedsExist(strictNock());
    scope
      .get('/api/promotions/list')
      .once()
      .query({ toFeed: 'approved-feed' })
      .reply(
        200,
        packages.map((p) => ({
          group: p.group,
          package: p.name,
          version: p.version,
          promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
        })),
      );
    scope
      .get('/upack/approved-feed/packages')
      .query({ group: 'bulk', count: '100000' })
      .reply(404, 'Not found');
    let inFlight = 0;
    let maxInFlight = 0;
    scope
      .get('/api/packages/approved-feed/versions')
      .query(true)
      .times(200)
      .reply(200, async (uri) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        const q = new URL(uri, 'http://x').searchParams;
        return [{ group: q.get('group'), name: q.get('name'), version: q.get('version'), listed: true }];
      });
    const result = await checkPromotions(testClient(), options({ packages }));
    expect(result.promoted).toBe(true);
    expect(result.checks).toHaveLength(200);
    expect(result.checks.map((c) => c.package.name)).toEqual(packages.map((p) => p.name));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(16);
  });

  const promotedList = (packages: { group?: string; name: string; version: string }[]) =>
    packages.map((p) => ({
      group: p.group,
      package: p.name,
      version: p.version,
      promotions: [promotion('dev-feed', 'approved-feed', '2026-01-01T00:00:00Z')],
    }));

  it('lists a universal target group once for 2,000 packages instead of asking per package', async () => {
    const packages = Array.from({ length: 2000 }, (_, i) => ({
      group: 'bulk',
      name: `pkg${i}`,
      version: `1.0.${i}`,
    }));
    const scope = feedsExist(strictNock());
    scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).reply(200, promotedList(packages));
    // Case differs from the inputs, and other versions are listed too: matched case-insensitively.
    scope
      .get('/upack/approved-feed/packages')
      .once()
      .query({ group: 'bulk', count: '100000' })
      .reply(
        200,
        packages.map((p, i) => ({
          group: 'Bulk',
          name: p.name.toUpperCase(),
          versions: ['0.9.0', p.version],
          latestVersion: p.version,
          downloads: i,
        })),
      );
    const result = await checkPromotions(testClient(), options({ packages }));
    expect(result.promoted).toBe(true);
    expect(result.checks).toHaveLength(2000);
    expect(result.checks.every((c) => c.status === 'promoted' && c.inTarget === true)).toBe(true);
    expect(result.checks.map((c) => c.package.name)).toEqual(packages.map((p) => p.name));
  });

  it('asks one by one about what the group listing does not show, and reports what is gone', async () => {
    const packages = Array.from({ length: 25 }, (_, i) => ({
      group: 'bulk',
      name: `pkg${i}`,
      version: '2.0.0',
    }));
    const scope = feedsExist(strictNock());
    scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).reply(200, promotedList(packages));
    // A truncated or otherwise short list: pkg20..pkg24 are not in it.
    scope
      .get('/upack/approved-feed/packages')
      .query({ group: 'bulk', count: '100000' })
      .reply(
        200,
        packages
          .slice(0, 20)
          .map((p) => ({ group: 'bulk', name: p.name, versions: [p.version], downloads: 0 })),
      );
    for (const [i, p] of packages.slice(20).entries()) versionsReply(scope, 'bulk', p.name, '2.0.0', i !== 2);
    const result = await checkPromotions(testClient(), options({ packages }));
    expect(result.promoted).toBe(false);
    expect(result.missing.map((c) => [c.package.name, c.status])).toEqual([['pkg22', 'not-in-target']]);
    expect(result.checks.filter((c) => c.inTarget === true)).toHaveLength(24);
  });

  it('checks one by one in a target feed that is not universal, and for a group of few packages', async () => {
    const packages = [
      ...Array.from({ length: 20 }, (_, i) => ({ group: 'many', name: `pkg${i}`, version: '1.0.0' })),
      { group: 'few', name: 'one', version: '1.0.0' },
    ];
    for (const feedType of ['nuget', 'universal']) {
      const scope = strictNock();
      scope
        .get(/^\/api\/management\/feeds\/get\/[^/?]+$/)
        .times(1)
        .reply(200, (uri) => ({ name: uri.split('/').pop(), feedType, active: true }));
      scope.get('/api/promotions/list').query({ toFeed: 'approved-feed' }).reply(200, promotedList(packages));
      if (feedType === 'universal') {
        // Only the group with enough packages is listed; the other one is asked about on its own.
        scope
          .get('/upack/approved-feed/packages')
          .query({ group: 'many', count: '100000' })
          .reply(
            200,
            packages.slice(0, 20).map((p) => ({ group: 'many', name: p.name, versions: [p.version] })),
          );
        versionsReply(scope, 'few', 'one', '1.0.0', true);
      } else {
        for (const p of packages) versionsReply(scope, p.group, p.name, p.version, true);
      }
      const result = await checkPromotions(testClient(), options({ packages }));
      expect(result.promoted, feedType).toBe(true);
      expect(nock.pendingMocks(), feedType).toEqual([]);
      nock.cleanAll();
    }
  });
});
