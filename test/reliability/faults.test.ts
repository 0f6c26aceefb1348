// Faults injected by the simulator: retries that succeed, Retry-After, cut-off downloads, slow servers,
// body limits and an upload interrupted mid-body. Client-level cases use the real ProGetClient; the ones a
// workflow author would see are run through the real publish bundle as the runner does.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPackage, ProGetClient, type ProGetError } from '@proget-ci/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../sim/index.js';
import {
  ADMIN_KEY,
  bundlesReady,
  contentDir,
  FEED,
  PUBLISH_KEY,
  run,
  type Scratch,
  scratch,
  sha1File,
  startRelSim,
} from './helpers.js';

let sim: SimulatorHandle;
let dir: Scratch;
let pkgSha1: string;
const PKG = { name: 'faulty', version: '1.0.0' };

beforeAll(async () => {
  await bundlesReady();
  dir = await scratch('faults');
  sim = await startRelSim();
  const src = await contentDir(dir.path, 'faulty-src', 'seed');
  const built = await buildPackage({
    sourceDir: src,
    manifest: { ...PKG },
    outFile: join(dir.path, 'faulty.upack'),
  });
  pkgSha1 = built.sha1;
  await new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY }).universal.upload(FEED, built.path);
});

afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

let mark = 0;
beforeEach(() => {
  mark = sim.requests().length;
});
afterEach(() => sim.setFaults([]));

/** Requests the simulator received since this test began. */
const requests = () => sim.requests().slice(mark);

function client(extra: Partial<ConstructorParameters<typeof ProGetClient>[0]> = {}) {
  const debug: string[] = [];
  const warn: string[] = [];
  const c = new ProGetClient({
    url: sim.url,
    apiKey: ADMIN_KEY,
    retryBaseDelayMs: 20,
    logger: { debug: (m) => debug.push(m), warn: (m) => warn.push(m) },
    ...extra,
  });
  return { client: c, debug, warn };
}

const CUT_SHORT = (base: string) =>
  `Could not download faulty 1.0.0 from feed "rel-feed": the connection closed before the response was complete (ECONNRESET) (GET ${base}/upack/rel-feed/download/faulty/1.0.0)\nHint: The connection was reset: a proxy, load balancer or the server closed it early.`;

async function caught(p: Promise<unknown>): Promise<ProGetError> {
  try {
    await p;
  } catch (e) {
    return e as ProGetError;
  }
  throw new Error('expected the call to fail');
}

describe('retries', () => {
  it('503 twice then success: the call succeeds and the debug log shows three attempts', async () => {
    sim.setFaults([
      { method: 'GET', path: `/upack/${FEED}/packages`, times: 2, fault: { type: 'status', status: 503 } },
    ]);
    const { client: c, debug } = client();
    const list = await c.universal.listPackages(FEED);
    expect(list.map((p) => p.name)).toEqual(['faulty']);
    const gets = requests().filter((r) => r.url.startsWith(`/upack/${FEED}/packages`));
    expect(gets.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(debug.filter((l) => /HTTP 503; retrying in \d+ ms \(attempt [23]\/4\)/.test(l))).toHaveLength(2);
    expect(debug.some((l) => / → 200 \(attempt 3\/4,/.test(l))).toBe(true);
  });

  it('503 twice then success through the publish bundle: attempts are visible in the debug log', async () => {
    const ws = await scratch('retry-ws');
    try {
      await contentDir(ws.path, 'app', 'retry');
      sim.setFaults([
        { method: 'GET', path: `/upack/${FEED}/versions`, times: 2, fault: { type: 'status', status: 503 } },
      ]);
      const r = await run('publish', {
        workspace: ws.path,
        inputs: {
          server: sim.url,
          'api-key': PUBLISH_KEY,
          feed: FEED,
          path: 'app',
          name: 'retried',
          version: '1.0.0',
        },
        env: { ACTIONS_STEP_DEBUG: 'true' },
      });
      expect(r.errors).toEqual([]);
      expect(r.exitCode).toBe(0);
      const debugLines = r.commands.filter((c) => c.command === 'debug').map((c) => c.message);
      expect(
        debugLines.filter((l) => /HTTP 503; retrying in \d+ ms \(attempt [23]\/4\)/.test(l)),
      ).toHaveLength(2);
      expect(debugLines.some((l) => /versions.* → 404 \(attempt 3\/4,/.test(l))).toBe(true);
      expect(r.outputs.sha1).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await ws.remove();
    }
  });

  it('429 with Retry-After: the client waits as long as the server asked', async () => {
    sim.setFaults([
      {
        method: 'GET',
        path: `/upack/${FEED}/packages`,
        times: 1,
        fault: { type: 'status', status: 429, retryAfterSeconds: 1 },
      },
    ]);
    const { client: c, debug } = client();
    const started = Date.now();
    await c.universal.listPackages(FEED);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000);
    expect(debug.some((l) => l.includes('HTTP 429; retrying in 1000 ms (attempt 2/4)'))).toBe(true);
    const times = requests()
      .filter((r) => r.url.startsWith(`/upack/${FEED}/packages`))
      .map((r) => Date.parse(r.at));
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('429 after the retries run out: the rate-limit hint', async () => {
    sim.setFaults([
      {
        method: 'GET',
        path: `/upack/${FEED}/packages`,
        fault: { type: 'status', status: 429, retryAfterSeconds: 0 },
      },
    ]);
    const { client: c } = client({ retries: 1 });
    const e = await caught(c.universal.listPackages(FEED));
    expect(e.kind).toBe('bad-request');
    expect(e.status).toBe(429);
    expect(e.attempts).toBe(2);
    expect(e.message).toContain('Hint: The server is rate limiting requests; try again later.');
  });
});

describe('cut-off downloads leave nothing behind', () => {
  const target = () => join(dir.path, 'downloads');

  beforeEach(async () => {
    const { rm, mkdir } = await import('node:fs/promises');
    await rm(target(), { recursive: true, force: true });
    await mkdir(target());
  });

  it('connection reset mid-download, every attempt: a clear network error, no partial file', async () => {
    sim.setFaults([{ method: 'GET', path: `/upack/${FEED}/download`, fault: { type: 'reset' } }]);
    const { client: c } = client({ retries: 2 });
    const dest = join(target(), 'faulty.upack');
    const e = await caught(c.universal.download(FEED, PKG, dest));
    expect(e.name).toBe('ProGetError');
    expect(e.kind).toBe('network');
    expect(e.message).toBe(CUT_SHORT(sim.url));
    expect(e.attempts).toBe(3);
    expect(await readdir(target())).toEqual([]);
    const downloads = requests().filter((r) => r.url.startsWith(`/upack/${FEED}/download`));
    expect(downloads).toHaveLength(3);
  });

  it('connection reset once: the download is retried and the file is whole', async () => {
    sim.setFaults([{ method: 'GET', path: `/upack/${FEED}/download`, times: 1, fault: { type: 'reset' } }]);
    const { client: c, debug } = client();
    const dest = join(target(), 'faulty.upack');
    const result = await c.universal.download(FEED, PKG, dest, { expect: { sha1: pkgSha1 } });
    expect(result.sha1).toBe(pkgSha1);
    expect(await sha1File(dest)).toBe(pkgSha1);
    expect(await readdir(target())).toEqual(['faulty.upack']);
    expect(debug.some((l) => /retrying in \d+ ms \(attempt 2\/4\)/.test(l))).toBe(true);
  });

  it('truncated body (Content-Length says more): names the shortfall, no partial file', async () => {
    sim.setFaults([
      { method: 'GET', path: `/upack/${FEED}/download`, fault: { type: 'truncate', bytes: 100 } },
    ]);
    const { client: c } = client({ retries: 1 });
    const e = await caught(c.universal.download(FEED, PKG, target()));
    expect(e.kind).toBe('network');
    // Node reports a body that ends before its Content-Length as a reset connection.
    expect(e.message).toBe(CUT_SHORT(sim.url));
    expect(e.attempts).toBe(2);
    // Into a directory: not even the server's file name was created.
    expect(await readdir(target())).toEqual([]);
  });
});

describe('slow servers', () => {
  it('a server slower than the timeout: a timeout error naming the configured value', async () => {
    sim.setFaults([{ method: 'GET', path: `/upack/${FEED}/packages`, fault: { type: 'latency', ms: 6000 } }]);
    const { client: c } = client({ timeoutMs: 400, retries: 0 });
    const started = Date.now();
    const e = await caught(c.universal.listPackages(FEED));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.kind).toBe('timeout');
    expect(e.message.split('\n')[0]).toBe(
      `Could not list packages in feed "rel-feed": no complete response within 400 ms (timeoutMs) (GET ${sim.url}/upack/rel-feed/packages)`,
    );
  });

  it('a body that trickles slower than the timeout allows: the same timeout error', async () => {
    sim.setFaults([
      { method: 'GET', path: `/upack/${FEED}/packages`, fault: { type: 'slow-body', bytesPerSecond: 20 } },
    ]);
    const { client: c } = client({ timeoutMs: 500, retries: 0 });
    const e = await caught(c.universal.listPackages(FEED));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('no complete response within 500 ms (timeoutMs)');
  });

  it('the publish bundle with timeout: 1 against a slow server names 1000 ms', async () => {
    const ws = await scratch('slow-ws');
    try {
      await contentDir(ws.path, 'app', 'slow');
      sim.setFaults([
        { method: 'GET', path: `/upack/${FEED}/versions`, fault: { type: 'latency', ms: 10_000 } },
      ]);
      const r = await run('publish', {
        workspace: ws.path,
        inputs: {
          server: sim.url,
          'api-key': PUBLISH_KEY,
          feed: FEED,
          path: 'app',
          name: 'slowpoke',
          version: '1.0.0',
          timeout: '1',
          retries: '0',
        },
      });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(
        /^Could not read version slowpoke 1\.0\.0 in feed "rel-feed": no complete response within 1000 ms \(the "timeout" input\)/,
      );
      // Well before the server would have answered: the step gave up at its own timeout.
      expect(r.durationMs).toBeLessThan(9000);
    } finally {
      await ws.remove();
    }
  });
});

describe('uploads', () => {
  it('413 on upload: the server-limit hint, through the publish bundle', async () => {
    const ws = await scratch('413-ws');
    try {
      await contentDir(ws.path, 'app', 'big');
      sim.setFaults([
        { method: 'PUT', path: `/upack/${FEED}/upload`, fault: { type: 'request-limit', maxBytes: 1000 } },
      ]);
      const r = await run('publish', {
        workspace: ws.path,
        inputs: {
          server: sim.url,
          'api-key': PUBLISH_KEY,
          feed: FEED,
          path: 'app',
          name: 'toobig',
          version: '1.0.0',
        },
      });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      const [message] = r.errors;
      expect(message).toMatch(
        /^Could not upload .*toobig\.1\.0\.0\.upack to feed "rel-feed": HTTP 413 Payload Too Large \(PUT http:\/\/127\.0\.0\.1:\d+\/upack\/rel-feed\/upload → 413\)\n/,
      );
      expect(message).toContain(
        "Hint: The request is larger than the server's request body limit. On IIS raise maxAllowedContentLength (default ~30 MB) in ProGet's web.config; behind a reverse proxy raise its body size limit (e.g. nginx client_max_body_size).",
      );
      // One attempt: a refused body is not sent again.
      expect(requests().filter((q) => q.method === 'PUT')).toHaveLength(1);
    } finally {
      await ws.remove();
    }
  });

  /** Runs publish for `name` 1.0.0 with its RUNNER_TEMP kept, and returns the run with the SHA-1 it built. */
  async function publishKept(name: string, ifExists: string) {
    const ws = await scratch(`${name}-ws`);
    try {
      await contentDir(ws.path, 'app', `${name}-${Date.now()}`);
      const r = await run('publish', {
        workspace: ws.path,
        keepTemp: true,
        inputs: {
          server: sim.url,
          'api-key': ifExists === 'overwrite' ? ADMIN_KEY : PUBLISH_KEY,
          feed: FEED,
          path: 'app',
          name,
          version: '1.0.0',
          'if-exists': ifExists,
        },
      });
      const temp = join(r.runDir, 'runner-temp');
      const buildDir = (await readdir(temp)).find((d) => d.startsWith('proget-publish-'));
      expect(buildDir, 'the step built a package before uploading').toBeDefined();
      const built = await sha1File(join(temp, buildDir!, `${name}.1.0.0.upack`));
      await rm(r.runDir, { recursive: true, force: true });
      return { r, built };
    } finally {
      await ws.remove();
    }
  }

  /** What the server holds for `name` 1.0.0: nothing, or its SHA-1 (checked against a fresh download). */
  async function stored(name: string): Promise<string | undefined> {
    const c = new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY });
    const versions = await c.packages.versions(FEED, { name });
    if (versions.length === 0) return undefined;
    const out = join(dir.path, `${name}-check.upack`);
    const downloaded = await c.universal.download(FEED, { name, version: '1.0.0' }, out, {
      hashes: ['sha1'],
    });
    await rm(out);
    expect(versions[0]!.sha1?.toLowerCase()).toBe(downloaded.sha1);
    return downloaded.sha1;
  }

  const INTERRUPTED =
    /^Could not upload \/\S+\.1\.0\.0\.upack to feed "rel-feed": read ECONNRESET \(PUT http:\/\/127\.0\.0\.1:\d+\/upack\/rel-feed\/upload\)\nHint: The connection was reset: a proxy, load balancer or the server closed it early\.$/;

  for (const ifExists of ['fail', 'skip', 'overwrite']) {
    it(`upload cut off every time (if-exists: ${ifExists}): resent once only after the server confirmed it had nothing, then a clear error, nothing half-stored`, async () => {
      sim.setFaults([{ method: 'PUT', path: `/upack/${FEED}/upload`, fault: { type: 'reset-request' } }]);
      const name = `interrupted-${ifExists}`;
      const { r, built } = await publishKept(name, ifExists);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(INTERRUPTED);
      expect(r.warnings.join('\n')).toContain(
        `${FEED} does not have it, so it is sent again (attempt 2 of 2)`,
      );
      // Each PUT is preceded by a look at what the server holds: never two PUTs in a row, never a third.
      const asked = requests()
        .filter((q) => q.method === 'PUT' || q.url.includes('/versions?'))
        .map((q) => q.method);
      expect(asked).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET']);
      sim.setFaults([]);
      const state = await stored(name);
      expect(state === undefined || state === built).toBe(true);
      expect(state).toBeUndefined();
    });
  }

  it('an upload cut off once is sent again after the server confirmed it had nothing, and lands whole', async () => {
    sim.setFaults([
      { method: 'PUT', path: `/upack/${FEED}/upload`, times: 1, fault: { type: 'reset-request' } },
    ]);
    const { r, built } = await publishKept('rerun', 'fail');
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.warnings.join('\n')).toMatch(
      /The upload of rerun 1\.0\.0 was interrupted \(.*ECONNRESET.*\); rel-feed does not have it/,
    );
    expect(r.outputs.sha1).toBe(built);
    expect(await stored('rerun')).toBe(built);
    expect(
      requests()
        .filter((q) => q.method === 'PUT')
        .map((q) => q.status),
    ).toEqual([0, 201]);
  });

  it('an upload that landed but whose answer was cut off is recognised by its hash and not sent again', async () => {
    sim.setFaults([{ method: 'PUT', path: `/upack/${FEED}/upload`, times: 1, fault: { type: 'reset' } }]);
    const { r, built } = await publishKept('landed', 'fail');
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /The upload of landed 1\.0\.0 was interrupted \(.*\), but rel-feed has it whole\./,
    );
    expect(r.outputs.sha1).toBe(built);
    expect(requests().filter((q) => q.method === 'PUT')).toHaveLength(1);
    expect(await stored('landed')).toBe(built);
  });

  it('503 on the upload itself is not retried (the body went out) and says so clearly', async () => {
    sim.setFaults([{ method: 'PUT', path: `/upack/${FEED}/upload`, fault: { type: 'status', status: 503 } }]);
    const { r } = await publishKept('unavailable', 'fail');
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(
      /^Could not upload \/.*unavailable\.1\.0\.0\.upack to feed "rel-feed": HTTP 503 Service Unavailable \(PUT .* → 503\)\nServer said: Service Unavailable\nHint: The ProGet server failed;/,
    );
    expect(requests().filter((q) => q.method === 'PUT')).toHaveLength(1);
    sim.setFaults([]);
    expect(await stored('unavailable')).toBeUndefined();
  });
});
