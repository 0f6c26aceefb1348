// Fault injection: each FaultRule type, `times`/`after`, method and regex matching, and the control endpoint.

import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from './index.js';
import { PUBLISH, raw, upack, VIEW } from './testing.js';

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  bytes: number;
  error?: string;
}

/** A request that reports how far it got instead of failing. */
function attempt(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body?: Buffer,
): Promise<Outcome> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const out: Outcome = { bytes: 0 };
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        out.status = res.statusCode;
        out.headers = res.headers;
        res.on('data', (c: Buffer) => {
          out.bytes += c.length;
        });
        res.on('end', () => resolve(out));
        res.on('error', (e) => resolve({ ...out, error: e.message }));
        res.on('aborted', () => resolve({ ...out, error: 'aborted' }));
      },
    );
    req.on('error', (e) => resolve({ ...out, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

const DOWNLOAD = '/upack/dev-feed/download/hdars/1.3.9';

describe('fault injection', () => {
  let sim: SimulatorHandle;
  let size: number;
  beforeEach(async () => {
    sim = await startSimulator({ seed: 'demo' });
    size = (await raw(sim.url, 'GET', DOWNLOAD, { headers: VIEW })).body.length;
  });
  afterEach(() => sim.close());

  it('latency delays the response', async () => {
    sim.setFaults([{ path: '/upack/', fault: { type: 'latency', ms: 300 } }]);
    const t = performance.now();
    const r = await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: VIEW });
    expect(r.status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('status: N failures with 503, then normal service', async () => {
    sim.setFaults([{ path: '/upack/dev-feed/packages', times: 2, fault: { type: 'status', status: 503 } }]);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: VIEW })).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it('status 429 carries Retry-After; custom body and content type', async () => {
    sim.setFaults([
      { path: '/api/', times: 1, fault: { type: 'status', status: 429, retryAfterSeconds: 7 } },
      {
        path: '/health',
        times: 1,
        fault: { type: 'status', status: 500, body: '<html>IIS error</html>', contentType: 'text/html' },
      },
    ]);
    const r = await raw(sim.url, 'GET', '/api/packages/dev-feed', { headers: VIEW });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['x-proget-version']).toBe('24.0.39.3');
    const h = await raw(sim.url, 'GET', '/health');
    expect(h.status).toBe(500);
    expect(h.headers['content-type']).toBe('text/html');
    expect(h.text).toBe('<html>IIS error</html>');
  });

  it('after skips the first matches; method and ^regex paths filter', async () => {
    sim.setFaults([
      {
        path: '^/upack/[^/]+/versions$',
        method: 'GET',
        after: 1,
        times: 1,
        fault: { type: 'status', status: 502 },
      },
    ]);
    const get = () => raw(sim.url, 'GET', '/upack/dev-feed/versions?name=hdars', { headers: VIEW });
    expect((await get()).status).toBe(200);
    expect(
      (await raw(sim.url, 'HEAD', '/upack/dev-feed/versions?name=hdars', { headers: VIEW })).status,
    ).toBe(200);
    expect((await get()).status).toBe(502);
    expect((await get()).status).toBe(200);
    expect((await raw(sim.url, 'GET', '/upack/dev-feed/packages', { headers: VIEW })).status).toBe(200);
  });

  it('reset sends headers and part of the body, then destroys the connection', async () => {
    sim.setFaults([{ path: DOWNLOAD, times: 1, fault: { type: 'reset' } }]);
    const o = await attempt(sim.url, 'GET', DOWNLOAD, VIEW);
    expect(o.status).toBe(200);
    expect(Number(o.headers!['content-length'])).toBe(size);
    expect(o.bytes).toBeLessThan(size);
    expect(o.error).toBeDefined();
    const ok = await attempt(sim.url, 'GET', DOWNLOAD, VIEW);
    expect([ok.bytes, ok.error]).toEqual([size, undefined]);
  });

  it('truncate announces the full Content-Length but sends fewer bytes', async () => {
    sim.setFaults([{ path: DOWNLOAD, times: 1, fault: { type: 'truncate', bytes: 100 } }]);
    const o = await attempt(sim.url, 'GET', DOWNLOAD, VIEW);
    expect(Number(o.headers!['content-length'])).toBe(size);
    expect(o.bytes).toBe(100);
    expect(o.error).toBeDefined();
  });

  it('slow-body trickles the body at the given rate', async () => {
    const bytesPerSecond = Math.ceil(size / 0.6);
    sim.setFaults([{ path: DOWNLOAD, fault: { type: 'slow-body', bytesPerSecond } }]);
    const t = performance.now();
    const r = await raw(sim.url, 'GET', DOWNLOAD, { headers: VIEW });
    const elapsed = performance.now() - t;
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(size);
    // The whole body at `bytesPerSecond` takes about 600 ms (10 steps a second).
    expect(elapsed).toBeGreaterThanOrEqual(500);
  });

  it('request-limit: 413 for a declared or streamed body over the limit, nothing stored; smaller bodies pass', async () => {
    sim.setFaults([
      { path: '/upack/dev-feed/upload', method: 'PUT', fault: { type: 'request-limit', maxBytes: 4000 } },
    ]);
    const big = await upack(
      { name: 'toobig', version: '1.0.0' },
      { 'a.bin': randomBytes(20_000).toString('base64') },
    );
    const declared = await attempt(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload',
      { ...PUBLISH, 'Content-Type': 'application/zip' },
      big,
    );
    expect(declared.status).toBe(413);
    const chunked = await attempt(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload',
      { ...PUBLISH, 'Content-Type': 'application/zip', 'Transfer-Encoding': 'chunked' },
      big,
    );
    expect(chunked.status).toBe(413);
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=toobig', { headers: VIEW })).status,
    ).toBe(404);
    const small = await upack({ name: 'small', version: '1.0.0' });
    const ok = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body: small,
    });
    expect(ok.status).toBe(201);
  });

  it('reset-request drops the connection while the client sends the body; nothing is stored', async () => {
    sim.setFaults([{ path: '/upack/dev-feed/upload', times: 1, fault: { type: 'reset-request' } }]);
    const body = await upack({ name: 'dropped', version: '1.0.0' });
    const o = await attempt(
      sim.url,
      'PUT',
      '/upack/dev-feed/upload',
      { ...PUBLISH, 'Content-Type': 'application/zip' },
      body,
    );
    expect(o.status).toBeUndefined();
    expect(o.error).toBeDefined();
    expect(
      (await raw(sim.url, 'GET', '/upack/dev-feed/packages?name=dropped', { headers: VIEW })).status,
    ).toBe(404);
    const again = await raw(sim.url, 'PUT', '/upack/dev-feed/upload', {
      headers: { ...PUBLISH, 'Content-Type': 'application/zip' },
      body,
    });
    expect(again.status).toBe(201);
  });

  it('POST /__sim/faults sets rules from JSON (array or {rules}); bad rules are a 400; [] clears', async () => {
    const set = (body: unknown) =>
      raw(sim.url, 'POST', '/__sim/faults', {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await set([{ path: '/health', fault: { type: 'status', status: 503 } }])).status).toBe(204);
    expect((await raw(sim.url, 'GET', '/health')).status).toBe(503);
    expect((await set({ rules: [] })).status).toBe(204);
    expect((await raw(sim.url, 'GET', '/health')).status).toBe(200);
    expect((await set([{ path: '/x', fault: { type: 'explode' } }])).status).toBe(400);
    expect((await set([{ fault: { type: 'reset' } }])).status).toBe(400);
  });

  it('faults given at start apply, and the control endpoints are never faulted', async () => {
    const faulty = await startSimulator({ faults: [{ path: '/', fault: { type: 'status', status: 503 } }] });
    try {
      expect((await raw(faulty.url, 'GET', '/health')).status).toBe(503);
      expect((await raw(faulty.url, 'GET', '/__sim/state')).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});
