// The extension's log (its "ProGet" output channel) with a unique API key: Add Server (URL check, key
// check with a retried request), a rejected key, and health checks that fail. The extension code runs
// against the simulator with a fake `vscode` module; no log line may contain the key.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addServer, askApiKey } from '../../vscode-extension/src/commands/serverCommands.js';
import { HealthStatusBar } from '../../vscode-extension/src/health/statusBar.js';
import { Servers } from '../../vscode-extension/src/servers.js';
import { FakeSecretStorage, inputBoxes } from '../../vscode-extension/test/fake-vscode.js';
import type { SimulatorHandle } from '../sim/index.js';
import { startRelSim, uniqueSecret } from './helpers.js';

vi.mock('vscode', () => import('../../vscode-extension/test/fake-vscode.js'));

const KEY = uniqueSecret('ext-key');
const WRONG_KEY = uniqueSecret('ext-wrong');
const FORBIDDEN = [KEY, WRONG_KEY].flatMap((s) => [
  s,
  encodeURIComponent(s),
  Buffer.from(s).toString('base64'),
]);

let sim: SimulatorHandle;
const lines: string[] = [];
const log = {
  debug: (m: string) => lines.push(`debug ${m}`),
  info: (m: string) => lines.push(`info ${m}`),
  warn: (m: string) => lines.push(`warn ${m}`),
  error: (m: string) => lines.push(`error ${m}`),
};
let servers: Servers;
const secrets = new FakeSecretStorage();

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  sim = await startRelSim({ versionMode: '2023', apiKeys: [{ key: KEY, privileges: 'all' }] });
  servers = new Servers(
    secrets as never,
    (options) => new ProGetClient({ ...options, retryBaseDelayMs: 10 }),
    log,
  );
});

afterAll(async () => {
  servers?.dispose();
  await sim?.close();
});

describe('the extension log never holds the API key', () => {
  it('Add Server with a key whose check needs a retry', async () => {
    sim.setFaults([
      { method: 'GET', path: '/api/management/feeds/list', times: 1, fault: { type: 'status', status: 503 } },
    ]);
    const added = addServer({ servers, log });
    await until('the URL box', () => inputBoxes.length === 1);
    await inputBoxes[0]!.enter(sim.url);
    await until('the name box', () => inputBoxes.length === 2);
    await inputBoxes[1]!.enter('Sim');
    await until('the key box', () => inputBoxes.length === 3);
    await inputBoxes[2]!.enter(KEY);
    const server = await added;
    sim.setFaults([]);
    expect(server?.url).toBe(sim.url);
    expect(await secrets.get(`proget.apiKey:${sim.url}`)).toBe(KEY);
    expect(
      lines.some((l) =>
        /^debug GET .*\/api\/management\/feeds\/list: HTTP 503; retrying in \d+ ms \(attempt 2\/4\)$/.test(l),
      ),
    ).toBe(true);
    expect(lines).toContain(`info API key for ${sim.url} accepted (2 feeds visible)`);
    expect(lines).toContain(`info Added server ${sim.url} (with an API key)`);
  });

  it('a rejected key is logged as not confirmed, without the key', async () => {
    const asked = askApiKey({ servers, log }, sim.url, 'Set API Key');
    await until('the key box', () => inputBoxes.length === 4);
    await inputBoxes[3]!.enter(WRONG_KEY);
    inputBoxes[3]!.close();
    expect(await asked).toBeUndefined();
    expect(lines.some((l) => l.startsWith(`warn API key for ${sim.url} not confirmed: `))).toBe(true);
  });

  it('health checks that fail are logged with the URL and the reason', async () => {
    sim.setFaults([{ path: '/api/connector-health', fault: { type: 'status', status: 503 } }]);
    const bar = new HealthStatusBar(servers, log, {
      now: () => Date.now(),
      setTimeout: () => 0,
      clearTimeout: () => {},
    });
    try {
      await until('a health check', () =>
        lines.some((l) => l.startsWith(`warn Health check of ${sim.url}: answered with an error`)),
      );
    } finally {
      bar.dispose();
      sim.setFaults([]);
    }
    expect(lines.find((l) => l.startsWith(`warn Health check of ${sim.url}`))).toMatch(
      // A 503 is an answer: the server is reachable (issue 14, bug 4), so it is not called unreachable.
      /^warn Health check of http:\/\/127\.0\.0\.1:\d+: answered with an error \(Could not read connector health: HTTP 503 Service Unavailable\)$/,
    );
  });

  it('the log said plenty, and none of it holds the key in any encoding', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((l) => l.startsWith('debug GET ')).length).toBeGreaterThan(5);
    for (const line of lines) {
      for (const secret of FORBIDDEN) expect(line.includes(secret), line).toBe(false);
    }
    // Control: the key really was used on the wire.
    expect(sim.requests().some((q) => q.headers['x-apikey'] === KEY)).toBe(true);
    expect(sim.requests().some((q) => q.headers['x-apikey'] === WRONG_KEY)).toBe(true);
  });
});
