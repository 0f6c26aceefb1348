// Compliance and vulnerabilities on version rows, against the simulator's SCA server through the real core
// client: every verdict of the seeded data set, ProGet Free (nothing shown, one log line), lazy and cached
// lookups (none for the first page, none for a second expand, new ones after Refresh), bounded concurrency,
// and the Show Compliance Report command.

import { ProGetClient, type ProGetClientApi } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

/** The report command also needs documents and progress, which the shared fake leaves out. */
const opened: { uri: string; text: string }[] = [];
vi.mock('vscode', async () => {
  const fake = await import('./fake-vscode.js');
  let provider: { provideTextDocumentContent(uri: unknown): string } | undefined;
  return {
    ...fake,
    workspace: {
      ...fake.workspace,
      registerTextDocumentContentProvider(_scheme: string, p: typeof provider) {
        provider = p;
        return new fake.Disposable(() => {});
      },
      async openTextDocument(uri: { toString(): string }) {
        const text = provider?.provideTextDocumentContent(uri) ?? '';
        opened.push({ uri: uri.toString(), text });
        return { uri, getText: () => text };
      },
    },
    window: {
      ...fake.window,
      withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
      showTextDocument: async (doc: unknown) => doc,
    },
  };
});

const { FeedsTreeProvider } = await import('../src/tree/provider.js');
const { COMPLIANCE_CONCURRENCY } = await import('../src/compliance/lookup.js');
const { ComplianceReports, showComplianceReport, REPORT_SCHEME } = await import(
  '../src/compliance/command.js'
);
const { complianceReport } = await import('../src/compliance/report.js');
const vscode = await import('vscode');
type Provider = InstanceType<typeof FeedsTreeProvider>;
type TreeNode = import('../src/tree/model.js').TreeNode;
type VersionNode = import('../src/tree/model.js').VersionNode;
type ServerRef = import('../src/tree/model.js').ServerRef;
type TreeItem = import('./fake-vscode.js').TreeItem;
type MarkdownString = import('./fake-vscode.js').MarkdownString;

let sim: SimulatorHandle;
let free: SimulatorHandle;

beforeAll(async () => {
  [sim, free] = await Promise.all([
    startSimulator({
      seed: 'demo',
      edition: 'Enterprise',
      feeds: [{ name: 'npm-feed', feedType: 'npm', description: 'npm packages', connectors: ['npmjs.org'] }],
      // The demo's universal HDARS versions get facts too, so a real expanded package shows verdicts.
      sca: {
        packages: {
          'pkg:upack/HDARS@1.3.10': { licenses: ['MIT'] },
          'pkg:upack/HDARS@1.3.9': { licenses: ['LGPL-2.1-only'] },
          'pkg:upack/HDARS@1.3.7': { licenses: ['MIT'] },
          'pkg:upack/HDARS@0.0.22': { licenses: ['MIT'], malicious: true },
          'pkg:npm/left-pad@1.3.0': { licenses: ['MIT'] },
          // Never cached, no license: Inconclusive, for the concurrency test.
          ...Object.fromEntries(
            Array.from({ length: 16 }, (_, i) => [
              `pkg:npm/widget-${i}@1.0.0`,
              { licenses: [], cached: false },
            ]),
          ),
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
          {
            id: 'PGV-9000002',
            summary: 'Prototype pollution in left-pad',
            details: 'For the assessment test only.',
            numericCvss: 5.0,
            severity: 'Medium',
            published: '2026-01-01T00:00:00Z',
            affects: ['pkg:npm/left-pad@1.3.0'],
          },
        ],
      },
    }),
    startSimulator({ seed: 'demo', edition: 'Free' }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim?.close(), free?.close()]);
});

interface Setup {
  sim: SimulatorHandle;
  wrap?: (client: ProGetClientApi) => void;
}

function makeProvider(setup: Setup) {
  const server: ServerRef = { url: setup.sim.url, name: 'Sim' };
  const logs: string[] = [];
  const changes: unknown[] = [];
  let client: ProGetClientApi | undefined;
  const provider = new FeedsTreeProvider({
    servers: () => [server],
    client: async () => {
      if (!client) {
        client = new ProGetClient({ url: server.url, apiKey: 'demo-admin-key', retries: 0, timeoutMs: 5000 });
        setup.wrap?.(client);
      }
      return client;
    },
    auth: () => 'key',
    pageSize: () => 100,
    log: { warn: (m) => logs.push(m), debug: () => {} },
  });
  provider.onDidChangeTreeData((e) => changes.push(e));
  return { provider, server, logs, changes };
}

const item = (p: Provider, n: TreeNode) => p.getTreeItem(n) as unknown as TreeItem;
const labelOf = (p: Provider, n: TreeNode) => item(p, n).label;

async function child(p: Provider, parent: TreeNode | undefined, text: string) {
  const children = await p.getChildren(parent);
  const found = children.find((c) => labelOf(p, c) === text);
  if (!found) throw new Error(`no child "${text}" among ${children.map((c) => labelOf(p, c)).join(', ')}`);
  return found;
}

async function metadataRequests(s: SimulatorHandle): Promise<string[]> {
  // The simulator logs a request when its connection closes, a moment after the client is done.
  await new Promise((r) => setTimeout(r, 100));
  return s
    .requests()
    .map((r) => r.url)
    .filter((u) => /\/metadata\?/.test(u));
}

/** Waits (bounded) until every row has data: their items are drawn again until then. */
async function settled(p: Provider, rows: VersionNode[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (rows.every((r) => p.compliance.peek(r) !== undefined)) {
      await new Promise((r) => setTimeout(r, 50));
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('compliance did not arrive within 2 s');
}

/** A version row of `npm-feed` (the simulator's data set answers for npm purls without a stored package). */
function npmRow(server: ServerRef, name: string, version: string): VersionNode {
  const serverNode = { type: 'server' as const, server };
  const feed = {
    type: 'feed' as const,
    parent: serverNode,
    feed: {
      name: 'npm-feed',
      feedType: 'npm',
      description: '',
      active: true,
      connectors: [],
    } as unknown as import('@proget-ci/core').Feed,
  };
  const pkg = { type: 'package' as const, parent: feed, group: '', name };
  return { type: 'version', parent: pkg, version, prerelease: false };
}

async function tooltipOf(p: Provider, node: VersionNode): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  const resolved = (await p.resolveTreeItem(
    p.getTreeItem(node),
    node,
    source.token as never,
  )) as unknown as TreeItem;
  return (resolved.tooltip as MarkdownString).value;
}

describe('every verdict of the seeded data set', () => {
  const cases = [
    ['lodash', '4.17.21', 'compliant', 'shield', 'testing.iconPassed'],
    ['semver', '7.5.1', 'warn', 'warning', 'list.warningForeground'],
    ['lodash', '4.17.20', 'noncompliant', 'error', 'list.errorForeground'],
    ['mystery-widget', '1.0.0', 'inconclusive', 'question', 'charts.blue'],
    ['event-stream', '3.3.6', 'download blocked', 'circle-slash', 'list.errorForeground'],
  ] as const;

  test.each(cases)('%s %s: %s', async (name, version, word, icon, color) => {
    const { provider, server } = makeProvider({ sim });
    const row = npmRow(server, name, version);
    // Drawn before the data is there: the plain icon, no verdict, no report menu.
    const before = item(provider, row);
    expect(before.iconPath?.id).toBe('tag');
    expect(before.contextValue).not.toMatch(/\bcompliance\b/);
    await settled(provider, [row]);
    const after = item(provider, row);
    expect(after.iconPath?.id).toBe(icon);
    expect(after.iconPath?.color?.id).toBe(color);
    expect(after.description).toContain(word);
    expect(after.contextValue).toMatch(/^proget\.version;.*\bcompliance\b/);
  });

  test('tooltips name severity, ids, license and assessment', async () => {
    const { provider, server } = makeProvider({ sim });
    const rows = {
      critical: npmRow(server, 'lodash', '4.17.20'),
      medium: npmRow(server, 'semver', '7.5.1'),
      clean: npmRow(server, 'lodash', '4.17.21'),
      blocked: npmRow(server, 'event-stream', '3.3.6'),
      unknown: npmRow(server, 'mystery-widget', '1.0.0'),
    };
    for (const r of Object.values(rows)) item(provider, r);
    await settled(provider, Object.values(rows));
    const critical = await tooltipOf(provider, rows.critical);
    expect(critical).toContain('$(error) **Noncompliant**');
    expect(critical).toMatch(/\| PGV\\-2123337 \| Critical \(9\.1\) \| not assessed \|/);
    expect(critical).toContain('License: MIT');
    expect(critical).toContain('Policy: Vulnerability \\(PGV\\-2123337\\)');
    const medium = await tooltipOf(provider, rows.medium);
    expect(medium).toContain('$(warning) **Warn**');
    expect(medium).toMatch(/PGV\\-2225883 \| Medium \(5\.3\)/);
    const clean = await tooltipOf(provider, rows.clean);
    expect(clean).toContain('$(shield) **Compliant**');
    expect(clean).toContain('No known vulnerabilities.');
    const blocked = await tooltipOf(provider, rows.blocked);
    expect(blocked).toContain('ProGet blocks downloads of this version.');
    expect(blocked).toContain('Malicious package');
    const unknown = await tooltipOf(provider, rows.unknown);
    expect(unknown).toContain('$(question) **Inconclusive**');
    expect(unknown).toContain('No license detected');
  });

  test('an assessment shows in the tooltip', async () => {
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0 });
    const { provider, server } = makeProvider({ sim });
    const row = npmRow(server, 'left-pad', '1.3.0');
    item(provider, row);
    await settled(provider, [row]);
    expect(item(provider, row).iconPath?.id).toBe('warning');
    expect(await tooltipOf(provider, row)).toMatch(/PGV\\-9000002 \| Medium \(5\) \| not assessed/);
    await client.sca.vulnerabilities.assess({ id: 'PGV-9000002', type: 'contain', comment: 'reachable' });
    // Refresh looks it up again: Contain makes the medium vulnerability noncompliant.
    provider.refresh();
    item(provider, row);
    await new Promise((r) => setTimeout(r, 300));
    expect(item(provider, row).iconPath?.id).toBe('error');
    expect(await tooltipOf(provider, row)).toMatch(
      /PGV\\-9000002 \| Medium \(5\) \| Contain \\\(blocks download\\\) by SYSTEM/,
    );
  });
});

describe('lazy and cached', () => {
  test('the first page asks for no metadata; shown versions do, once; a second expand asks nothing', async () => {
    const { provider, changes } = makeProvider({ sim });
    const before = (await metadataRequests(sim)).length;
    const [server] = await provider.getChildren();
    const feed = await child(provider, server, 'dev-feed');
    const packages = await provider.getChildren(feed);
    for (const p of packages) item(provider, p);
    expect((await metadataRequests(sim)).length).toBe(before);

    const hdars = await child(provider, feed, 'HDARS');
    const versions = (await provider.getChildren(hdars)) as VersionNode[];
    expect(versions.map((v) => v.version)).toEqual(['1.3.10', '1.3.9', '1.3.7', '0.0.22']);
    // The rows come back at once, without waiting for any lookup.
    expect(versions.map((v) => item(provider, v).iconPath?.id)).toEqual(['tag', 'tag', 'tag', 'tag']);
    await settled(provider, versions);
    const after = await metadataRequests(sim);
    expect(after.length - before).toBe(4);
    expect(after.slice(before).every((u) => /\/api\/packages\/dev-feed\/metadata\?/.test(u))).toBe(true);
    // The rows that asked were redrawn (one batched change event names them).
    expect(
      changes.some((c) => Array.isArray(c) && c.length > 0 && c.every((n) => versions.includes(n))),
    ).toBe(true);
    expect(versions.map((v) => item(provider, v).iconPath?.id)).toEqual([
      'shield',
      'warning',
      'error',
      'circle-slash',
    ]);
    expect(await tooltipOf(provider, versions[2]!)).toContain('PGV\\-9000001 | Critical (9.8)');

    // Collapse and expand again, hover: all from the cache.
    const again = (await provider.getChildren(hdars)) as VersionNode[];
    for (const v of again) item(provider, v);
    await tooltipOf(provider, again[0]!);
    expect((await metadataRequests(sim)).length).toBe(after.length);

    // Refresh looks them up again.
    provider.refresh(hdars);
    const fresh = (await provider.getChildren(hdars)) as VersionNode[];
    for (const v of fresh) item(provider, v);
    await new Promise((r) => setTimeout(r, 300));
    expect((await metadataRequests(sim)).length - after.length).toBe(4);
  });

  test('at most a few lookups run at once, the first one alone', async () => {
    let inFlight = 0;
    const events: string[] = [];
    const seen: number[] = [];
    const { provider, server } = makeProvider({
      sim,
      wrap: (client) => {
        const packages = client.sca.packages as { metadata: (...a: never[]) => Promise<unknown> };
        const original = packages.metadata.bind(packages);
        packages.metadata = async (...args: never[]) => {
          inFlight++;
          seen.push(inFlight);
          events.push('start');
          try {
            await new Promise((r) => setTimeout(r, 30));
            return await original(...args);
          } finally {
            inFlight--;
            events.push('end');
          }
        };
      },
    });
    const rows = Array.from({ length: 16 }, (_, i) => npmRow(server, `widget-${i}`, '1.0.0'));
    for (const r of rows) item(provider, r);
    await settled(provider, rows);
    expect(seen).toHaveLength(16);
    // The probe finishes before anything else starts; then up to the limit at once, never more.
    expect(events.slice(0, 3)).toEqual(['start', 'end', 'start']);
    expect(Math.max(...seen)).toBe(COMPLIANCE_CONCURRENCY);
    expect(rows.every((r) => item(provider, r).iconPath?.id === 'question')).toBe(true);
  });

  test('cached data expires after its TTL', async () => {
    let now = 1_000_000;
    const server: ServerRef = { url: sim.url, name: 'Sim' };
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0 });
    const provider = new FeedsTreeProvider({
      servers: () => [server],
      client: async () => client,
      auth: () => 'key',
      pageSize: () => 100,
      log: { warn: () => {}, debug: () => {} },
      now: () => now,
    });
    const row = npmRow(server, 'lodash', '4.17.21');
    item(provider, row);
    await settled(provider, [row]);
    const count = (await metadataRequests(sim)).length;
    now += 4 * 60_000;
    item(provider, row);
    expect((await metadataRequests(sim)).length).toBe(count);
    now += 2 * 60_000;
    // Past five minutes: shown from the cache while a new lookup runs.
    expect(item(provider, row).iconPath?.id).toBe('shield');
    await new Promise((r) => setTimeout(r, 200));
    expect((await metadataRequests(sim)).length).toBe(count + 1);
  });
});

describe('servers without compliance data', () => {
  test('ProGet Free: no icon, one request, one log line, no error', async () => {
    const { provider, logs } = makeProvider({ sim: free });
    const [server] = await provider.getChildren();
    const feed = await child(provider, server, 'dev-feed');
    const hdars = await child(provider, feed, 'HDARS');
    const versions = (await provider.getChildren(hdars)) as VersionNode[];
    for (const v of versions) item(provider, v);
    await new Promise((r) => setTimeout(r, 300));
    for (const v of versions) item(provider, v);
    for (const v of (await provider.getChildren(hdars)) as VersionNode[]) item(provider, v);
    await new Promise((r) => setTimeout(r, 200));
    expect(await metadataRequests(free)).toHaveLength(1);
    expect(versions.map((v) => item(provider, v).iconPath?.id)).toEqual(['tag', 'tag', 'tag', 'tag']);
    expect(versions.every((v) => !String(item(provider, v).contextValue).includes('compliance'))).toBe(true);
    expect(await tooltipOf(provider, versions[0]!)).not.toMatch(
      /Compliant|Warn|Inconclusive|Vulnerabilit|License/,
    );
    expect(logs).toEqual([
      'Sim runs ProGet Free: compliance and vulnerability data need ProGet Basic or Enterprise, so the tree shows none.',
    ]);
    // Refresh probes once more (a licence may have changed), and still says it only once.
    provider.refresh();
    for (const v of (await provider.getChildren(hdars)) as VersionNode[]) item(provider, v);
    await new Promise((r) => setTimeout(r, 300));
    expect(await metadataRequests(free)).toHaveLength(2);
    expect(logs).toHaveLength(1);
  });

  test('a feed whose metadata API answers 404 for its own packages: one log line, then no requests', async () => {
    sim.setFaults([{ path: '^/api/packages/dev-feed/metadata$', fault: { type: 'status', status: 404 } }]);
    try {
      const { provider, logs } = makeProvider({ sim });
      const before = (await metadataRequests(sim)).length;
      const [server] = await provider.getChildren();
      const feed = await child(provider, server, 'dev-feed');
      const hdars = await child(provider, feed, 'HDARS');
      const versions = (await provider.getChildren(hdars)) as VersionNode[];
      for (const v of versions) item(provider, v);
      await new Promise((r) => setTimeout(r, 300));
      for (const v of versions) item(provider, v);
      await new Promise((r) => setTimeout(r, 100));
      expect((await metadataRequests(sim)).length - before).toBe(1);
      expect(versions.map((v) => item(provider, v).iconPath?.id)).toEqual(['tag', 'tag', 'tag', 'tag']);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^No compliance data for feed "dev-feed" on Sim: /);
    } finally {
      sim.setFaults([]);
    }
  });
});

describe('Show Compliance Report', () => {
  test('opens the full report as a read-only document and redraws the row', async () => {
    const { provider, server, changes } = makeProvider({ sim });
    const reports = new ComplianceReports();
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports);
    const row = npmRow(server, 'lodash', '4.17.20');
    opened.length = 0;
    await showComplianceReport(
      { lookup: provider.compliance, reports, redraw: (n) => provider.refreshRow(n) },
      row,
    );
    expect(opened).toHaveLength(1);
    const { uri, text } = opened[0]!;
    expect(uri).toBe(`proget-compliance://${new URL(sim.url).host}/npm-feed/lodash@4.17.20.md`);
    expect(uri).not.toContain('demo-admin-key');
    expect(text).toContain('# Compliance report: lodash 4.17.20');
    expect(text).toContain('**Noncompliant**');
    expect(text).toContain('## Vulnerabilities (1)');
    expect(text).toContain('### PGV-2123337 — Critical, score 9.1');
    expect(text).toContain('Command Injection in lodash');
    expect(text).toContain('- Assessment: not assessed');
    expect(text).toContain('## Licenses (1)');
    expect(text).toContain('- MIT — MIT License');
    expect(text).toContain('## Policy');
    expect(text).toContain('- Vulnerability (PGV-2123337)');
    expect(text).not.toContain('demo-admin-key');
    expect(changes).toContain(row);
    // The row now shows it without another request.
    const count = (await metadataRequests(sim)).length;
    expect(item(provider, row).iconPath?.id).toBe('error');
    expect((await metadataRequests(sim)).length).toBe(count);
  });

  test('every verdict has its report', async () => {
    const { provider, server } = makeProvider({ sim });
    const reports = new ComplianceReports();
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports);
    const deps = { lookup: provider.compliance, reports, redraw: () => {} };
    const expectations: [string, string, RegExp][] = [
      ['lodash', '4.17.21', /\*\*Compliant\*\*[\s\S]*No known vulnerabilities\.[\s\S]*No policy issues\./],
      ['semver', '7.5.1', /\*\*Warn\*\*[\s\S]*PGV-2225883 — Medium, score 5\.3/],
      ['mystery-widget', '1.0.0', /\*\*Inconclusive\*\*[\s\S]*No license detected\./],
      [
        'event-stream',
        '3.3.6',
        /\*\*Download blocked\*\*[\s\S]*Download: blocked by ProGet[\s\S]*Malicious package/,
      ],
    ];
    for (const [name, version, pattern] of expectations) {
      opened.length = 0;
      await showComplianceReport(deps, npmRow(server, name, version));
      expect(opened[0]?.text, `${name} ${version}`).toMatch(pattern);
    }
  });

  test('server text cannot add links, HTML or structure to the report', () => {
    const text = complianceReport(
      {
        name: 'x',
        version: '1.0.0',
        state: 'Local',
        licenses: [{ code: 'MIT', title: '<b>MIT</b> [see](command:proget.deleteVersion)' }],
        vulnerabilities: [
          { id: 'PGV-1', summary: '# Big\n- list [click](https://evil.example) `code`', assessments: [] },
        ],
        compliance: { verdict: 'warn', result: 'Warn', issues: ['*bold* | pipe'] },
        verdict: 'warn',
      },
      { serverName: 'S', serverUrl: 'http://127.0.0.1:1', feed: 'f', packageId: 'x', version: '1.0.0' },
    );
    expect(text).toContain('\\# Big - list \\[click\\](https://evil.example) \\`code\\`');
    expect(text).toContain('- MIT — \\<b\\>MIT\\</b\\> \\[see\\](command:proget.deleteVersion)');
    expect(text).toContain('- \\*bold\\* \\| pipe');
    expect(text).not.toMatch(/^# Big/m);
  });

  test('on ProGet Free it says why, in words, and opens nothing', async () => {
    const { provider } = makeProvider({ sim: free });
    const [serverNode] = await provider.getChildren();
    const feed = await child(provider, serverNode, 'dev-feed');
    const hdars = await child(provider, feed, 'HDARS');
    const [v] = (await provider.getChildren(hdars)) as VersionNode[];
    opened.length = 0;
    const reports = new ComplianceReports();
    await expect(
      showComplianceReport({ lookup: provider.compliance, reports, redraw: () => {} }, v!),
    ).rejects.toThrow(/runs ProGet Free: compliance and vulnerability data need ProGet Basic or Enterprise/);
    expect(opened).toHaveLength(0);
  });

  test('a version the server does not know: a clear error, nothing opened', async () => {
    const { provider, server } = makeProvider({ sim });
    const row = npmRow(server, 'left-pad', '0.0.0-gone');
    sim.setFaults([{ path: '^/api/packages/npm-feed/metadata$', fault: { type: 'status', status: 404 } }]);
    opened.length = 0;
    try {
      await expect(
        showComplianceReport(
          { lookup: provider.compliance, reports: new ComplianceReports(), redraw: () => {} },
          row,
        ),
      ).rejects.toThrow(/left-pad 0\.0\.0-gone has no metadata in feed "npm-feed" on Sim/);
    } finally {
      sim.setFaults([]);
    }
    expect(opened).toHaveLength(0);
  });
});
