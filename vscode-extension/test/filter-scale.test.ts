// The filter of a large feed (issue 17: 100,000 packages, each keystroke ≤ 50 ms): each package's text is
// lower-cased once, a keystroke that narrows the filter looks only through the last matches, and none of
// that changes what matches. Also: a list already in the tree's order is not sorted again.

import type { Feed, ProGetClientApi, UniversalPackage } from '@proget-ci/core';
import { describe, expect, test, vi } from 'vitest';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FilterResults, filterMatcher, matchesFilter, narrows } = await import('../src/tree/filter.js');
const { FeedsTreeProvider } = await import('../src/tree/provider.js');
type TreeNode = import('../src/tree/model.js').TreeNode;
type PackageNode = import('../src/tree/model.js').PackageNode;
type FeedNode = import('../src/tree/model.js').FeedNode;

const feed: FeedNode = {
  type: 'feed',
  parent: { type: 'server', server: { url: 'https://p.example', name: 'p' } },
  feed: { name: 'dev', feedType: 'universal', active: true } as Feed,
};

function pkg(group: string, name: string, title?: string): PackageNode {
  return {
    type: 'package',
    parent: feed,
    group,
    name,
    latestVersion: '1.0.0',
    universal: { group, name, title, downloads: 0, versions: ['1.0.0'], extra: {} } as UniversalPackage,
  };
}

/** 2,000 packages with varied ids and titles (a fixed PRNG: the same every run). */
function manyPackages(): PackageNode[] {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const words = ['core', 'Tool', 'lib', 'net', 'ui', 'data', 'API', 'x'];
  const w = () => words[Math.floor(rnd() * words.length)]!;
  return Array.from({ length: 2000 }, (_, i) =>
    pkg(rnd() < 0.2 ? '' : `${w()}/${w()}`, `${w()}-${w()}${i}`, rnd() < 0.5 ? `${w()} ${w()}` : undefined),
  );
}

const byScratch = (nodes: TreeNode[], f: string) => nodes.filter((n) => matchesFilter(n, f));

describe('filter at scale', () => {
  test('a wildcard matches within the id or within the title, never across the two', () => {
    const p = pkg('acme', 'widget', 'Fancy Gadget');
    expect(matchesFilter(p, 'acme/*get')).toBe(true);
    expect(matchesFilter(p, 'FANCY*gad')).toBe(true);
    expect(matchesFilter(p, 'widget*fancy')).toBe(false);
    expect(matchesFilter(p, 'get\nfan')).toBe(false);
    expect(matchesFilter(p, 'get\u0000fan')).toBe(false);
    expect(matchesFilter(p, 'get*\u0000*fan')).toBe(false);
    expect(
      filterMatcher('x')({ type: 'message', parent: feed, key: 'k', severity: 'info', label: 'l' }),
    ).toBe(true);
  });

  test('narrows: only a filter containing the last one (case-insensitively) looks through its matches', () => {
    expect(narrows('co', 'COre')).toBe(true);
    expect(narrows('c*e', 'c*el')).toBe(true);
    expect(narrows('core', 'cor')).toBe(false);
    expect(narrows('lib', 'core')).toBe(false);
  });

  test('typing, deleting and retyping gives what filtering from scratch gives, at every step', () => {
    const nodes: TreeNode[] = manyPackages();
    const results = new FilterResults();
    const steps = [
      'c',
      'co',
      'cor',
      'core',
      'core-',
      'core-t',
      'core-',
      'core',
      'Core/*',
      'core/*ui',
      'x*1',
      'x*12',
      'NET',
      'zzz',
      'z',
    ];
    for (const f of steps) {
      const got = results.filter('dev', nodes, f);
      expect(got, f).toEqual(byScratch(nodes, f));
    }
    // The same filter again is the same answer, not a new walk.
    expect(results.filter('dev', nodes, 'z')).toBe(results.filter('dev', nodes, 'z'));
  });

  test('a narrowing keystroke looks only through the last matches; a new list starts over', () => {
    const nodes: TreeNode[] = [pkg('a', 'core-1'), pkg('a', 'lib-1')];
    const results = new FilterResults();
    expect(results.filter('dev', nodes, 'core').map((n) => (n as PackageNode).name)).toEqual(['core-1']);
    // Added to the same array behind the filter's back: the narrowed keystroke does not walk the whole list.
    nodes.push(pkg('a', 'core-2'));
    expect(results.filter('dev', nodes, 'core-').map((n) => (n as PackageNode).name)).toEqual(['core-1']);
    // A reloaded list (a new array) is filtered whole.
    const reloaded = [...nodes];
    expect(results.filter('dev', reloaded, 'core-').map((n) => (n as PackageNode).name)).toEqual([
      'core-1',
      'core-2',
    ]);
    // Forgotten: the next filter walks the whole list again.
    results.forget('dev');
    expect(results.filter('dev', nodes, 'core-')).toHaveLength(2);
  });
});

describe('the tree with a large feed', () => {
  function server(names: () => string[]) {
    const client = {
      feeds: { list: async () => [{ name: 'big', feedType: 'universal', active: true } as Feed] },
      universal: {
        async listPackages(_feed: string, o?: { count?: number }): Promise<UniversalPackage[]> {
          return names()
            .slice(0, o?.count ?? 1000)
            .map((name) => ({ name, title: `Title ${name}`, downloads: 0, versions: ['1.0.0'], extra: {} }));
        },
        async meta() {
          return { packageCount: names().length, services: [] };
        },
      },
    } as unknown as ProGetClientApi;
    const warnings: string[] = [];
    const provider = new FeedsTreeProvider({
      servers: () => [{ url: 'https://p.example', name: 'P' }],
      client: async () => client,
      auth: () => 'key',
      pageSize: () => 10,
      log: { warn: (m) => warnings.push(m), debug: () => {} },
    });
    return { provider, warnings };
  }
  const shown = (kids: TreeNode[]) => kids.flatMap((k) => (k.type === 'package' ? [k.name] : []));
  const totalOf = (kids: TreeNode[]) => {
    const more = kids.find((k) => k.type === 'loadMore');
    return more?.type === 'loadMore' ? more.total : shown(kids).length;
  };

  test('each keystroke shows the right page and total; a refreshed list is filtered anew', async () => {
    // In the tree's order (p-00000 … p-04999): listed as it is, not sorted again.
    let names = Array.from({ length: 5000 }, (_, i) => `p-${String(i).padStart(5, '0')}`);
    const { provider, warnings } = server(() => names);
    const [root] = await provider.getChildren();
    const [big] = (await provider.getChildren(root)) as FeedNode[];
    expect(shown(await provider.getChildren(big!))).toHaveLength(10);
    const expectFor = async (f: string) => {
      provider.setFilter(big!, f);
      const kids = await provider.getChildren(big!);
      const want = names.filter((n) => n.includes(f) || `title ${n}`.includes(f));
      expect(shown(kids), f).toEqual(want.slice(0, 10));
      expect(totalOf(kids), f).toBe(want.length);
    };
    for (const f of ['p', 'p-', 'p-0', 'p-04', 'p-049', 'p-0499', 'p-049', 'p-04', 'title p-01'])
      await expectFor(f);
    // The server's list changes; a refresh reloads it and the same filter is applied to the new list.
    names = [...names.slice(0, 100), 'p-04990-new', ...names.slice(100)].sort();
    provider.refresh(big!);
    await expectFor('p-0499');
    expect(warnings).toEqual([]);
  });

  test("a list out of the tree's order is still sorted, and the server noted", async () => {
    const names = Array.from({ length: 50 }, (_, i) => `q-${String(49 - i).padStart(2, '0')}`);
    const { provider, warnings } = server(() => names);
    const [root] = await provider.getChildren();
    const [big] = (await provider.getChildren(root)) as FeedNode[];
    const kids = await provider.getChildren(big!);
    expect(shown(kids)).toEqual(Array.from({ length: 10 }, (_, i) => `q-${String(i).padStart(2, '0')}`));
    expect(warnings.join('\n')).toMatch(/not in the order the tree sorts by/);
  });
});
