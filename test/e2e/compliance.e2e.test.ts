// Compliance and vulnerabilities in the Feeds tree, in a real VS Code against the simulator's SCA server:
// verdict icons on version rows (looked up once the package is expanded), the tooltip, and Show
// Compliance Report opening a read-only Markdown document.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';
import { type CodeServer, startCodeServer } from './harness/codeServer.js';
import { Workbench } from './harness/workbench.js';

let sim: SimulatorHandle;
let server: CodeServer;
let wb: Workbench;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 'demo',
    edition: 'Enterprise',
    anonymous: ['Feeds_ViewFeed', 'Feeds_DownloadPackage'],
    // Facts for the demo's universal packages, so one package shows every verdict.
    sca: {
      packages: {
        'pkg:upack/HDARS@1.3.10': { licenses: ['MIT'] },
        'pkg:upack/HDARS@1.3.9': { licenses: ['LGPL-2.1-only'] },
        'pkg:upack/HDARS@1.3.7': { licenses: ['MIT'] },
        'pkg:upack/HDARS@0.0.22': { licenses: ['MIT'], malicious: true },
        'pkg:upack/initrode/vendors/abl/ABLast@2.2.1': { licenses: [], cached: false },
      },
      vulnerabilities: [
        {
          id: 'PGV-9000001',
          summary: 'Remote code execution in HDARS',
          details: 'HDARS 1.3.7 runs uploaded scripts.',
          numericCvss: 9.8,
          severity: 'Critical',
          published: '2026-01-01T00:00:00Z',
          affects: ['pkg:upack/HDARS@1.3.7'],
        },
      ],
    },
  });
  server = await startCodeServer({
    settings: {
      'proget.servers': [{ name: 'Simulator', url: sim.url }],
      'proget.health.pollIntervalSeconds': 60,
    },
  });
  wb = await Workbench.open(server.url, server.folder);
  await wb.openProGetView();
});

afterAll(async () => {
  await wb?.close();
  await server?.stop();
  await sim?.close();
});

/** The codicon a row's icon shows (`shield`, `warning`…), read from the DOM. */
async function rowIcon(label: string, level: number): Promise<string | undefined> {
  const classes = await wb
    .row(label, level)
    .locator('.custom-view-tree-node-item-icon')
    .first()
    .getAttribute('class', { timeout: 5_000 })
    .catch(() => null);
  return /codicon-([a-z-]+)/.exec(classes ?? '')?.[1];
}

async function waitForIcon(label: string, level: number, icon: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = await rowIcon(label, level);
    if (last === icon) return;
    await wb.page.waitForTimeout(250);
  }
  throw new Error(`Row "${label}" shows icon "${last}", not "${icon}", after ${timeout} ms`);
}

const metadataRequests = () => sim.requests().filter((r) => /\/metadata\?/.test(r.url));

describe('compliance in the tree', () => {
  test('the first page asks for no metadata; expanded versions show their verdicts', async () => {
    await wb.waitForRow('Simulator');
    await wb.expand('dev-feed', 2);
    await wb.waitForRow('HDARS');
    await wb.page.waitForTimeout(500);
    expect(metadataRequests()).toHaveLength(0);

    await wb.expand('HDARS', 3);
    await waitForIcon('1.3.10', 4, 'shield');
    await waitForIcon('1.3.9', 4, 'warning');
    await waitForIcon('1.3.7', 4, 'error');
    await waitForIcon('0.0.22', 4, 'circle-slash');
    await wb.expand('ABLast', 3);
    await waitForIcon('2.2.1', 4, 'question');
    const rows = await wb.treeRows();
    const description = (label: string) => rows.find((r) => r.label === label)?.description ?? '';
    expect(description('1.3.10')).toContain('compliant');
    expect(description('1.3.9')).toContain('warn');
    expect(description('1.3.7')).toContain('noncompliant');
    expect(description('0.0.22')).toContain('download blocked');
    expect(description('2.2.1')).toContain('inconclusive');
    // One lookup per version shown, all for the feed they are in.
    const asked = metadataRequests().map((r) => r.url);
    expect(asked).toHaveLength(5);
    expect(asked.every((u) => u.startsWith('/api/packages/dev-feed/metadata?'))).toBe(true);
    await wb.screenshot('40-compliance-tree');
  });

  test('a NuGet feed, from the seeded data set', async () => {
    await wb.expand('nuget-feed', 2);
    await wb.expand('Newtonsoft.Json', 3);
    // Both versions are in the data set: MIT, no vulnerability.
    await waitForIcon('13.0.3', 4, 'shield');
    await waitForIcon('13.0.2', 4, 'shield');
    const tip = await wb.rowTooltip('13.0.3', 4, 'No known vulnerabilities');
    expect(tip.text).toContain('Compliant');
    expect(tip.text).toContain('License: MIT');
    await wb.page.mouse.move(900, 750);
    expect(metadataRequests().some((r) => r.url.startsWith('/api/packages/nuget-feed/metadata?'))).toBe(true);
    // Back to the universal package for the next tests.
    await wb.row('nuget-feed', 2).locator('.monaco-tl-twistie').click();
  });

  test('the tooltip names the vulnerability, its severity, the license and the policy', async () => {
    const tip = await wb.rowTooltip('1.3.7', 4, 'PGV-9000001');
    expect(tip.text).toContain('Noncompliant');
    expect(tip.text).toMatch(/PGV-9000001\s+Critical \(9\.8\)\s+not assessed/);
    expect(tip.text).toContain('License: MIT');
    expect(tip.text).toContain('Policy: Vulnerability (PGV-9000001)');
    await wb.screenshot('41-compliance-tooltip');
    await wb.page.mouse.move(900, 500);
  });

  test('collapsing and expanding again asks for nothing new', async () => {
    const before = metadataRequests().length;
    await wb.row('HDARS', 3).locator('.monaco-tl-twistie').click();
    await wb.page.waitForTimeout(300);
    await wb.expand('HDARS', 3);
    await waitForIcon('1.3.7', 4, 'error');
    await wb.page.waitForTimeout(500);
    expect(metadataRequests().length).toBe(before);
  });

  test('Show Compliance Report opens the full report, read-only', async () => {
    const entries = await wb.contextMenu('1.3.7', 'Show Compliance Report', 4);
    expect(entries).toContain('Show Compliance Report');
    const text = await wb.editorText('Compliance report: HDARS');
    expect(text).toContain('**Noncompliant**');
    expect(text).toContain('# Compliance report: HDARS 1.3.7');
    expect(text).toContain('PGV-9000001 — Critical, score 9.8');
    expect(text).toContain('Remote code execution in HDARS');
    expect(text).toContain('MIT — MIT License');
    expect(text).toContain('Vulnerability (PGV-9000001)');
    expect(await wb.activeTabTitle()).toBe('HDARS@1.3.7.md');
    // The pointer rests where the menu was, over the tree: move it off so no hover covers the shot.
    await wb.page.mouse.move(900, 750);
    await wb.page.waitForTimeout(800);
    await wb.screenshot('42-compliance-report');
    // Read-only: typing changes nothing.
    await wb.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .filter({ visible: true })
      .first()
      .click();
    await wb.page.keyboard.type('XYZ');
    await wb.page.waitForTimeout(300);
    expect(await wb.editorText('Compliance report: HDARS')).not.toContain('XYZ');
    await wb.screenshot('43-compliance-report-read-only');
  });
});
