import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient, ProGetError } from '../src/index.js';
import { captureLogger, json, rejection, startServer, type TestServer, text } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FEEDS = [{ name: 'approved', feedType: 'universal', active: true }];

describe('retries', () => {
  it('retries a GET on 502/503/504 with backoff, then succeeds; each attempt is logged without secrets', async () => {
    const statuses = [502, 503, 504];
    server = await startServer((_req, res) => {
      const status = statuses.shift();
      if (status) text(res, status, 'busy');
      else json(res, 200, FEEDS);
    });
    const logger = captureLogger();
    const client = new ProGetClient({
      url: server.url,
      apiKey: 'sekrit-key-1',
      retries: 3,
      retryBaseDelayMs: 5,
      logger,
    });
    const feeds = await client.feeds.list();
    expect(feeds.map((f) => f.name)).toEqual(['approved']);
    expect(server.requests).toHaveLength(4);
    expect(logger.debugs.filter((m) => /retrying in \d+ ms \(attempt \d\/4\)/.test(m))).toHaveLength(3);
    expect(logger.debugs.some((m) => m.includes('attempt 4/4'))).toBe(true);
    expect(logger.debugs.join('\n')).not.toContain('sekrit-key-1');
  });

  it('stops after `retries` extra attempts and reports the last status with the attempt count', async () => {
    server = await startServer((_req, res) => text(res, 503, 'Service Unavailable'));
    const client = new ProGetClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    const error = await rejection(client.feeds.list());
    expect(error).toBeInstanceOf(ProGetError);
    expect(error.kind).toBe('server');
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('uses full-jitter exponential backoff bounded by base·2^n and retryMaxDelayMs', async () => {
    server = await startServer((_req, res) => text(res, 502, 'bad gateway'));
    const logger = captureLogger();
    const client = new ProGetClient({
      url: server.url,
      retries: 4,
      retryBaseDelayMs: 8,
      retryMaxDelayMs: 20,
      logger,
    });
    await rejection(client.feeds.list());
    const delays = logger.debugs
      .map((m) => /retrying in (\d+) ms/.exec(m)?.[1])
      .filter((d): d is string => d !== undefined)
      .map(Number);
    expect(delays).toHaveLength(4);
    // ceilings 8, 16, 20 (capped), 20 (capped)
    [8, 16, 20, 20].forEach((ceiling, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(0);
      expect(delays[i]).toBeLessThanOrEqual(ceiling);
    });
  });

  it('does not retry when retries is 0', async () => {
    server = await startServer((_req, res) => text(res, 503, 'busy'));
    const client = new ProGetClient({ url: server.url, retries: 0 });
    await rejection(client.feeds.list());
    expect(server.requests).toHaveLength(1);
  });

  it('honours Retry-After in seconds', async () => {
    let first = true;
    server = await startServer((_req, res) => {
      if (first) {
        first = false;
        text(res, 429, 'slow down', { 'retry-after': '1' });
      } else json(res, 200, FEEDS);
    });
    const logger = captureLogger();
    const client = new ProGetClient({ url: server.url, retries: 1, retryBaseDelayMs: 1, logger });
    const started = Date.now();
    await client.feeds.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(logger.debugs.some((m) => m.includes('retrying in 1000 ms'))).toBe(true);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    let first = true;
    server = await startServer((_req, res) => {
      if (first) {
        first = false;
        text(res, 503, 'maintenance', { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
      } else json(res, 200, FEEDS);
    });
    const logger = captureLogger();
    const client = new ProGetClient({ url: server.url, retries: 1, retryBaseDelayMs: 1, logger });
    const started = Date.now();
    await client.feeds.list();
    // HTTP-dates have whole seconds, so the wait is between 1 and 2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const delay = Number(/retrying in (\d+) ms/.exec(logger.debugs.join('\n'))?.[1]);
    expect(delay).toBeGreaterThan(900);
    expect(delay).toBeLessThanOrEqual(2000);
  });

  it('caps a long Retry-After at retryMaxDelayMs', async () => {
    let first = true;
    server = await startServer((_req, res) => {
      if (first) {
        first = false;
        text(res, 429, 'slow down', { 'retry-after': '3600' });
      } else json(res, 200, FEEDS);
    });
    const logger = captureLogger();
    const client = new ProGetClient({ url: server.url, retries: 1, retryMaxDelayMs: 30, logger });
    const started = Date.now();
    await client.feeds.list();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(logger.debugs.some((m) => m.includes('retrying in 30 ms'))).toBe(true);
  });

  it('never retries a POST whose body was sent, even on 503', async () => {
    server = await startServer((_req, res) => text(res, 503, 'busy'));
    const client = new ProGetClient({ url: server.url, apiKey: 'k', retries: 3, retryBaseDelayMs: 1 });
    const error = await rejection(
      client.deployments.record({
        feed: 'f',
        name: 'app',
        version: '1.0.0',
        application: 'ci',
        description: 'deployed',
        target: 'prod',
      }),
    );
    expect(error.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('never retries a POST after the connection was reset mid-request', async () => {
    let hits = 0;
    server = await startServer((req) => {
      hits++;
      req.socket.destroy();
    });
    const client = new ProGetClient({ url: server.url, retries: 3, retryBaseDelayMs: 1 });
    const error = await rejection(
      client.promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: '1.0.0' }),
    );
    expect(error.kind).toBe('network');
    expect(hits).toBe(1);
  });

  it('does retry a GET after a connection reset', async () => {
    let hits = 0;
    server = await startServer((req, res) => {
      hits++;
      if (hits === 1) req.socket.destroy();
      else json(res, 200, FEEDS);
    });
    const client = new ProGetClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    expect(await client.feeds.list()).toHaveLength(1);
    expect(hits).toBe(2);
  });

  it('retries a POST when the connection was refused (nothing was sent)', async () => {
    // Find a free port, leave it closed for the first attempt, then start listening on it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const received: string[] = [];
    const late = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    const logger = captureLogger();
    logger.debug = (m: string) => {
      logger.debugs.push(m);
      if (m.includes('retrying') && !late.listening) late.listen(port, '127.0.0.1');
    };
    const client = new ProGetClient({
      url: `http://127.0.0.1:${port}`,
      retries: 3,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 200,
      logger,
    });
    try {
      await client.promotions.promote({ fromFeed: 'a', toFeed: 'b', name: 'p', version: '1.0.0' });
    } finally {
      await new Promise<void>((r) => late.close(() => r()));
    }
    expect(logger.debugs.some((m) => m.includes('ECONNREFUSED'))).toBe(true);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toMatchObject({
      fromFeed: 'a',
      toFeed: 'b',
      name: 'p',
      version: '1.0.0',
    });
  });

  it('does not retry 4xx answers other than 408/429', async () => {
    server = await startServer((_req, res) => text(res, 400, 'bad'));
    const client = new ProGetClient({ url: server.url, retries: 3, retryBaseDelayMs: 1 });
    const error = await rejection(client.universal.listPackages('f'));
    expect(error.kind).toBe('bad-request');
    expect(server.requests).toHaveLength(1);
  });

  it('retries 408', async () => {
    let first = true;
    server = await startServer((_req, res) => {
      if (first) {
        first = false;
        text(res, 408, 'timeout');
      } else json(res, 200, []);
    });
    const client = new ProGetClient({ url: server.url, retries: 1, retryBaseDelayMs: 1 });
    expect(await client.universal.listPackages('f')).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });
});
