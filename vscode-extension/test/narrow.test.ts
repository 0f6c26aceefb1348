// Readable in a narrow sidebar (issue 14, UX): the package name is the label (a long group path is cut
// instead), long error reasons are cut in the row, and the tooltip carries the whole text.

import { describe, expect, test, vi } from 'vitest';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { shortReason } = await import('../src/format.js');
const { toTreeItem } = await import('../src/tree/items.js');
const { errorMessageNode } = await import('../src/tree/messages.js');
type TreeItem = import('./fake-vscode.js').TreeItem;

const server = { type: 'server' as const, server: { url: 'https://p.example', name: 'P' } };
const feed = {
  type: 'feed' as const,
  parent: server,
  feed: {
    name: 'dev',
    feedType: 'universal',
    active: true,
    alternateNames: [],
    connectors: [],
    source: 'management' as const,
  },
};

describe('narrow sidebar', () => {
  test('the package name is the label; the group follows the version in the description; the tooltip has the id', () => {
    const group = 'contoso/platform/shared-components/observability/exporters';
    const pkg = {
      type: 'package' as const,
      parent: feed,
      group,
      name: 'otel-exporter',
      latestVersion: '1.0.0',
    };
    const item = toTreeItem(pkg, { stale: false, promotable: false }) as unknown as TreeItem;
    // A narrow sidebar cuts the end of a row: the group, never the name or the version.
    expect(item.label).toBe('otel-exporter');
    expect(item.description).toBe(`1.0.0 · ${group}`);
    expect((item.tooltip as { value: string }).value).toContain(`\`${group}/otel-exporter\``);
    const plain = toTreeItem(
      { ...pkg, group: '' },
      { stale: false, promotable: false },
    ) as unknown as TreeItem;
    expect(plain.description).toBe('1.0.0');
  });

  test('a long error reason is cut in the row and whole in the tooltip', () => {
    const reason = `connect ECONNREFUSED 10.0.0.1:8624 while listing feeds of the build server ${'x'.repeat(80)} end`;
    const node = errorMessageNode(feed, new Error(reason));
    expect(node.label.length).toBeLessThanOrEqual(60 + ' — retry'.length);
    expect(node.label).toMatch(/… — retry$/);
    const item = toTreeItem(node, { stale: false, promotable: false }) as unknown as TreeItem;
    expect(item.tooltip).toBe(reason);
    const described = toTreeItem(
      {
        type: 'message',
        parent: feed,
        key: 'x',
        severity: 'warning',
        label: 'Could not list',
        description: reason,
      },
      { stale: false, promotable: false },
    ) as unknown as TreeItem;
    expect(String(described.description).length).toBeLessThanOrEqual(80);
    expect(described.tooltip).toBe(`Could not list: ${reason}`);
    expect(shortReason('short')).toBe('short');
  });
});

describe('multi-step inputs', () => {
  test('Promote: one title for the flow, and the step counter on each step', async () => {
    const fake = await import('./fake-vscode.js');
    const { promoteVersion } = await import('../src/commands/packageCommands.js');
    const pkg = { type: 'package' as const, parent: feed, group: 'g', name: 'n' };
    const version = { type: 'version' as const, parent: pkg, version: '1.0.0', prerelease: false };
    const other = { ...feed.feed, name: 'prod' };
    const deps = { tree: { feedsOf: async () => [feed.feed, other] } } as never;
    const picksBefore = fake.quickPicks.length;
    const boxesBefore = fake.inputBoxes.length;
    fake.quickPickAnswers.push((items) => items[0]);
    const running = promoteVersion(deps, version);
    for (let i = 0; i < 200 && fake.inputBoxes.length === boxesBefore; i++)
      await new Promise((r) => setTimeout(r, 5));
    const pick = fake.quickPicks[picksBefore]!;
    const box = fake.inputBoxes[boxesBefore]!;
    expect([pick.title, pick.step, pick.totalSteps]).toEqual(['Promote g/n 1.0.0 from dev', 1, 2]);
    expect([box.title, box.step, box.totalSteps]).toEqual(['Promote g/n 1.0.0 from dev', 2, 2]);
    box.close();
    await running;
  });
});
