// Browsing, paging, filtering, opening files, promoting, error items, the last good tree and the
// connector-health status bar, in a real VS Code against the simulator. Two servers are configured: the
// simulator (anonymous access with every privilege) and one that is not listening.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Privilege, type SimulatorHandle, startSimulator } from '../sim/index.js';
import { type CodeServer, freePort, startCodeServer } from './harness/codeServer.js';
import { type TreeRow, Workbench } from './harness/workbench.js';

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
let offlineUrl: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023', anonymous: ALL });
  await publishWidget(sim.url);
  offlineUrl = `http://127.0.0.1:${await freePort()}`;
  server = await startCodeServer({
    settings: {
      'proget.servers': [
        { name: 'Simulator', url: sim.url },
        { name: 'Offline', url: offlineUrl },
      ],
      'proget.pageSize': 2,
      'proget.health.pollIntervalSeconds': 5,
      'proget.requestTimeoutSeconds': 5,
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

const labels = (rows: TreeRow[]) => rows.map((r) => r.label);

/** A package whose description is Markdown with a web link, a command link and HTML. */
async function publishWidget(url: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'proget-e2e-widget-'));
  try {
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'readme.txt'), 'x\n');
    const built = await buildPackage({
      sourceDir: join(dir, 'src'),
      manifest: {
        name: 'widget',
        version: '2.0.0',
        description:
          'A **bold** widget; see [the docs](https://docs.example/widget).\n\n[run me](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>',
      },
      outFile: join(dir, 'widget.upack'),
    });
    // In approved-feed, so dev-feed keeps the demo seed's five packages the paging tests count.
    await new ProGetClient({ url, apiKey: 'demo-admin-key' }).universal.upload('approved-feed', built.path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitForRows(predicate: (rows: TreeRow[]) => boolean, what: string, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let rows: TreeRow[] = [];
  while (Date.now() < deadline) {
    rows = await wb.treeRows();
    if (predicate(rows)) return rows;
    await wb.page.waitForTimeout(200);
  }
  throw new Error(`${what}: not seen within ${timeout} ms; rows: ${JSON.stringify(rows)}`);
}

describe('Feeds tree', () => {
  test('servers list their feeds; an unreachable server shows a retry item instead of nothing', async () => {
    const rows = await waitForRows(
      (r) => labels(r).includes('dev-feed') && r.some((x) => /^Server unreachable/.test(x.label)),
      'feeds and the unreachable item',
    );
    expect(rows.filter((r) => r.level === 1).map((r) => r.label)).toEqual(['Simulator', 'Offline']);
    expect(rows.find((r) => r.label === 'Simulator')?.description).toContain('anonymous');
    expect(rows.find((r) => r.label === 'dev-feed')?.description).toBe('universal');
    const error = rows.find((r) => /^Server unreachable/.test(r.label))!;
    expect(error.level).toBe(2);
    expect(error.label).toBe('Server unreachable — retry');
    expect(error.description).toMatch(/ECONNREFUSED/);
    await wb.screenshot('10-servers-and-error-item');
  });

  test('packages page with "Load more" using the page size', async () => {
    await wb.expand('dev-feed');
    // The tree renders in steps: wait until both the Load more label and the package rows are there.
    const packagesIn = (r: TreeRow[]) => r.filter((x) => x.level === 3 && !x.label.startsWith('Load more'));
    let rows = await waitForRows((r) => r.some((x) => x.label.startsWith('Load more')), 'first page');
    const packages = () => packagesIn(rows);
    expect(packages()).toHaveLength(2);
    expect(rows.find((r) => r.label === 'HDARS')?.description).toBe('1.3.10');
    expect(labels(rows)).toContain('Load more (2 of 5)');
    await wb.screenshot('11-first-page');

    await wb.clickRow('Load more (2 of 5)');
    rows = await waitForRows(
      (r) => labels(r).includes('Load more (4 of 5)') && packagesIn(r).length >= 4,
      'second page',
    );
    expect(packages()).toHaveLength(4);
    await wb.clickRow('Load more (4 of 5)');
    rows = await waitForRows(
      (r) => !r.some((x) => x.label.startsWith('Load more')) && packagesIn(r).length >= 5,
      'last page',
    );
    expect(packages().map((p) => p.label)).toEqual(
      expect.arrayContaining(['HDARS', 'ABLast', 'ast-common', 'simdesk-bundle', 'var-index-service']),
    );
    // The name is the label; the group follows the version, so a narrow sidebar cuts the group, not the name.
    expect(packages().find((p) => p.label === 'var-index-service')?.description).toBe(
      '5.3.10 · virtudyne/simdesk',
    );
    await wb.screenshot('12-all-packages');
  });

  test('package → version → folders → files, and a file opens read-only in an editor', async () => {
    await wb.expand('HDARS', 3);
    let rows = await waitForRows((r) => labels(r).includes('1.3.10'), 'versions of HDARS');
    const v = rows.find((r) => r.label === '1.3.10')!;
    expect(v.level).toBe(4);
    // The date, then the compliance verdict once its lazy lookup answers (compliance.e2e checks those).
    expect(v.description).toMatch(
      /^2016-01-09( · (compliant|warn|noncompliant|inconclusive|download blocked))?$/,
    );
    expect(labels(rows)).toContain('Load more (2 of 4)');

    await wb.expand('1.3.10', 4);
    rows = await waitForRows((r) => labels(r).includes('upack.json'), 'files of 1.3.10');
    await wb.expand('package', 5);
    rows = await waitForRows((r) => labels(r).includes('index.htm'), 'package folder');
    await wb.expand('assets', 6);
    rows = await waitForRows((r) => labels(r).includes('muth.png'), 'assets folder');
    const files = rows.filter((r) => r.level >= 5).map((r) => `${r.level}:${r.label}`);
    expect(files).toEqual([
      '5:upack.json',
      '5:package',
      '6:assets',
      '7:muth.png',
      '7:styles.css',
      '6:example.txt',
      '6:index.htm',
    ]);
    expect(rows.find((r) => r.label === 'index.htm')?.description).toBe('57 B');
    await wb.screenshot('13-files');

    await wb.clickRow('index.htm', 6);
    const text = await wb.editorText('<h1>HDARS</h1>');
    expect(text).toContain('<title>HDARS 1.3.10</title>');
    expect(await wb.activeTabTitle()).toBe('index.htm');
    // Read-only: typing changes nothing.
    await wb.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .filter({ visible: true })
      .first()
      .click();
    await wb.page.keyboard.type('XYZ');
    expect(await wb.editorText('<h1>HDARS</h1>')).not.toContain('XYZ');
    await wb.screenshot('14-file-open');

    await wb.clickRow('upack.json', 5);
    const manifest = await wb.editorText('"name"');
    expect(manifest).toContain('HDARS');
    expect(manifest).toContain('1.3.10');
    expect(await wb.activeTabTitle()).toBe('upack.json');
  });

  test('filtering a feed shows only matching packages, in the feed description, until cleared', async () => {
    await wb.inlineAction('dev-feed', 'Filter Packages');
    await wb.answerInput('Filter packages in dev-feed', 'var');
    let rows = await waitForRows(
      (r) =>
        r.find((x) => x.label === 'dev-feed')?.description === 'universal · filter: "var"' &&
        r.filter((x) => x.level === 3).length === 1,
      'filtered feed',
    );
    expect(rows.filter((r) => r.level === 3).map((r) => r.label)).toEqual(['var-index-service']);
    await wb.screenshot('15-filtered');

    await wb.inlineAction('dev-feed', 'Filter Packages');
    await wb.answerInput('Filter packages in dev-feed', 'zzz-nothing');
    rows = await waitForRows((r) => r.some((x) => x.label.startsWith('No packages match')), 'no match item');

    await wb.inlineAction('dev-feed', 'Clear Filter');
    rows = await waitForRows(
      (r) =>
        r.find((x) => x.label === 'dev-feed')?.description === 'universal' &&
        r.filter((x) => x.level === 3 && !x.label.startsWith('Load more')).length === 2,
      'cleared: first page again',
    );
    expect(labels(rows)).toContain('Load more (2 of 5)');
  });

  test('promote a version through the command palette', async () => {
    await wb.runCommand('ProGet: Promote Version');
    // One title per flow and VS Code's step counter (the version is step 1 from the palette).
    await wb.waitForQuickInputTitle('Promote Version (1/3)');
    await wb.pickQuickItem(/HDARS 1\.3\.10/);
    await wb.waitForQuickInputTitle('Promote HDARS 1.3.10 from dev-feed (2/3)');
    const targets = await wb.quickItems();
    expect(targets.some((t) => t.startsWith('approved-feed'))).toBe(true);
    expect(targets.some((t) => t.startsWith('nuget-feed'))).toBe(false);
    // An inactive feed serves nothing, so it is no target.
    expect(targets.some((t) => t.startsWith('old-feed'))).toBe(false);
    await wb.pickQuickItem(/^approved-feed/);
    await wb.waitForQuickInputTitle('Promote HDARS 1.3.10 from dev-feed (3/3)');
    await wb.waitForQuickInputMessage(/Comments for the promotion record to approved-feed/);
    await wb.quickInput().locator('.quick-input-box input').fill('Passed e2e');
    await wb.page.keyboard.press('Enter');
    const dialog = await wb.dialogText();
    expect(dialog).toContain('Promote HDARS 1.3.10 from dev-feed to approved-feed?');
    expect(dialog).toContain('Comments: Passed e2e');
    await wb.screenshot('16-promote-confirm');
    await wb.clickDialogButton('Promote');
    await wb.waitForNotification('Promoted HDARS 1.3.10 to approved-feed.');

    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const promoted = await client.promotions.list({ name: 'HDARS', toFeed: 'approved-feed' });
    expect(promoted.map((p) => p.version)).toContain('1.3.10');
    expect(promoted.flatMap((p) => p.promotions).some((p) => p.comments === 'Passed e2e')).toBe(true);

    await wb.expand('approved-feed');
    await waitForRows(
      (r) => r.some((x) => x.label === 'HDARS' && x.level === 3 && x.description === '1.3.10'),
      'HDARS in approved-feed',
    );
    await wb.screenshot('17-promoted');
  });

  test('a failed refresh keeps the last good tree and says so; retry recovers', async () => {
    // Only the rows in view are in the DOM: collapse everything, then open the server alone.
    await wb.viewAction('Collapse All');
    await wb.expand('Simulator', 1);
    await waitForRows((r) => labels(r).includes('old-feed'), 'feeds of the simulator');
    sim.setFaults([{ path: '/api/management/feeds/list', fault: { type: 'status', status: 503 } }]);
    // Refresh is in each row's context menu (and the view title), no longer inline on every row.
    await wb.contextMenu('Simulator', 'Refresh', 1);
    const rows = await waitForRows(
      (r) =>
        r.some((x) => x.label === 'Refresh failed — retry') &&
        (r.find((x) => x.label === 'Simulator')?.description ?? '').includes('showing cached'),
      'stale warning',
      40_000,
    );
    expect(labels(rows)).toEqual(
      expect.arrayContaining(['dev-feed', 'approved-feed', 'nuget-feed', 'old-feed']),
    );
    expect(rows.find((r) => r.label === 'Simulator')?.description).toContain(
      'refresh failed — showing cached feeds',
    );
    await wb.screenshot('18-last-good-tree');

    sim.setFaults([]);
    await wb.clickRow(rows.find((r) => r.label === 'Refresh failed — retry')!.label, 2);
    const after = await waitForRows(
      (r) =>
        !r.some((x) => x.label === 'Refresh failed — retry') &&
        !(r.find((x) => x.label === 'Simulator')?.description ?? '').includes('showing cached'),
      'recovered',
      40_000,
    );
    expect(after.find((r) => r.label === 'Simulator')?.description).not.toContain('showing cached');
    expect(labels(after)).toContain('dev-feed');
  });

  test('a stale feed says "cached" in words VS Code renders, not a literal $(warning)', async () => {
    await wb.expand('dev-feed', 2);
    await waitForRows((r) => labels(r).includes('HDARS'), 'packages of dev-feed');
    sim.setFaults([{ path: '/upack/dev-feed/', fault: { type: 'status', status: 503 } }]);
    try {
      await wb.contextMenu('dev-feed', 'Refresh', 2);
      const rows = await waitForRows(
        (r) => (r.find((x) => x.label === 'dev-feed')?.description ?? '').includes('cached'),
        'stale feed',
        40_000,
      );
      const description = rows.find((r) => r.label === 'dev-feed')!.description;
      expect(description).toBe('universal · cached — refresh failed');
      expect(description).not.toContain('$(');
      expect(labels(rows)).toContain('HDARS');
      await wb.screenshot('18b-stale-feed');
    } finally {
      sim.setFaults([]);
    }
    await wb.contextMenu('dev-feed', 'Refresh', 2);
    await waitForRows(
      (r) => r.find((x) => x.label === 'dev-feed')?.description === 'universal',
      'fresh feed',
      40_000,
    );
  });

  test('a package description renders as Markdown: a working link, no command link, no HTML', async () => {
    await wb.viewAction('Collapse All');
    await wb.expand('Simulator', 1);
    await wb.contextMenu('approved-feed', 'Filter Packages', 2);
    await wb.answerInput('Filter packages in approved-feed', 'widget');
    await waitForRows((r) => r.some((x) => x.label === 'widget' && x.level === 3), 'the widget package');
    const tip = await wb.rowTooltip('widget', 3, 'bold');
    expect(tip.text).toContain('A bold widget');
    expect(tip.text).not.toContain('**');
    expect(tip.html).toMatch(/<(strong|b)>bold<\/(strong|b)>/);
    expect(tip.html).toMatch(/<a [^>]*(href|data-href)="https:\/\/docs\.example\/widget"/);
    expect(tip.html).not.toContain('command:');
    expect(tip.html).not.toMatch(/<img|onerror/);
    expect(tip.text).toContain('run me');
    await wb.screenshot('18c-rendered-description');
    await wb.page.mouse.move(700, 400);
    await wb.contextMenu('approved-feed', 'Clear Filter', 2);
  });
});

describe('package actions', () => {
  test('download a version through the context menu and the save dialog', async () => {
    await wb.viewAction('Collapse All');
    await wb.expand('Simulator', 1);
    await wb.expand('dev-feed', 2);
    await wb.expand('HDARS', 3);
    await waitForRows((r) => labels(r).includes('1.3.9'), 'versions of HDARS');
    const menu = await wb.contextMenu('1.3.9', 'Download Package…', 4);
    expect(menu).toEqual(
      expect.arrayContaining([
        'Open in ProGet',
        'Open upack.json',
        'Promote Version…',
        'Copy Package ID',
        'Delete Version…',
      ]),
    );
    // code-server's save dialog is a quick input holding the suggested path in the workspace folder.
    const input = wb.quickInput().locator('.quick-input-box input');
    await input.waitFor();
    await wb.page.waitForFunction(
      (el) => (el as HTMLInputElement | null)?.value.endsWith('HDARS-1.3.9.upack'),
      await input.elementHandle(),
    );
    await wb.screenshot('19-download-dialog');
    await wb.page.keyboard.press('Enter');
    const note = await wb.waitForNotification(/Downloaded HDARS-1\.3\.9\.upack/);
    const path = join(server.folder, 'HDARS-1.3.9.upack');
    expect(existsSync(path)).toBe(true);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(note).toContain(sha256.slice(0, 12));
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const [info] = await client.packages.versions('dev-feed', { name: 'HDARS', version: '1.3.9' });
    expect(info?.sha256).toBe(sha256);
  });

  test('delete a version after a modal confirmation', async () => {
    await wb.clickRow('Load more (2 of 4)', 4);
    await waitForRows((r) => labels(r).includes('0.0.22'), 'all versions of HDARS');
    await wb.contextMenu('0.0.22', 'Delete Version…', 4);
    const dialog = await wb.dialogText();
    expect(dialog).toContain('Delete HDARS 0.0.22 from dev-feed?');
    expect(dialog).toContain('cannot be undone');
    await wb.screenshot('19b-delete-confirm');
    await wb.clickDialogButton('Delete');
    await wb.waitForNotification('Deleted HDARS 0.0.22 from dev-feed.');
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    expect(
      await client.universal.getVersion('dev-feed', { name: 'HDARS', version: '0.0.22' }),
    ).toBeUndefined();
    await wb.expand('HDARS', 3);
    const rows = await waitForRows(
      (r) => labels(r).includes('1.3.10') && !labels(r).includes('0.0.22'),
      'versions without 0.0.22',
    );
    expect(rows.filter((r) => r.level === 4).map((r) => r.label)).toEqual(['1.3.10', '1.3.9', '1.3.7']);
  });

  test('a refused delete says what, why and the fix, offers Show Log, and Delete is then not offered', async () => {
    sim.setFaults([
      { method: 'POST', path: '/upack/dev-feed/delete/', fault: { type: 'status', status: 403 } },
    ]);
    try {
      await wb.contextMenu('1.3.7', 'Delete Version…', 4);
      await wb.dialogText();
      await wb.clickDialogButton('Delete');
      const note = await wb.waitForNotification(/Could not delete HDARS 1\.3\.7/);
      expect(note).toContain(
        'Could not delete HDARS 1.3.7 from dev-feed: The API key lacks a privilege: Feeds_DeletePackage',
      );
      expect(note).toContain('Ask a ProGet administrator');
      expect(note).not.toMatch(/HTTP 403|DELETE http/);
      const button = wb.page
        .locator('.notification-toast', { hasText: 'Could not delete' })
        .locator('.monaco-button', { hasText: 'Show Log' });
      await button.waitFor();
      // Let the toast finish fading in before the picture.
      await wb.page.waitForTimeout(600);
      await wb.screenshot('19c-delete-refused');
      await button.click();
      // The log opens in the panel, with the full error.
      await wb.page.locator('.part.panel', { hasText: 'Delete of HDARS 1.3.7 failed' }).waitFor();
    } finally {
      sim.setFaults([]);
    }
    const menu = await wb.contextMenu('1.3.7', 'Copy Package ID', 4);
    expect(menu).not.toContain('Delete Version…');
    expect(menu).toContain('Promote Version…');
  });
});

describe('connector-health status bar', () => {
  test('shows failing connectors, turns healthy, and fails again when the simulator flips a connector', async () => {
    let text = await wb.waitForStatus(/1 connector failing/);
    expect(await wb.waitForStatusIcon('warning')).not.toContain('codicon-pass');
    const bg = await wb.statusItem().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');

    await wb.dismissMenus();
    await wb.statusItem().hover();
    const tooltip = wb.page.locator('.monaco-hover', { hasText: 'nuget.org' }).first();
    await tooltip.waitFor({ timeout: 20_000 });
    const tip = await tooltip.innerText();
    expect(tip).toContain('Connection timed out');
    expect(tip).toContain('npmjs.org');
    expect(tip).toContain('Offline');
    await wb.screenshot('20-status-tooltip');
    await wb.page.mouse.move(700, 400);

    sim.setConnectorState(3, 'healthy');
    text = await wb.waitForStatus(/ProGet 3\/3/, 30_000);
    expect(text).toMatch(/ProGet 3\/3/);
    // The other server is unreachable, so the icon says so rather than "pass".
    expect(text).toMatch(/1 server unreachable/);
    expect(await wb.waitForStatusIcon('debug-disconnect')).not.toContain('codicon-warning');
    await wb.screenshot('21-status-healthy');

    sim.setConnectorState(1, 'error', 'Registry answered 502.');
    text = await wb.waitForStatus(/1 connector failing/, 30_000);
    await wb.statusItem().click();
    const items = await wb.quickItems();
    // "Check now" first; the failing connector and the unreachable server before the healthy connectors.
    expect(items[0]).toMatch(/Check now/);
    expect(items.slice(1, 3).join(' ')).toMatch(/npmjs\.org/);
    expect(items.slice(1, 3).join(' ')).toMatch(/Offline/);
    expect(items.findIndex((i) => /npmjs\.org/.test(i))).toBeLessThan(
      items.findIndex((i) => /chocolatey\.org/.test(i)),
    );
    await wb.screenshot('22-status-picker');
    await wb.page.keyboard.press('Escape');
  });
});
