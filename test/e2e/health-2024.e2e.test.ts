// ProGet 2024+ has no connector-health API: the status bar falls back to instance health and says why,
// and turns to a warning when the instance reports a problem.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';
import { type CodeServer, startCodeServer } from './harness/codeServer.js';
import { Workbench } from './harness/workbench.js';

let sim: SimulatorHandle;
let server: CodeServer;
let wb: Workbench;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2024', anonymous: ['Feeds_ViewFeed'] });
  server = await startCodeServer({
    settings: {
      'proget.servers': [{ name: 'ProGet 2024', url: sim.url }],
      'proget.health.pollIntervalSeconds': 5,
    },
  });
  wb = await Workbench.open(server.url, server.folder);
});

afterAll(async () => {
  await wb?.close();
  await server?.stop();
  await sim?.close();
});

describe('status bar on ProGet 2024+', () => {
  test('falls back to instance health and says connector health is not reported', async () => {
    // The extension activates on startup when a server is configured, without opening the view.
    const text = await wb.waitForStatus(/^ProGet$/, 60_000);
    expect(text).toBe('ProGet');
    expect(await wb.waitForStatusIcon('pass')).not.toContain('codicon-warning');
    await wb.dismissMenus();
    await wb.statusItem().hover();
    const tooltip = wb.page.locator('.monaco-hover', { hasText: 'connector health' }).first();
    await tooltip.waitFor({ timeout: 20_000 });
    const tip = await tooltip.innerText();
    expect(tip).toMatch(/connector health is not reported .* Showing instance health instead/);
    expect(tip).toMatch(/Database\s+OK/);
    await wb.screenshot('30-status-2024');
    await wb.page.mouse.move(700, 400);
  });

  test('an unhealthy instance turns the item into a warning', async () => {
    sim.setHealth({ databaseStatus: 'Error', databaseStatusDetails: 'Cannot connect to SQL Server' });
    const text = await wb.waitForStatus(/ProGet unhealthy/, 30_000);
    expect(text).toBe('ProGet unhealthy');
    expect(await wb.waitForStatusIcon('warning')).toContain('codicon-warning');
    await wb.screenshot('31-status-2024-unhealthy');
  });
});
