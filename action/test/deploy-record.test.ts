import './helpers/intercept.js';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { recordDeployment } from '../src/deploy-record/record.js';
import { MemoryLogger, SERVER, strictNock, testClient, versionIn } from './helpers/nock.js';

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

const record = {
  feed: 'approved-feed',
  group: 'apps',
  name: 'web',
  version: '1.2.3',
  application: 'GitHub Actions',
  description: 'Deployed by Release run #42 (0123456)',
  target: 'prod-eu',
  user: 'octocat',
  url: 'https://github.com/acme/app/actions/runs/1',
  date: '2026-11-22T03:00:00.000Z',
};
const feed = {
  name: 'approved-feed',
  feedType: 'universal',
  active: true,
  alternateNames: [],
  connectors: [],
};

describe('recordDeployment', () => {
  it('sends the record with the documented PascalCase fields', async () => {
    const scope = strictNock();
    scope
      .get('/api/management/feeds/get/approved-feed')
      .reply(200, { ...feed, deploymentRecordsEnabled: true });
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    let body: unknown;
    scope.post('/api/package-deployment/').reply(200, (_uri, b) => {
      body = b;
      return '';
    });
    const logger = new MemoryLogger();
    const result = await recordDeployment(testClient(), { record, logger });
    expect(result).toEqual({ recorded: true, feedRecordsDeployments: true, packageFound: true });
    expect(body).toMatchObject({
      FeedName: 'approved-feed',
      GroupName: 'apps',
      PackageName: 'web',
      Version: '1.2.3',
      Application: 'GitHub Actions',
      Target: 'prod-eu',
      UserName: 'octocat',
    });
    expect(logger.lines).toContain('info: Recorded: apps/web 1.2.3 from approved-feed deployed to prod-eu.');
  });

  it('warns when the feed has deployment records turned off', async () => {
    const scope = strictNock();
    scope
      .get('/api/management/feeds/get/approved-feed')
      .reply(200, { ...feed, deploymentRecordsEnabled: false });
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    scope.post('/api/package-deployment/').reply(200, '');
    const logger = new MemoryLogger();
    await recordDeployment(testClient(), { record, logger });
    expect(logger.lines).toContain(
      'warning: Feed approved-feed has deployment records turned off, so ProGet may not show this record; turn on "Deployment records" in the feed\'s settings.',
    );
  });

  it('skips the feed check silently (debug only) when reading the feed is forbidden', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/approved-feed').reply(403, 'forbidden');
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    scope.post('/api/package-deployment/').reply(200, '');
    const logger = new MemoryLogger();
    const result = await recordDeployment(testClient(), { record, logger });
    expect(result.feedRecordsDeployments).toBeUndefined();
    expect(logger.lines.filter((l) => !l.startsWith('debug:') && !l.startsWith('info:'))).toEqual([]);
    expect(logger.lines.some((l) => l.startsWith('debug: could not read feed approved-feed'))).toBe(true);
  });

  it('never sends the record twice, even on a retryable status', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/approved-feed').reply(200, feed);
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, true);
    scope.post('/api/package-deployment/').once().reply(503, 'busy');
    const client = testClient();
    const error = await recordDeployment(client, { record, logger: new MemoryLogger() }).catch((e) => e);
    expect(error.name).toBe('ProGetError');
    expect(error.status).toBe(503);
  });

  it('refuses a version the feed does not have, sending nothing', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/approved-feed').reply(200, feed);
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, false);
    const error = await recordDeployment(testClient(), { record, logger: new MemoryLogger() }).catch(
      (e) => e,
    );
    expect(error.message).toBe(
      'apps/web 1.2.3 does not exist in approved-feed, so its deployment is not recorded; check "package", "group" and "version", or set allow-missing-package: true to record a package that is not in the feed.',
    );
  });

  it('records a missing version with a warning when allow-missing-package is on', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/approved-feed').reply(200, feed);
    versionIn(scope, 'approved-feed', { group: 'apps', name: 'web', version: '1.2.3' }, false);
    scope.post('/api/package-deployment/').reply(200, '');
    const logger = new MemoryLogger();
    const result = await recordDeployment(testClient(), { record, allowMissingPackage: true, logger });
    expect(result.packageFound).toBe(false);
    expect(logger.lines).toContain(
      'warning: apps/web 1.2.3 does not exist in approved-feed; recording the deployment anyway (allow-missing-package: true).',
    );
  });

  it('refuses a feed that does not exist, naming the feeds there are', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/approved-feed').reply(404, 'Feed not found');
    scope.get('/api/management/feeds/list').reply(200, [feed, { ...feed, name: 'dev-feed' }].slice(1));
    const error = await recordDeployment(testClient(), { record, logger: new MemoryLogger() }).catch(
      (e) => e,
    );
    expect(error.message).toBe(
      `"feed" names feed approved-feed, which does not exist on ${SERVER}; check the spelling. Feeds this key can see: dev-feed.`,
    );
  });
});
