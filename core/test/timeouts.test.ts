import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';
import { json, rejection, startServer, type TestServer, tempDir } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('timeouts', () => {
  it('timeoutMs bounds a call and is named in the error', async () => {
    server = await startServer(() => {
      // never answers
    });
    const client = new ProGetClient({ url: server.url, timeoutMs: 150, retries: 0 });
    const started = Date.now();
    const error = await rejection(client.universal.meta('f'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('150 ms (timeoutMs)');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a timed-out GET is retried', async () => {
    let hits = 0;
    server = await startServer((_req, res) => {
      hits++;
      if (hits > 1) json(res, 200, { services: [] });
    });
    const client = new ProGetClient({ url: server.url, timeoutMs: 150, retries: 1, retryBaseDelayMs: 1 });
    await client.universal.meta('f');
    expect(hits).toBe(2);
  });

  it('overallTimeoutMs bounds all attempts together; the last real failure is reported', async () => {
    server = await startServer((_req, res) => res.writeHead(503).end());
    const client = new ProGetClient({
      url: server.url,
      overallTimeoutMs: 300,
      retries: 1000,
      retryBaseDelayMs: 20,
      retryMaxDelayMs: 20,
    });
    const started = Date.now();
    const error = await rejection(client.universal.meta('f'));
    // A retry whose wait would end past the deadline is not started (the answer is then the 503); a deadline
    // that falls inside an attempt stops it as a timeout naming overallTimeoutMs.
    if (error.kind === 'server') {
      expect(error.status).toBe(503);
      expect(error.attempts).toBe(server.requests.length);
    } else {
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('300 ms in total (overallTimeoutMs)');
    }
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.requests.length).toBeGreaterThan(3);
    expect(server.requests.length).toBeLessThan(100);
  });

  it('overallTimeoutMs cuts a single hanging attempt short', async () => {
    server = await startServer(() => {});
    const client = new ProGetClient({ url: server.url, timeoutMs: 10_000, overallTimeoutMs: 200 });
    const error = await rejection(client.universal.meta('f'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('200 ms in total (overallTimeoutMs)');
  });

  it('transferTimeoutMs is an idle timeout for downloads, named in the error', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '1000' });
      res.write(Buffer.alloc(100)); // then stalls
    });
    const dir = await tempDir();
    try {
      const client = new ProGetClient({ url: server.url, transferTimeoutMs: 200, timeoutMs: 50, retries: 0 });
      const error = await rejection(
        client.universal.download('f', { name: 'p', version: '1.0.0' }, `${dir.path}/p.upack`),
      );
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('200 ms (transferTimeoutMs)');
      expect(await dir.files()).toEqual([]);
    } finally {
      await dir.remove();
    }
  });

  it('a slow but steady download outlives timeoutMs (transfers use the idle timeout)', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '500' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(Buffer.alloc(100));
        sent += 100;
        if (sent >= 500) {
          clearInterval(timer);
          res.end();
        }
      }, 60);
    });
    const dir = await tempDir();
    try {
      const client = new ProGetClient({
        url: server.url,
        timeoutMs: 100,
        transferTimeoutMs: 1000,
        retries: 0,
      });
      const result = await client.universal.download(
        'f',
        { name: 'p', version: '1.0.0' },
        `${dir.path}/p.upack`,
      );
      expect(result.size).toBe(500);
    } finally {
      await dir.remove();
    }
  });
});

describe('cancellation', () => {
  it('a per-call signal aborts the request', async () => {
    server = await startServer(() => {});
    const client = new ProGetClient({ url: server.url, retries: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(client.universal.meta('f', { signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('the client signal aborts every call, including a retry wait', async () => {
    server = await startServer((_req, res) => res.writeHead(503).end());
    const controller = new AbortController();
    const client = new ProGetClient({
      url: server.url,
      retries: 5,
      retryBaseDelayMs: 10_000,
      retryMaxDelayMs: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await rejection(client.universal.meta('f'));
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an already-aborted signal sends nothing', async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const client = new ProGetClient({ url: server.url });
    const error = await rejection(client.universal.meta('f', { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });

  it('aborting mid-download leaves no file behind', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': '100000' });
      res.write(Buffer.alloc(1000));
    });
    const dir = await tempDir();
    try {
      const client = new ProGetClient({ url: server.url });
      const controller = new AbortController();
      const promise = client.universal.download('f', { name: 'p', version: '1.0.0' }, `${dir.path}/p.upack`, {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      const error = await rejection(promise);
      expect(error.kind).toBe('aborted');
      expect(await dir.files()).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
