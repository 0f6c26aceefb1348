// Servers and keys: URL checks, keys only in secret storage, one client per key, and the key check that
// really fails on a bad key (against the simulator).

import { ProGetClient, type ProGetClientOptions } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { Servers, normalizeServerUrl, displayName } = await import('../src/servers.js');
const { addServer, checkApiKey, renameServer } = await import('../src/commands/serverCommands.js');
const fake = await import('./fake-vscode.js');

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
});
afterAll(async () => {
  await sim.close();
});

class FakeSecrets {
  readonly store = new Map<string, string>();
  private readonly emitter = new fake.EventEmitter<{ key: string }>();
  readonly onDidChange = this.emitter.event;
  async get(key: string) {
    return this.store.get(key);
  }
  async store_(key: string, value: string) {
    this.store.set(key, value);
  }
  async delete(key: string) {
    this.store.delete(key);
  }
}

function makeServers() {
  const secrets = new FakeSecrets();
  const created: ProGetClientOptions[] = [];
  const logs: string[] = [];
  const log = {
    debug: (m: string) => logs.push(m),
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(m),
    error: (m: string) => logs.push(m),
  };
  const storage = {
    get: (k: string) => secrets.get(k),
    store: (k: string, v: string) => secrets.store_(k, v),
    delete: (k: string) => secrets.delete(k),
    onDidChange: secrets.onDidChange,
  };
  const servers = new Servers(
    storage as never,
    (options) => {
      created.push(options);
      return new ProGetClient(options);
    },
    log,
  );
  return { servers, secrets, created, logs };
}

beforeEach(() => {
  for (const k of Object.keys(fake.settings)) delete fake.settings[k];
});

describe('normalizeServerUrl', () => {
  test('accepts http(s) URLs and trims the trailing slash; keeps a path prefix', () => {
    expect(normalizeServerUrl('https://proget.example.com/')).toEqual({
      url: 'https://proget.example.com',
      schemeGiven: true,
    });
    expect(normalizeServerUrl(' http://host:8624/proget/ ')).toEqual({
      url: 'http://host:8624/proget',
      schemeGiven: true,
    });
    // Without a scheme: https for now; Add Server tries https, then http, before saving.
    expect(normalizeServerUrl('proget.example.com')).toEqual({
      url: 'https://proget.example.com',
      schemeGiven: false,
    });
  });

  test('refuses credentials, other schemes, queries and garbage, without echoing a password', () => {
    const creds = normalizeServerUrl('https://admin:s3cret@proget.example.com');
    expect(creds).toMatchObject({ problem: expect.stringMatching(/credentials/) });
    expect(JSON.stringify(creds)).not.toContain('s3cret');
    expect(normalizeServerUrl('ftp://x')).toMatchObject({ problem: expect.stringMatching(/http/) });
    expect(normalizeServerUrl('https://x/?apikey=1')).toMatchObject({
      problem: expect.stringMatching(/query/),
    });
    expect(normalizeServerUrl('')).toHaveProperty('problem');
    expect(normalizeServerUrl('http://')).toHaveProperty('problem');
  });

  test('display names default to the host', () => {
    expect(displayName({ url: 'https://proget.example.com:8443' })).toBe('proget.example.com:8443');
    expect(displayName({ url: 'https://x', name: ' Prod ' })).toBe('Prod');
  });
});

describe('Servers', () => {
  test('lists configured servers normalized, without duplicates or invalid entries', () => {
    fake.settings['proget.servers'] = [
      { url: 'https://a.example/' },
      { url: 'https://a.example' },
      { name: 'B', url: 'http://b.example:81' },
      { url: 'not a url at all' },
      42,
    ];
    const { servers } = makeServers();
    expect(servers.list()).toEqual([
      { url: 'https://a.example', name: 'a.example' },
      { url: 'http://b.example:81', name: 'B' },
    ]);
  });

  test('add keeps the URL in settings and the key only in secret storage; remove deletes both', async () => {
    const { servers, secrets, logs } = makeServers();
    await servers.add('https://p.example', 'top-secret-key');
    expect(fake.settings['proget.servers']).toEqual([{ url: 'https://p.example' }]);
    expect(JSON.stringify(fake.settings)).not.toContain('top-secret-key');
    expect(secrets.store.get('proget.apiKey:https://p.example')).toBe('top-secret-key');
    expect(servers.auth({ url: 'https://p.example', name: 'p' })).toBe('key');
    expect(logs.join('\n')).not.toContain('top-secret-key');

    await servers.remove('https://p.example');
    expect(fake.settings['proget.servers']).toEqual([]);
    expect(secrets.store.size).toBe(0);
  });

  test('one client per server, rebuilt when the key or timeout changes', async () => {
    fake.settings['proget.servers'] = [{ url: sim.url }];
    fake.settings['proget.requestTimeoutSeconds'] = 7;
    const { servers, created } = makeServers();
    await servers.setKey(sim.url, 'demo-admin-key');
    const a = await servers.client(sim.url);
    expect(await servers.client(sim.url)).toBe(a);
    expect(created.at(-1)).toMatchObject({ url: sim.url, apiKey: 'demo-admin-key', timeoutMs: 7000 });
    await servers.setKey(sim.url, undefined);
    const b = await servers.client(sim.url);
    expect(b).not.toBe(a);
    expect(created.at(-1)?.apiKey).toBeUndefined();
    expect(servers.auth({ url: sim.url, name: '' })).toBe('anonymous');
  });
});

describe('checkApiKey', () => {
  const c = (key?: string) => new ProGetClient({ url: sim.url, apiKey: key, retries: 0 });

  test('accepts a good key', async () => {
    expect(await checkApiKey(c('demo-admin-key'))).toEqual({ ok: true, feeds: 3 });
  });

  test('accepts a key that may view but not manage feeds (through the Packages API probe)', async () => {
    expect(await checkApiKey(c('demo-view-key'))).toMatchObject({ ok: true });
  });

  test('rejects a bad key, for which ProGet lists no feeds', async () => {
    expect(await checkApiKey(c('made-up-key'))).toMatchObject({ ok: false, canSaveAnyway: true });
  });

  test('says so when the server refuses the request outright', async () => {
    expect(await checkApiKey(c())).toEqual({
      ok: false,
      problem: 'ProGet rejected this API key.',
      canSaveAnyway: false,
    });
  });

  test('an unreachable server cannot confirm the key', async () => {
    const r = await checkApiKey(new ProGetClient({ url: 'http://127.0.0.1:9', apiKey: 'k', retries: 0 }));
    expect(r).toMatchObject({
      ok: false,
      canSaveAnyway: true,
      problem: expect.stringMatching(/^Could not check the key/),
    });
  });
});

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe('Add Server with a URL without a scheme (issue 14, bug 5)', () => {
  test('host:port tries https, then http; the one that answers as ProGet is saved, and said', async () => {
    const { servers, logs } = makeServers();
    const hostPort = sim.url.replace(/^http:\/\//, '');
    const before = fake.inputBoxes.length;
    fake.messages.length = 0;
    const added = addServer({ servers, log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) } });
    await until('the URL box', () => fake.inputBoxes.length === before + 1);
    const urlBox = fake.inputBoxes[before]!;
    expect([urlBox.title, urlBox.step, urlBox.totalSteps]).toEqual(['Add ProGet Server', 1, 3]);
    await urlBox.enter(hostPort);
    await until('the name box', () => fake.inputBoxes.length === before + 2);
    const nameBox = fake.inputBoxes[before + 1]!;
    expect([nameBox.title, nameBox.step, nameBox.totalSteps]).toEqual(['Add ProGet Server', 2, 3]);
    // The host is suggested; a name typed over it is what the tree shows.
    expect(nameBox.value).toBe(hostPort);
    await nameBox.enter('Build server');
    await until('the key box', () => fake.inputBoxes.length === before + 3);
    const keyBox = fake.inputBoxes[before + 2]!;
    expect([keyBox.title, keyBox.step, keyBox.totalSteps]).toEqual(['Add ProGet Server', 3, 3]);
    // Test connection: anonymous access fails on this server (it requires a key), which is said before
    // anything is saved; here the person saves anyway.
    fake.answers.push('Save Anyway');
    await keyBox.enter('');
    const server = await added;
    const asked = fake.shown.at(-2)!;
    expect(asked.options?.modal).toBe(true);
    expect(asked.text).toBe(
      'Test connection to Build server found a problem: Cannot list feeds. Save anyway?',
    );
    expect(asked.options?.detail).toMatch(/HTTP 403[\s\S]*requires an API key/);
    expect(asked.buttons).toEqual(['Save Anyway', 'Show Report']);
    expect(server).toEqual({ url: sim.url, name: 'Build server' });
    expect(fake.settings['proget.servers']).toEqual([{ name: 'Build server', url: sim.url }]);
    const said = fake.messages.find((m) => m.startsWith('Added ProGet server'))!;
    expect(said).toMatch(/^Added ProGet server Build server over http: it answered as ProGet/);
    expect(said).toMatch(/; https did not \(no TLS on that port\) \(anonymous access\)\. Test connection: /);
  });

  test('a scheme-less URL that answers neither way is never saved, however often Enter is pressed', async () => {
    const { servers, logs } = makeServers();
    const before = fake.inputBoxes.length;
    const added = addServer({ servers, log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) } });
    await until('the URL box', () => fake.inputBoxes.length === before + 1);
    const box = fake.inputBoxes[before]!;
    await box.enter('127.0.0.1:9');
    const message = (box.validationMessage as { message: string }).message;
    expect(message).toMatch(
      /^Neither https:\/\/127\.0\.0\.1:9 nor http:\/\/127\.0\.0\.1:9 answered as ProGet \(https: .*ECONNREFUSED.*; http: .*ECONNREFUSED.*\)\. Check the host and port, or type the URL with its scheme/,
    );
    await box.enter('127.0.0.1:9');
    expect(box.disposed).toBe(false);
    expect(fake.inputBoxes.length).toBe(before + 1);
    box.close();
    expect(await added).toBeUndefined();
    expect(fake.settings['proget.servers']).toBeUndefined();
  });

  test('a URL with a scheme that failed is added only on a second Enter, after being told', async () => {
    const { servers, logs } = makeServers();
    const before = fake.inputBoxes.length;
    const added = addServer({ servers, log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) } });
    await until('the URL box', () => fake.inputBoxes.length === before + 1);
    const box = fake.inputBoxes[before]!;
    await box.enter('http://127.0.0.1:9');
    expect((box.validationMessage as { message: string }).message).toMatch(
      /^http:\/\/127\.0\.0\.1:9 did not answer as ProGet: .*\. Press Enter again to add it anyway \(it will show as unreachable until it answers\)\.$/,
    );
    expect(fake.inputBoxes.length).toBe(before + 1);
    await box.enter('http://127.0.0.1:9');
    await until('the name box', () => fake.inputBoxes.length === before + 2);
    await fake.inputBoxes[before + 1]!.enter('');
    await until('the key box', () => fake.inputBoxes.length === before + 3);
    await fake.inputBoxes[before + 2]!.enter('');
    expect((await added)?.url).toBe('http://127.0.0.1:9');
  });
});

describe('server display names', () => {
  test('Rename sets the name shown instead of host:port; empty goes back to the host', async () => {
    const { servers } = makeServers();
    fake.settings['proget.servers'] = [{ url: 'https://p.example:8624/' }, 'https://q.example'];
    expect(servers.list().map((s) => s.name)).toEqual(['p.example:8624', 'q.example']);
    const before = fake.inputBoxes.length;
    const node = { type: 'server' as const, server: servers.list()[0]! };
    const renamed = renameServer({ servers, log: { info: () => {}, warn: () => {} } }, node);
    await until('the name box', () => fake.inputBoxes.length === before + 1);
    const box = fake.inputBoxes[before]!;
    expect([box.title, box.value]).toEqual(['Rename p.example:8624', 'p.example:8624']);
    await box.enter('Production');
    await renamed;
    expect(servers.list().map((s) => s.name)).toEqual(['Production', 'q.example']);
    // The key stays where it was: the URL, its key's name, did not change.
    expect(servers.list()[0]!.url).toBe('https://p.example:8624');
    await servers.rename('https://p.example:8624', '');
    expect(servers.list().map((s) => s.name)).toEqual(['p.example:8624', 'q.example']);
  });
});
