import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { captureLogger, json, rejection, startServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  nock.cleanAll();
});

describe('redirects', () => {
  it('follows a same-origin redirect and keeps the credentials', async () => {
    const server = await startServer((req, res) => {
      if (req.url!.startsWith('/old/')) {
        res.writeHead(301, { location: req.url!.replace('/old/', '/new/') });
        res.end();
      } else json(res, 200, { apiVersion: '1.3.0', services: [] });
    });
    servers.push(server);
    const client = new ProGetClient({ url: `${server.url}/old`, apiKey: 'the-key' });
    const meta = await client.universal.meta('feed');
    expect(meta.apiVersion).toBe('1.3.0');
    expect(server.requests.map((r) => r.url)).toEqual(['/old/upack/feed/meta', '/new/upack/feed/meta']);
    expect(server.requests[1]!.headers['x-apikey']).toBe('the-key');
  });

  it('follows a redirect to another origin WITHOUT X-ApiKey or Authorization', async () => {
    const other = await startServer((_req, res) => json(res, 200, { apiVersion: '1.3.0', services: [] }));
    const origin = await startServer((req, res) => {
      res.writeHead(302, { location: `${other.url}/cdn${req.url}` });
      res.end();
    });
    servers.push(other, origin);
    const logger = captureLogger();
    const client = new ProGetClient({ url: origin.url, username: 'admin', password: 'hunter22', logger });
    await client.universal.meta('feed');
    expect(origin.requests[0]!.headers['x-apikey']).toBe('admin:hunter22');
    expect(origin.requests[0]!.headers.authorization).toMatch(/^Basic /);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.headers['x-apikey']).toBeUndefined();
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(logger.debugs.some((m) => m.includes('without credentials'))).toBe(true);
    expect(logger.debugs.join('\n')).not.toContain('hunter22');
  });

  it('refuses to send a POST body to another origin', async () => {
    const other = await startServer((_req, res) => json(res, 200, {}));
    const origin = await startServer((_req, res) => {
      res.writeHead(307, { location: `${other.url}/api/promotions/promote` });
      res.end();
    });
    servers.push(other, origin);
    const client = new ProGetClient({ url: origin.url, apiKey: 'k' });
    const error = await rejection(
      client.promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: '1.0.0' }),
    );
    expect(error.message).toContain('refused to follow a redirect');
    expect(other.requests).toHaveLength(0);
  });

  it('replays the body on a same-origin 307', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/api/promotions/promote') {
        res.writeHead(307, { location: '/proget/api/promotions/promote' });
        res.end();
      } else res.end();
    });
    servers.push(server);
    const client = new ProGetClient({ url: server.url, apiKey: 'k' });
    await client.promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: '1.0.0' });
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(server.requests[1]!.body.toString())).toMatchObject({ name: 'p' });
  });

  it('gives up after maxRedirects', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(302, { location: `${req.url}x` });
      res.end();
    });
    servers.push(server);
    const client = new ProGetClient({ url: server.url, maxRedirects: 3 });
    const error = await rejection(client.universal.meta('feed'));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('more than 3 redirects');
    expect(server.requests).toHaveLength(4);
  });

  it('refuses a redirect from https to http', async () => {
    nock('https://proget.test')
      .get('/upack/feed/meta')
      .reply(301, '', { location: 'http://proget.test/upack/feed/meta' });
    const plain = nock('http://proget.test').get('/upack/feed/meta').reply(200, {});
    const client = new ProGetClient({ url: 'https://proget.test', apiKey: 'k' });
    const error = await rejection(client.universal.meta('feed'));
    expect(error.message).toContain('from https to http');
    expect(plain.isDone()).toBe(false);
  });
});
