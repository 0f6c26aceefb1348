import './helpers/intercept.js';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { feedState, missingFeedMessage } from '../src/shared/feed-check.js';
import { MemoryLogger, strictNock, testClient } from './helpers/nock.js';

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

const feed = (name: string, alternateNames: string[] = []) => ({
  name,
  feedType: 'universal',
  active: true,
  alternateNames,
  connectors: [],
});

describe('feedState', () => {
  it('takes the management API answer when there is one', async () => {
    strictNock().get('/api/management/feeds/get/dev-feed').reply(200, feed('dev-feed'));
    expect((await feedState(testClient(), 'dev-feed', new MemoryLogger())).state).toBe('exists');
  });

  it('settles a 404 with the feed list: an old server without feeds/get still finds it, by alternate name too', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/legacy').reply(404, 'not here');
    scope.get('/api/management/feeds/list').reply(200, [feed('main', ['legacy'])]);
    expect((await feedState(testClient(), 'legacy', new MemoryLogger())).state).toBe('exists');
  });

  it('says missing, with the feeds the key can see, when the list does not have it', async () => {
    const scope = strictNock();
    scope.get('/api/management/feeds/get/dev-fed').reply(404, 'not here');
    scope.get('/api/management/feeds/list').reply(200, [feed('dev-feed'), feed('approved-feed')]);
    expect(await feedState(testClient(), 'dev-fed', new MemoryLogger())).toEqual({
      state: 'missing',
      known: ['dev-feed', 'approved-feed'],
    });
  });

  it('does not decide when the key may not read feeds (debug only)', async () => {
    strictNock().get('/api/management/feeds/get/dev-feed').reply(403, 'forbidden');
    const logger = new MemoryLogger();
    expect((await feedState(testClient(), 'dev-feed', logger)).state).toBe('unknown');
    expect(logger.lines.every((l) => l.startsWith('debug:'))).toBe(true);
  });
});

describe('missingFeedMessage', () => {
  it('names the input, the server and at most ten feeds', () => {
    const known = Array.from({ length: 12 }, (_, i) => `f${i}`);
    expect(missingFeedMessage('to-feed', 'x', 'https://p', known)).toBe(
      '"to-feed" names feed x, which does not exist on https://p; check the spelling. Feeds this key can see: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, and 2 more.',
    );
    expect(missingFeedMessage('feed', 'x', 'https://p')).toBe(
      '"feed" names feed x, which does not exist on https://p; check the spelling.',
    );
  });
});
