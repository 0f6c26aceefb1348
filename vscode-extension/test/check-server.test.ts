// Check Server and the Test connection of Add Server / Set API Key (issue 14, issue 11 §3): core's doctor()
// against the simulator, shown as a read-only page with every finding and its hint, and never the key.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { Servers } = await import('../src/servers.js');
const { checkServer } = await import('../src/check/serverCheck.js');
const { setApiKey, addServer } = await import('../src/commands/serverCommands.js');
const fake = await import('./fake-vscode.js');

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  for (const k of Object.keys(fake.settings)) delete fake.settings[k];
  fake.answers.length = 0;
  fake.shown.length = 0;
  fake.messages.length = 0;
});

const logs: string[] = [];
const log = {
  debug: (m: string) => logs.push(m),
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
};

function makeServers(secrets = new fake.FakeSecretStorage()) {
  fake.settings['proget.servers'] = [{ name: 'Sim', url: sim.url }];
  return { servers: new Servers(secrets as never, (o) => new ProGetClient(o), log), secrets };
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe('ProGet: Check Server', () => {
  test('shows every finding with its status and hint in a script-less page, without the key', async () => {
    const { servers, secrets } = makeServers();
    await secrets.store(`proget.apiKey:${sim.url}`, 'demo-view-key');
    const node = { type: 'server' as const, server: servers.list()[0]! };
    const report = await checkServer({ servers, log }, node, async () => undefined);
    expect(report?.ok).toBe(true);
    const panel = fake.panels.at(-1)!;
    expect(panel.title).toBe('Check Server: Sim');
    expect(panel.options.enableScripts).toBe(false);
    const html = panel.webview.html;
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none';[^"]*script-src 'none'/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('No problems found.');
    // The view key may not read connector health: said, with the privilege it lacks.
    expect(html).toMatch(/Connector health: this key may not use it/);
    expect(html).toMatch(/Hint: The API key \(or user\) is unknown or lacks the Feeds_Manage/);
    expect(html).toMatch(/<td class="mono">dev-feed<\/td>/);
    expect(html).not.toContain('demo-view-key');
    expect(logs.join('\n')).not.toContain('demo-view-key');
    // Checking again refreshes the same page instead of opening another.
    const count = fake.panels.length;
    await checkServer({ servers, log }, node, async () => undefined);
    expect(fake.panels.length).toBe(count);
    panel.dispose();
    await checkServer({ servers, log }, node, async () => undefined);
    expect(fake.panels.length).toBe(count + 1);
  });

  test('a wrong key is a problem on the page, with what to do', async () => {
    const { servers, secrets } = makeServers();
    await secrets.store(`proget.apiKey:${sim.url}`, 'not-a-real-key-123');
    const report = await checkServer(
      { servers, log },
      { type: 'server', server: servers.list()[0]! },
      async () => undefined,
    );
    expect(report?.ok).toBe(false);
    const html = fake.panels.filter((p) => !p.disposed && p.title === 'Check Server: Sim').at(-1)!
      .webview.html;
    expect(html).toMatch(/1 problem found\./);
    expect(html).toMatch(
      /class="finding fail">[\s\S]*The API key sees no feeds[\s\S]*Hint: ProGet treats an unknown key as Anonymous/,
    );
    expect(html).not.toContain('not-a-real-key-123');
  });

  test('a URL where something other than ProGet answers (a web page) is named as such', async () => {
    const { createServer } = await import('node:http');
    const page = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><html><head><title>Intranet home</title></head><body>Welcome</body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
      fake.settings['proget.servers'] = [{ url }];
      const servers = new Servers(new fake.FakeSecretStorage() as never, (o) => new ProGetClient(o), log);
      const report = await checkServer({ servers, log }, undefined, async () => servers.list()[0]);
      expect(report?.ok).toBe(false);
      const html = fake.panels.at(-1)!.webview.html;
      expect(html).toMatch(/class="finding fail">[\s\S]*not a ProGet/i);
      expect(html).toContain('Intranet home');
    } finally {
      await new Promise((resolve) => page.close(resolve));
    }
  });

  test('an unreachable server gets one clear finding, not a stack trace', async () => {
    fake.settings['proget.servers'] = [{ url: 'http://127.0.0.1:9' }];
    const servers = new Servers(new fake.FakeSecretStorage() as never, (o) => new ProGetClient(o), log);
    const report = await checkServer({ servers, log }, undefined, async () => servers.list()[0]);
    expect(report?.reachable).toBe(false);
    const html = fake.panels.at(-1)!.webview.html;
    expect(html).toMatch(/class="finding fail"/);
    expect(html).not.toMatch(/\n\s+at /);
  });
});

describe('Test connection before saving', () => {
  test('Set API Key says the verdict of a good key and saves it', async () => {
    const { servers, secrets } = makeServers();
    const before = fake.inputBoxes.length;
    const done = setApiKey({ servers, log }, { type: 'server', server: servers.list()[0]! });
    await until('the key box', () => fake.inputBoxes.length === before + 1);
    await fake.inputBoxes[before]!.enter('demo-admin-key');
    await done;
    expect(secrets.values.get(`proget.apiKey:${sim.url}`)).toBe('demo-admin-key');
    const said = fake.shown.at(-1)!;
    expect(said.text).toMatch(
      /^API key for Sim saved in secret storage\. Test connection: ProGet 2023\.\d+ \(Enterprise\) answered, 4 feeds visible, no problems \(2 warnings\)\.$/,
    );
    expect(said.buttons).toEqual(['Show Report']);
    expect(fake.progress.at(-1)!.title).toBe(`Testing connection to ${sim.url}…`);
  });

  test('a failed test is asked about; dismissing it saves nothing', async () => {
    const { servers, secrets } = makeServers();
    await secrets.store(`proget.apiKey:${sim.url}`, 'demo-view-key');
    const before = fake.inputBoxes.length;
    const done = setApiKey({ servers, log }, { type: 'server', server: servers.list()[0]! });
    await until('the key box', () => fake.inputBoxes.length === before + 1);
    // Anonymous access on a server that requires a key: the test fails.
    fake.answers.push('Show Report', undefined);
    await fake.inputBoxes[before]!.enter('');
    await done;
    expect(fake.shown.filter((m) => m.options?.modal)).toHaveLength(2);
    const page = fake.panels.filter((p) => !p.disposed && p.title === 'Check Server: Sim').at(-1)!;
    expect(page.webview.html).toMatch(/Cannot list feeds/);
    // Still the old key: nothing was changed.
    expect(secrets.values.get(`proget.apiKey:${sim.url}`)).toBe('demo-view-key');
  });

  test('cancelling the test (progress cancel) adds nothing', async () => {
    const servers = new Servers(new fake.FakeSecretStorage() as never, (o) => new ProGetClient(o), log);
    const before = fake.inputBoxes.length;
    const added = addServer({ servers, log });
    await until('the URL box', () => fake.inputBoxes.length === before + 1);
    await fake.inputBoxes[before]!.enter(sim.url);
    await until('the name box', () => fake.inputBoxes.length === before + 2);
    await fake.inputBoxes[before + 1]!.enter('');
    await until('the key box', () => fake.inputBoxes.length === before + 3);
    fake.progressPlan.cancelNext = true;
    await fake.inputBoxes[before + 2]!.enter('demo-admin-key');
    expect(await added).toBeUndefined();
    expect(fake.settings['proget.servers']).toBeUndefined();
  });
});
