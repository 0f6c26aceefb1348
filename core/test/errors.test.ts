import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProGetError, ProGetClient, ProGetError } from '../src/index.js';
import { rejection, startServer } from './helpers.js';

const BASE = 'https://proget.test';
const KEY = 'k3y-s3cr3t-VALUE';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());

function client(extra: Partial<ConstructorParameters<typeof ProGetClient>[0]> = {}) {
  return new ProGetClient({ url: BASE, apiKey: KEY, retries: 0, ...extra });
}

const promote = { fromFeed: 'unapproved', toFeed: 'approved', name: 'app', version: '1.2.3' };

describe('status → kind and hint', () => {
  it('401 asks for an API key', async () => {
    nock(BASE).get('/upack/feed/packages').reply(401, '', { 'www-authenticate': 'Basic' });
    const error = await rejection(new ProGetClient({ url: BASE, retries: 0 }).universal.listPackages('feed'));
    expect(error).toBeInstanceOf(ProGetError);
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.hint).toMatch(/supply an API key/);
  });

  it('401 with credentials says they were not accepted', async () => {
    nock(BASE).get('/upack/feed/packages').reply(401, '');
    const error = await rejection(client().universal.listPackages('feed'));
    expect(error.hint).toMatch(/did not accept the credentials/);
  });

  it('403 on upload names Feeds_AddPackage and Feeds_OverwritePackage', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'pg-'));
    const file = join(dir, 'a.upack');
    await writeFile(file, 'PK');
    nock(BASE)
      .put('/upack/feed/upload')
      .reply(403, 'The specified API key does not have the proper permissions to perform this action.');
    const error = await rejection(client().universal.upload('feed', file));
    expect(error.kind).toBe('forbidden');
    expect(error.hint).toContain('Feeds_AddPackage');
    expect(error.hint).toContain('Feeds_OverwritePackage');
    expect(error.serverText).toContain('does not have the proper permissions');
  });

  it('403 on promote names Feeds_AcceptPackagePromotions on the target feed', async () => {
    nock(BASE).post('/api/promotions/promote').reply(403, '');
    const error = await rejection(client().promotions.promote(promote));
    expect(error.kind).toBe('forbidden');
    expect(error.hint).toContain('Feeds_AcceptPackagePromotions');
    expect(error.hint).toContain('"approved"');
  });

  it('403 on a deployment record names Feeds_DownloadPackage', async () => {
    nock(BASE).post('/api/package-deployment/').reply(403, '');
    const error = await rejection(
      client().deployments.record({
        feed: 'DefaultNuGet',
        name: 'Newtonsoft.Json',
        version: '12.0.3',
        application: 'ProfitCalc',
        description: 'Deployed by Custom Release Server',
        target: 'localhost',
      }),
    );
    expect(error.hint).toContain('Feeds_DownloadPackage');
  });

  it('403 on connector health names Feeds_Manage', async () => {
    nock(BASE).get('/api/connector-health').reply(403, '');
    const error = await rejection(client().health.connectors());
    expect(error.hint).toContain('Feeds_Manage');
  });

  it('404 on /api/promotions or /api/packages says ProGet 2023+', async () => {
    nock(BASE).get('/api/promotions/list').reply(404, 'Not Found');
    nock(BASE).get('/api/packages/feed/latest').reply(404, 'Not Found');
    expect((await rejection(client().promotions.list())).hint).toMatch(/ProGet 2023 or later/);
    const e2 = await rejection(client().packages.latest('feed'));
    expect(e2.kind).toBe('not-found');
    expect(e2.hint).toMatch(/ProGet 2023 or later/);
  });

  it('404 on a single connector says connector health was removed in 2024', async () => {
    nock(BASE).get('/api/connector-health/3').reply(404, '');
    const error = await rejection(client().health.connector(3));
    expect(error.kind).toBe('not-found');
    expect(error.hint).toMatch(/removed in ProGet 2024/);
  });

  it('413 explains the request body limit', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'pg-'));
    const file = join(dir, 'a.upack');
    await writeFile(file, Buffer.alloc(1000));
    nock(BASE).put('/api/packages/feed/upload').reply(413, 'Request Entity Too Large');
    const error = await rejection(client().packages.upload('feed', file));
    expect(error.kind).toBe('too-large');
    expect(error.hint).toContain('maxAllowedContentLength');
  });

  it('a refused promote on ProGet Free is edition-required', async () => {
    nock(BASE)
      .post('/api/promotions/promote')
      .reply(403, 'Forbidden', { 'x-proget-edition': 'Free', 'x-proget-version': '24.0.3' });
    const c = client();
    const error = await rejection(c.promotions.promote(promote));
    expect(error.kind).toBe('edition-required');
    expect(error.message).toMatch(/promotion through the API needs a paid edition/i);
    expect(c.serverInfo).toEqual({ version: '24.0.3', edition: 'Free' });
  });

  it('a refused promote on a paid edition stays forbidden', async () => {
    nock(BASE).post('/api/promotions/promote').reply(403, 'Forbidden', { 'x-proget-edition': 'Basic' });
    expect((await rejection(client().promotions.promote(promote))).kind).toBe('forbidden');
  });

  it('maps 400, 409, 500 and 501', async () => {
    nock(BASE).get('/upack/f/packages').reply(400, 'Invalid group');
    nock(BASE).get('/upack/f/packages').reply(409, 'exists');
    nock(BASE).get('/upack/f/packages').reply(500, 'boom');
    nock(BASE).get('/upack/f/packages').reply(501, 'nope');
    const kinds = [];
    for (let i = 0; i < 4; i++) kinds.push((await rejection(client().universal.listPackages('f'))).kind);
    expect(kinds).toEqual(['bad-request', 'conflict', 'server', 'not-supported']);
  });

  it('checks the status before the content type: an HTML 500 page becomes readable server text', async () => {
    nock(BASE)
      .get('/upack/f/meta')
      .reply(
        500,
        '<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in / Application.</h1></body></html>',
        {
          'content-type': 'text/html',
        },
      );
    const error = await rejection(client().universal.meta('f'));
    expect(error.kind).toBe('server');
    expect(error.serverText).toContain('Runtime Error');
    expect(error.serverText).not.toContain('<h1>');
  });
});

describe('secrets never reach messages', () => {
  it('scrubs the API key from server text, and redacts key= in URLs', async () => {
    nock(BASE)
      .get('/upack/feed/packages')
      .query(true)
      .reply(400, `Bad key ${KEY} for ${BASE}/upack/feed/packages?key=${KEY}`);
    const error = await rejection(client().universal.listPackages('feed', { group: 'g' }));
    expect(error.message).not.toContain(KEY);
    expect(String(error.serverText)).not.toContain(KEY);
    expect(error.message).toContain('***');
  });

  it('never puts the key in the query string', async () => {
    const scope = nock(BASE, { reqheaders: { 'x-apikey': KEY } })
      .get('/upack/feed/packages')
      .query((q) => !Object.keys(q).some((k) => /key/i.test(k)))
      .reply(200, []);
    await client().universal.listPackages('feed');
    expect(scope.isDone()).toBe(true);
  });

  it('scrubs user:password and the Basic token, and hides userinfo in the base URL', async () => {
    nock('https://proget.test')
      .get('/upack/feed/meta')
      .reply(
        500,
        `auth was admin:pa55word-xyz (${Buffer.from('admin:pa55word-xyz').toString('base64')}) pass=pa55word-xyz`,
      );
    const c = new ProGetClient({ url: 'https://admin:pa55word-xyz@proget.test', retries: 0 });
    const error = await rejection(c.universal.meta('feed'));
    const everything = `${error.message}\n${error.serverText}\n${error.url}\n${c.baseUrl}`;
    expect(everything).not.toContain('pa55word-xyz');
    expect(everything).not.toContain(Buffer.from('admin:pa55word-xyz').toString('base64'));
  });

  it('credentials from the URL userinfo are sent as headers', async () => {
    const scope = nock('https://proget.test', {
      reqheaders: {
        'x-apikey': 'admin:pa55',
        authorization: `Basic ${Buffer.from('admin:pa55').toString('base64')}`,
      },
    })
      .get('/upack/feed/meta')
      .reply(200, { services: [] });
    await new ProGetClient({ url: 'https://admin:pa55@proget.test' }).universal.meta('feed');
    expect(scope.isDone()).toBe(true);
  });
});

describe('invalid responses', () => {
  it('HTML where JSON was expected (a login page) is invalid-response', async () => {
    nock(BASE)
      .get('/upack/f/packages')
      .reply(200, '<html><body>Log in</body></html>', { 'content-type': 'text/html' });
    const error = await rejection(client().universal.listPackages('f'));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('HTML');
  });

  it('malformed JSON is invalid-response with an excerpt', async () => {
    // The doc page's own example misses a comma: not valid JSON.
    nock(BASE)
      .get('/api/connector-health/3')
      .reply(
        200,
        '{ "id": 3, "state": "unhealthy", "erroMessage": "Connection timed out." "lastChecked": null }',
        {
          'content-type': 'application/json',
        },
      );
    const error = await rejection(client().health.connector(3));
    expect(isProGetError(error, 'invalid-response')).toBe(true);
    expect(error.message).toContain('not valid JSON');
  });

  it('a JSON body beyond maxJsonBytes fails clearly with bounded memory', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no Content-Length: chunked
      res.write('[');
      let i = 0;
      const pump = () => {
        while (i < 10_000) {
          i++;
          if (!res.write(`${JSON.stringify({ name: 'x'.repeat(100) })},`)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end('{}]');
      };
      pump();
    });
    try {
      const c = new ProGetClient({ url: server.url, retries: 0, maxJsonBytes: 64 * 1024 });
      const error = await rejection(c.universal.listPackages('f'));
      expect(error.kind).toBe('invalid-response');
      expect(error.message).toContain('65536-byte limit');
    } finally {
      await server.close();
    }
  });

  it('a declared Content-Length beyond maxJsonBytes is refused before reading', async () => {
    nock(BASE)
      .get('/upack/f/packages')
      .reply(200, `[${'1,'.repeat(1000)}1]`, { 'content-type': 'application/json' });
    const error = await rejection(client({ maxJsonBytes: 100 }).universal.listPackages('f'));
    expect(error.message).toMatch(/larger than the 100-byte limit/);
  });

  it('error text is bounded', async () => {
    nock(BASE).get('/upack/f/meta').reply(400, 'x'.repeat(200_000));
    const error = await rejection(client().universal.meta('f'));
    expect(error.message.length).toBeLessThan(2000);
    expect(String(error.serverText).length).toBeLessThan(1000);
  });
});

describe('client options', () => {
  it('rejects a relative URL', () => {
    expect(() => new ProGetClient({ url: 'proget.example.com' })).toThrow(/absolute URL/);
  });

  it('rejects a username without a password', () => {
    expect(() => new ProGetClient({ url: BASE, username: 'admin' })).toThrow(/both username and password/);
  });

  it('rejects a negative timeout', () => {
    expect(() => new ProGetClient({ url: BASE, timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it('keeps a path prefix and drops a trailing slash', async () => {
    const scope = nock(BASE).get('/proget/upack/f/meta').reply(200, { services: [] });
    const c = new ProGetClient({ url: `${BASE}/proget/` });
    expect(c.baseUrl).toBe(`${BASE}/proget`);
    await c.universal.meta('f');
    expect(scope.isDone()).toBe(true);
  });

  it('sends User-Agent proget-ci/<version> by default', async () => {
    const scope = nock(BASE, { reqheaders: { 'user-agent': /^proget-ci\/\d+\.\d+\.\d+/ } })
      .get('/upack/f/meta')
      .reply(200, { services: [] });
    await client().universal.meta('f');
    expect(scope.isDone()).toBe(true);
  });
});

describe('shape errors', () => {
  it('a JSON value of the wrong shape names the operation and the URL', async () => {
    nock(BASE).get('/upack/f/packages').reply(200, '"just a string"', { 'content-type': 'application/json' });
    const error = await rejection(client().universal.listPackages('f'));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain(
      'Could not list packages in feed "f": Expected the package list as a JSON array',
    );
    expect(error.url).toBe(`${BASE}/upack/f/packages`);
    expect(error.status).toBe(200);
  });
});

describe('ProGet Free limits', () => {
  it('a 429 on delete from a Free server explains the hourly delete limit and is not retried', async () => {
    const scope = nock(BASE)
      // An ungrouped delete first checks for a grouped twin (ProGet 2023 ignores a missing group).
      .get('/upack/f/versions?name=p')
      .reply(200, [], { 'x-proget-edition': 'Free' })
      .post('/upack/f/delete/p/1.0.0')
      .reply(429, 'Too many deletes', { 'x-proget-edition': 'Free', 'retry-after': '1' });
    const error = await rejection(
      new ProGetClient({ url: BASE, apiKey: KEY, retries: 3, retryBaseDelayMs: 1 }).universal.delete('f', {
        name: 'p',
        version: '1.0.0',
      }),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.hint).toContain('10 per hour');
    expect(error.attempts).toBe(1);
  });
});
