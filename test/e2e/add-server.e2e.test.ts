// A fresh VS Code with no server: the welcome view, then adding a server through the command palette with
// a rejected key first and the right key second, and the key kept out of settings, logs and URLs.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';
import { type CodeServer, startCodeServer } from './harness/codeServer.js';
import { Workbench } from './harness/workbench.js';

const ADMIN_KEY = 'demo-admin-key';

let sim: SimulatorHandle;
let server: CodeServer;
let wb: Workbench;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
  server = await startCodeServer({ settings: { 'proget.health.pollIntervalSeconds': 5 } });
  wb = await Workbench.open(server.url, server.folder);
});

afterAll(async () => {
  await wb?.close();
  await server?.stop();
  await sim?.close();
});

describe('adding a server', () => {
  test('the Feeds view shows the welcome content when no server is configured', async () => {
    await wb.openProGetView();
    const text = await wb.welcomeText();
    expect(text).toContain('No ProGet server is configured yet.');
    expect(await wb.viewPane().locator('.welcome-view-content .monaco-button').allInnerTexts()).toContain(
      'Add Server',
    );
    await wb.screenshot('01-welcome');
  });

  test('Add Server without a scheme finds http, asks a name, checks the key, and shows the server', async () => {
    const host = `127.0.0.1:${sim.port}`;
    await wb.runCommand('ProGet: Add Server');
    // As ProGet's default install is written: no scheme. https is tried first, then http.
    await wb.answerInput('Add ProGet Server (1/3)', host);
    await wb.waitForQuickInputTitle('Add ProGet Server (2/3)');
    // The display name step suggests the host; keeping it stores no name.
    expect(await wb.quickInput().locator('.quick-input-box input').inputValue()).toBe(host);
    await wb.answerInput('Add ProGet Server (2/3)', host);
    await wb.waitForQuickInputTitle('Add ProGet Server (3/3)');
    expect(await wb.quickInput().locator('.quick-input-box input').getAttribute('type')).toBe('password');

    await wb.answerInput('Add ProGet Server (3/3)', 'not-a-real-key');
    const message = await wb.waitForQuickInputMessage(/rejected|no feeds/i);
    expect(message).toMatch(/press Enter again to save it anyway/i);
    await wb.screenshot('02-bad-key');

    await wb.answerInput('Add ProGet Server (3/3)', ADMIN_KEY);
    const added = await wb.waitForNotification(/Added ProGet server/);
    expect(added).toMatch(
      new RegExp(
        `Added ProGet server ${host} over http: it answered as ProGet .*; https did not \\(no TLS on that port\\)\\.`,
      ),
    );
    expect(added).not.toMatch(/SSL|wrong version number/);
    // Test connection ran doctor() with the key before the server was saved, and its verdict is said.
    expect(added).toMatch(
      /Test connection: ProGet 2023\.\d+ \(Enterprise\) answered, 4 feeds visible, no problems/,
    );
    const serverRow = await wb.waitForRow('127.0.0.1:' + sim.port);
    expect(serverRow.level).toBe(1);
    await wb.screenshot('02b-scheme-chosen');
    const feeds = await waitForLabels(wb, ['approved-feed', 'dev-feed', 'nuget-feed', 'old-feed']);
    expect(feeds).toEqual(expect.arrayContaining(['approved-feed', 'dev-feed', 'nuget-feed', 'old-feed']));
    const rows = await wb.treeRows();
    expect(rows.find((r) => r.label === 'old-feed')?.description).toContain('inactive');
    expect(rows.find((r) => r.label === 'nuget-feed')?.description).toContain('nuget');
    await wb.screenshot('03-server-added');
  });

  test('the URL is saved in settings, the key only in secret storage', async () => {
    const settings = readFileSync(join(server.userDataDir, 'User', 'settings.json'), 'utf8');
    expect(JSON.parse(settings)['proget.servers']).toEqual([{ url: sim.url }]);
    expect(settings).not.toContain(ADMIN_KEY);
    // No request carried the key in its URL; the key was sent in the X-ApiKey header.
    const requests = sim.requests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.some((r) => r.url.includes(ADMIN_KEY) || r.url.includes('not-a-real-key'))).toBe(false);
    expect(requests.some((r) => r.headers['x-apikey'] === ADMIN_KEY)).toBe(true);
    // Nor did it reach the extension's log or any other file code-server wrote.
    for (const file of filesUnder(server.userDataDir)) {
      if (statSync(file).size > 5_000_000) continue;
      const text = readFileSync(file, 'latin1');
      expect(text.includes(ADMIN_KEY), `${file} contains the API key`).toBe(false);
    }
    expect(server.logs()).not.toContain(ADMIN_KEY);
  });
});

describe('changing the key and removing the server', () => {
  test('anonymous access the server refuses shows an item whose action sets the key again', async () => {
    const host = `127.0.0.1:${sim.port}`;
    await wb.runCommand('ProGet: Set API Key');
    await wb.answerInput(`Set API Key — ${host}`, '');
    // Test connection: this server refuses anonymous access, which is said before anything changes.
    const asked = await wb.dialogText();
    expect(asked).toMatch(new RegExp(`Test connection to ${host} found a problem: .*Cannot list feeds`));
    await wb.screenshot('04a-test-connection-failed');
    await wb.clickDialogButton('Save Anyway');
    await wb.waitForNotification(`${host} now uses anonymous access.`);
    const refused = await wb.waitForRow('Needs an API key — set API key…');
    expect(refused.level).toBe(2);
    expect((await wb.treeRows()).find((r) => r.label === host)?.description).toContain('anonymous');
    await wb.screenshot('04-anonymous-refused');

    await wb.clearNotifications();
    await wb.clickRow('Needs an API key — set API key…', 2);
    await wb.answerInput(`Set API Key — ${host}`, ADMIN_KEY);
    await wb.waitForNotification(`API key for ${host} saved in secret storage.`);
    await waitForLabels(wb, ['approved-feed', 'dev-feed', 'nuget-feed', 'old-feed']);
    expect((await wb.treeRows()).find((r) => r.label === host)?.description ?? '').not.toContain('anonymous');
  });

  test('Remove Server asks first; afterwards the welcome view is back and the setting empty', async () => {
    const host = `127.0.0.1:${sim.port}`;
    await wb.runCommand('ProGet: Remove Server');
    const dialog = await wb.dialogText();
    expect(dialog).toContain(`Remove ProGet server ${host}?`);
    expect(dialog).toContain('Nothing changes on the server.');
    await wb.clickDialogButton('Remove');
    expect(await wb.welcomeText()).toContain('No ProGet server is configured yet.');
    const settings = JSON.parse(readFileSync(join(server.userDataDir, 'User', 'settings.json'), 'utf8'));
    expect(settings['proget.servers']).toEqual([]);
    // With no server there is no health item either.
    await expect.poll(() => wb.statusItem().count(), { timeout: 10_000 }).toBe(0);
    await wb.screenshot('05-removed');
  });
});

async function waitForLabels(w: Workbench, labels: string[], timeout = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = (await w.treeRows()).map((r) => r.label);
    if (labels.every((l) => seen.includes(l))) return seen;
    await w.page.waitForTimeout(200);
  }
  throw new Error(`Rows ${JSON.stringify(labels)} not all shown; saw ${JSON.stringify(seen)}`);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) out.push(...filesUnder(path));
    else if (name.isFile()) out.push(path);
  }
  return out;
}
