// The tree model's pure parts: file nesting, ids, context values, proget: URIs, error items, snippets.

import { ProGetError } from '@proget-ci/core';
import { describe, expect, test } from 'vitest';
import { escapeMarkdown, formatBytes, formatCount } from '../src/format.js';
import { fileUriParts, parseFileUri } from '../src/fs/uri.js';
import { promoteCheckSnippet, publishSnippet } from '../src/snippets.js';
import { buildFileTree, MAX_FOLDER_DEPTH, packagePath } from '../src/tree/files.js';
import { matchesFilter } from '../src/tree/filter.js';
import { errorMessageNode } from '../src/tree/messages.js';
import {
  contextValue,
  type FeedNode,
  nodeId,
  type PackageNode,
  type ServerNode,
  type VersionNode,
} from '../src/tree/model.js';
import {
  comparePackages,
  compareVersionsDesc,
  firstOutOfOrder,
  isPrereleaseVersion,
} from '../src/tree/order.js';
import { packagePageUrl, universalDownloadUrl } from '../src/urls.js';

const server: ServerNode = { type: 'server', server: { url: 'https://p.example', name: 'p' } };
const feed: FeedNode = {
  type: 'feed',
  parent: server,
  feed: {
    name: 'dev feed',
    alternateNames: [],
    feedType: 'universal',
    active: true,
    connectors: [],
    source: 'management',
  },
};
const pkg: PackageNode = { type: 'package', parent: feed, group: 'a/b', name: 'tool' };
const version: VersionNode = { type: 'version', parent: pkg, version: '1.0.0', prerelease: false };

describe('buildFileTree', () => {
  test('nests folders, sorts folders first, puts upack.json first, accepts both path forms', () => {
    const tree = buildFileTree(version, [
      { name: 'z.txt', size: 1 },
      { name: 'package/lib/b.js', size: 2 },
      { name: 'lib/a.js', size: 3 },
      { name: 'lib\\sub\\c.js', size: 4 },
      { name: 'docs/', size: 0 },
    ]);
    const flat = (nodes: ReturnType<typeof buildFileTree>, depth = 0): string[] =>
      nodes.flatMap((n) => [
        `${'  '.repeat(depth)}${n.name}`,
        ...(n.type === 'folder' ? flat(n.children, depth + 1) : []),
      ]);
    expect(flat(tree)).toEqual([
      'upack.json',
      'package',
      '  docs',
      '  lib',
      '    sub',
      '      c.js',
      '    a.js',
      '    b.js',
      '  z.txt',
    ]);
    const lib = (tree[1] as { children: { path: string }[] }).children[1]!;
    expect(lib.path).toBe('package/lib');
  });

  test('a version without files still offers its manifest', () => {
    expect(buildFileTree(version, []).map((n) => n.name)).toEqual(['upack.json']);
    expect(packagePath('/x/y')).toBe('package/x/y');
  });
});

describe('a deeply nested file list (issue 15)', () => {
  const LEVELS = 100_000;
  const deep = `${'d/'.repeat(LEVELS)}`;

  test('100,000 levels build without overflowing the stack; folders stop at the bound', () => {
    const started = Date.now();
    const tree = buildFileTree(version, [
      { name: `${deep}leaf.txt`, size: 5 },
      { name: deep, size: 0 },
      { name: 'd/top.txt', size: 1 },
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Walk down iteratively, as deep as folders go.
    let folder = tree[1]!;
    let depth = 0;
    while (folder.type === 'folder') {
      const next = folder.children.find((c) => c.type === 'folder');
      if (!next) break;
      folder = next;
      depth++;
      expect(depth).toBeLessThanOrEqual(MAX_FOLDER_DEPTH);
    }
    expect(depth).toBe(MAX_FOLDER_DEPTH);
    // The last folder carries the rest of the directory path in its name.
    expect(folder.name.split('/')).toHaveLength(LEVELS - MAX_FOLDER_DEPTH + 1);
    // The file keeps its full path (what opening it fetches) and names the rest of the way down.
    const files: string[] = [];
    const stack = [...tree];
    for (let i = 0; i < 1_000 && stack.length; i++) {
      const n = stack.pop()!;
      if (n.type === 'folder') stack.push(...n.children);
      else files.push(n.path);
    }
    expect(files).toContain(`package/${deep}leaf.txt`);
    expect(files).toContain('package/d/top.txt');
    const leaf = tree[1]!.type === 'folder' ? findFile(tree[1]!, 'leaf.txt') : undefined;
    expect(leaf?.name.endsWith('/leaf.txt')).toBe(true);
    expect(leaf?.name.split('/')).toHaveLength(LEVELS - MAX_FOLDER_DEPTH + 2);
    // Ids of the deepest nodes are computed without recursion through the folders.
    expect(nodeId(leaf!)).toContain('leaf.txt');
  });

  test('a shallow path is unchanged by the bound', () => {
    const tree = buildFileTree(version, [{ name: 'a/b/c.txt', size: 1 }]);
    const a = (tree[1] as { children: { name: string; children: { name: string }[] }[] }).children[0]!;
    expect([a.name, a.children[0]!.name]).toEqual(['a', 'b']);
  });
});

function findFile(root: ReturnType<typeof buildFileTree>[number], suffix: string) {
  const stack = [root];
  for (let i = 0; i < 1_000 && stack.length; i++) {
    const n = stack.pop()!;
    if (n.type === 'folder') stack.push(...n.children);
    else if (n.name.endsWith(suffix)) return n;
  }
  return undefined;
}

describe('ids and context values', () => {
  test('ids are unique and encode separators, so groups with / cannot collide', () => {
    expect(nodeId(version)).toBe('server:https%3A%2F%2Fp.example/feed:dev%20feed/pkg:a%2Fb:tool/v:1.0.0');
    const other: PackageNode = { ...pkg, group: 'a', name: 'b/tool' };
    expect(nodeId(other)).not.toBe(nodeId(pkg));
  });

  test('context values are token sets with the type first', () => {
    expect(contextValue('version', ['universal', false, undefined, 'promotable'])).toBe(
      'proget.version;universal;promotable',
    );
    expect(/^proget\.version;.*\bpromotable\b/.test(contextValue('version', ['nuget', 'promotable']))).toBe(
      true,
    );
  });
});

describe('proget: URIs', () => {
  test('round-trip every field and never carry a key', () => {
    const ref = {
      server: 'https://p.example/sub',
      feed: 'dev feed',
      group: 'a/b',
      name: 'tool',
      version: '1.0.0+b',
      path: 'package/x y.txt',
    };
    const parts = fileUriParts(ref);
    expect(parts.path).toBe('/dev feed/a/b/tool/1.0.0+b/package/x y.txt');
    expect(parseFileUri({ scheme: 'proget', query: parts.query })).toEqual(ref);
    expect(parts.query).not.toMatch(/key/i);
    expect(parseFileUri({ scheme: 'file', query: parts.query })).toBeUndefined();
    expect(parseFileUri({ scheme: 'proget', query: 'server=x' })).toBeUndefined();
  });
});

describe('error items', () => {
  const err = (kind: ConstructorParameters<typeof ProGetError>[0]['kind'], extra = {}) =>
    new ProGetError({ kind, message: 'Could not list feeds: boom', ...extra });

  test('each kind says what to do', () => {
    expect(errorMessageNode(server, err('unauthorized'))).toMatchObject({ action: { kind: 'setApiKey' } });
    expect(errorMessageNode(server, err('forbidden'))).toMatchObject({ action: { kind: 'setApiKey' } });
    expect(errorMessageNode(server, err('network'))).toMatchObject({
      label: 'Server unreachable — retry',
      description: 'boom',
      action: { kind: 'retry' },
    });
    expect(errorMessageNode(feed, err('not-supported'))).toMatchObject({
      severity: 'info',
      action: { kind: 'openInProGet' },
      label: 'Not supported by this ProGet version — open in ProGet',
    });
    expect(errorMessageNode(feed, err('edition-required'))).toMatchObject({
      action: { kind: 'openInProGet' },
    });
    expect(
      errorMessageNode(feed, err('server', { status: 502, serverText: 'Bad gateway\nmore' })),
    ).toMatchObject({
      label: 'Server error 502 — retry',
      description: 'Bad gateway',
    });
    expect(errorMessageNode(feed, new Error('weird'))).toMatchObject({ label: 'weird — retry' });
  });
});

describe('filter, versions, URLs, snippets', () => {
  test('filter matches id or title, case-insensitively, with * wildcards', () => {
    const p: PackageNode = {
      ...pkg,
      universal: { name: 'tool', title: 'Build Tool', downloads: 0, versions: [], extra: {} },
    };
    expect(matchesFilter(p, 'TOOL')).toBe(true);
    expect(matchesFilter(p, 'build')).toBe(true);
    expect(matchesFilter(p, 'a/*tool')).toBe(true);
    expect(matchesFilter(p, 'x*y')).toBe(false);
  });

  test('versions sort newest first; non-SemVer versions still sort', () => {
    expect(['1.0.0', '1.10.0', '1.2.0-rc.1', '1.2.0'].sort(compareVersionsDesc)).toEqual([
      '1.10.0',
      '1.2.0',
      '1.2.0-rc.1',
      '1.0.0',
    ]);
    expect(['1.0.0.9', '1.0.0.10'].sort(compareVersionsDesc)).toEqual(['1.0.0.10', '1.0.0.9']);
    expect(isPrereleaseVersion('2.0.0-beta')).toBe(true);
    expect(isPrereleaseVersion('2.0.0+build-5')).toBe(false);
  });

  test('packages sort as ProGet lists them: group first ("" before any), then name, no case, no numbers', () => {
    const ids = [
      'X/p-9',
      'zeta',
      'x/P',
      'a/b/one',
      'a-b/one',
      'Alpha',
      'x/p-10',
      'alpha10',
      'alpha9',
      'a/one',
    ];
    const parsed = ids.map((id) => {
      const at = id.lastIndexOf('/');
      return at < 0 ? { name: id } : { group: id.slice(0, at), name: id.slice(at + 1) };
    });
    const sorted = [...parsed].sort(comparePackages).map((p) => (p.group ? `${p.group}/${p.name}` : p.name));
    expect(sorted).toEqual([
      'Alpha',
      'alpha10',
      'alpha9',
      'zeta',
      'a/one',
      'a-b/one',
      'a/b/one',
      'x/P',
      'x/p-10',
      'X/p-9',
    ]);
    expect(firstOutOfOrder([...parsed].sort(comparePackages))).toBe(-1);
    expect(firstOutOfOrder([{ name: 'b' }, { name: 'a' }])).toBe(1);
    expect(firstOutOfOrder([{ group: 'g', name: 'a' }, { name: 'z' }])).toBe(1);
    expect(firstOutOfOrder([])).toBe(-1);
  });

  test('web and download URLs encode each segment', () => {
    expect(packagePageUrl('https://p', 'dev feed', { group: 'a/b c', name: 'x' })).toBe(
      'https://p/feeds/dev%20feed/a/b%20c/x/versions',
    );
    expect(universalDownloadUrl('https://p', 'f', { group: '', name: 'x', version: '1.0.0' })).toBe(
      'https://p/upack/f/download/x/1.0.0',
    );
  });

  test('workflow snippets are prefilled and use the secret, never a key', () => {
    const t = { server: 'https://p.example', feed: 'dev-feed', group: 'a/b', name: 'tool', version: '1.0.0' };
    const pub = publishSnippet(t);
    expect(pub).toContain('uses: proget-ci/proget-ci/action/publish@v1');
    expect(pub).toContain('    feed: dev-feed\n    group: a/b\n    name: tool\n');
    expect(pub).toContain(`api-key: $\{{ secrets.PROGET_API_KEY }}`);
    const check = promoteCheckSnippet({ ...t, toFeed: 'approved-feed', version: '1.0' });
    expect(check).toContain('    from-feed: dev-feed\n    to-feed: approved-feed\n');
    expect(check).toContain("    version: '1.0'\n");
  });
});

describe('formatting', () => {
  test('counts, sizes, Markdown escapes', () => {
    expect(formatCount(4312)).toBe('4,312');
    expect(formatCount(100)).toBe('100');
    expect(formatBytes(57)).toBe('57 B');
    expect(formatBytes(2641)).toBe('2.6 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(escapeMarkdown('[x](javascript:alert(1))')).toBe('\\[x\\]\\(javascript:alert\\(1\\)\\)');
  });
});
