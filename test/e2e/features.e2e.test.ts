// The extension's new capabilities in a real VS Code against the simulator: Check Server (the doctor
// report), Search Packages across feeds (revealed in the tree), the package page (rendered description, a
// dependency linked to its own page) and Publish to ProGet from an Explorer folder.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Privilege, type SimulatorHandle, startSimulator } from '../sim/index.js';
import { type CodeServer, startCodeServer } from './harness/codeServer.js';
import { Workbench } from './harness/workbench.js';

const ALL: Privilege[] = [
  'Feeds_ViewFeed',
  'Feeds_DownloadPackage',
  'Feeds_AddPackage',
  'Feeds_OverwritePackage',
  'Feeds_DeletePackage',
  'Feeds_AcceptPackagePromotions',
  'Feeds_UnlistPackage',
  'Admin_ManageFeed',
  'Feeds_Manage',
];

let sim: SimulatorHandle;
let server: CodeServer;
let wb: Workbench;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023', anonymous: ALL });
  server = await startCodeServer({
    settings: {
      'proget.servers': [{ name: 'Simulator', url: sim.url }],
      'proget.health.pollIntervalSeconds': 60,
      'proget.requestTimeoutSeconds': 10,
    },
  });
  // A folder to publish from the Explorer: its package.json suggests the id and version.
  const widget = join(server.folder, 'my-widget');
  await mkdir(join(widget, 'dist'), { recursive: true });
  await writeFile(
    join(widget, 'package.json'),
    JSON.stringify({ name: '@acme/my-widget', version: '0.3.0', description: 'A widget' }),
  );
  await writeFile(join(widget, 'dist', 'widget.js'), 'export const widget = 1;\n');
  wb = await Workbench.open(server.url, server.folder);
  await wb.openProGetView();
});

afterAll(async () => {
  await wb?.close();
  await server?.stop();
  await sim?.close();
});

describe('new capabilities', () => {
  test('Check Server shows the doctor report, every finding with its status', async () => {
    await wb.waitForRow('Simulator');
    const entries = await wb.contextMenu('Simulator', 'Check Server', 1);
    expect(entries).toContain('Check Server');
    const { text, html } = await wb.webviewContent('Check Server: Simulator', 60_000);
    expect(text).toMatch(/No problems found\./);
    expect(text).toMatch(/ProGet 2023\.\d+/);
    expect(text).toMatch(/Server reachable/);
    expect(text).toMatch(/dev-feed/);
    expect(html).not.toMatch(/<script/i);
    await wb.screenshot('40-check-server');
  });

  test('Search Packages lists every universal feed and reveals the choice in the tree', async () => {
    await wb.openProGetView();
    await wb.viewAction('Search Packages');
    // Busy until both universal feeds (not the inactive one, not NuGet) are in.
    await wb.waitForQuickInputTitle('Search ProGet Packages — 6 packages in 2 feeds', 60_000);
    await wb.quickInput().locator('.quick-input-box input').fill('var-index');
    const item = wb.quickInput().locator('.monaco-list-row', { hasText: 'var-index-service' }).first();
    await item.waitFor();
    expect(await wb.quickItems()).toHaveLength(1);
    await wb.screenshot('41-search');
    await wb.page.keyboard.press('Enter');
    await wb.waitForRow('var-index-service', 30_000);
    const row = wb.row('var-index-service');
    await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    await wb.screenshot('42-search-revealed');
  });

  test('the package page renders the description and links a dependency to its own page', async () => {
    await wb.contextMenu('ABLast', 'Open Package Page', 3);
    const page = await wb.webviewContent(/Dependencies[\s\S]*ast-common/, 60_000);
    expect(page.text).toMatch(/Metadata/);
    expect(page.text).toMatch(/SHA-256/);
    expect(page.text).toMatch(/dev-feed\s+approved-feed/);
    expect(page.html).not.toMatch(/<script/i);
    await wb.screenshot('43-package-page');
    await page.frame.locator('a', { hasText: 'initrode/vendors-common/ast-common 2.0.0' }).click();
    const dep = await wb.webviewContent('initrode/vendors-common/ast-common in dev-feed', 60_000);
    expect(dep.text).toMatch(/2\.0\.0/);
    expect(await wb.activeTabTitle()).toBe('ast-common 2.0.0');
    await wb.screenshot('44-package-page-dependency');
  });

  test('Publish to ProGet from an Explorer folder builds, uploads and reveals the version', async () => {
    const entries = await wb.explorerContextMenu('my-widget', 'Publish to ProGet…');
    expect(entries).toContain('Publish to ProGet…');
    await wb.waitForQuickInputTitle('Publish to ProGet: my-widget');
    await wb.pickQuickItem('dev-feed');
    await wb.waitForQuickInputMessage(/Package \(group\/name\) — suggested from its package\.json/);
    const input = wb.quickInput().locator('.quick-input-box input');
    expect(await input.inputValue()).toBe('acme/my-widget');
    await wb.screenshot('45-publish-steps');
    await wb.page.keyboard.press('Enter');
    await wb.waitForQuickInputMessage(/Version \(semantic version/);
    expect(await input.inputValue()).toBe('0.3.0');
    await wb.page.keyboard.press('Enter');
    await wb.waitForNotification(/Published acme\/my-widget 0\.3\.0 to dev-feed on Simulator/, 60_000);
    const v = await new ProGetClient({ url: sim.url }).universal.getVersion(
      'dev-feed',
      { group: 'acme', name: 'my-widget', version: '0.3.0' },
      { includeFileList: true },
    );
    expect(v?.fileList?.map((f) => f.name).sort()).toEqual(['dist/widget.js', 'package.json']);
    await wb.openProGetView();
    await wb.waitForRow('0.3.0', 30_000);
    await wb.screenshot('46-published-revealed');
  });
});
