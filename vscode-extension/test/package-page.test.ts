// The package page (issue 14): a script-less webview of one version, its description rendered from
// untrusted Markdown (sanitized), metadata, dependencies linked when they resolve, files and promotions.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { openPackagePage, targetOf } = await import('../src/page/packagePage.js');
const { parseDependency } = await import('../src/page/data.js');
const { renderMarkdown } = await import('../src/webview/markdown.js');
const fake = await import('./fake-vscode.js');

let sim: SimulatorHandle;
let free: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
  free = await startSimulator({ seed: 'demo', versionMode: '2024', edition: 'Free' });
});
afterAll(async () => {
  await sim.close();
  await free.close();
});

function deps(url: string, key = 'demo-admin-key') {
  const logs: string[] = [];
  return {
    logs,
    servers: {
      find: (u: string) => (u === url ? { url, name: 'Sim' } : undefined),
      client: async () => new ProGetClient({ url, apiKey: key, retries: 0 }),
    },
    log: { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) },
  };
}

describe('the package page', () => {
  test('shows description, metadata, a resolved dependency link, files and the promotion', async () => {
    const panel = await openPackagePage(deps(sim.url), {
      server: sim.url,
      feed: 'dev-feed',
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      version: '2.2.1',
    });
    const p = panel as unknown as InstanceType<typeof fake.FakeWebviewPanel>;
    expect(p.title).toBe('ABLast 2.2.1');
    expect(p.options.enableScripts).toBe(false);
    expect(p.options.enableCommandUris).toEqual(['proget.openPackagePage']);
    const html = p.webview.html;
    expect(html).toMatch(/script-src 'none'/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toMatch(/<h2>Description<\/h2>\s*<div class="description"><p>/);
    expect(html).toMatch(/<th>SHA-256<\/th><td><code>[0-9a-f]{64}<\/code>/);
    // The dependency resolves in dev-feed: a link to its own page, at the version it names.
    const link =
      /<a href="command:proget\.openPackagePage\?([^"]+)">initrode\/vendors-common\/ast-common 2\.0\.0<\/a>/.exec(
        html,
      );
    expect(link).not.toBeNull();
    expect(JSON.parse(decodeURIComponent(link![1]!.replace(/&amp;/g, '&')))).toEqual([
      {
        server: sim.url,
        feed: 'dev-feed',
        group: 'initrode/vendors-common',
        name: 'ast-common',
        version: '2.0.0',
      },
    ]);
    expect(html).toMatch(/<tr><td>dev-feed<\/td><td>approved-feed<\/td><td>[^<]+<\/td><td>SYSTEM<\/td>/);
    expect(html).toMatch(/<h2>Files<\/h2>\s*<table>/);
  });

  test('a dependency that is not in the feed is named, not linked', async () => {
    const panel = await openPackagePage(deps(sim.url), {
      server: sim.url,
      feed: 'approved-feed',
      group: 'initrode/vendors/abl',
      name: 'ABLast',
    });
    const html = (panel as unknown as InstanceType<typeof fake.FakeWebviewPanel>).webview.html;
    expect(html).toMatch(
      /initrode\/vendors-common\/ast-common 2\.0\.0 <span class="muted">\(not in approved-feed\)<\/span>/,
    );
    expect(html).not.toMatch(/command:proget\.openPackagePage/);
  });

  test('files of a package are listed; promotions say when the API is not available', async () => {
    const panel = await openPackagePage(deps(free.url, 'demo-view-key'), {
      server: free.url,
      feed: 'dev-feed',
      group: '',
      name: 'HDARS',
      version: '1.3.10',
    });
    const html = (panel as unknown as InstanceType<typeof fake.FakeWebviewPanel>).webview.html;
    expect(html).toMatch(/<td class="mono">assets\/muth\.png<\/td>/);
    expect(html).toMatch(/<h2>Promotions<\/h2>\s*<p class="muted">(Not promoted\.|Not available: .+)<\/p>/);
  });

  test('a link from another page to a server that is not configured opens nothing', async () => {
    fake.shown.length = 0;
    const panel = await openPackagePage(deps(sim.url), {
      server: 'http://127.0.0.1:9',
      feed: 'f',
      name: 'x',
    });
    expect(panel).toBeUndefined();
    expect(fake.shown.at(-1)!.text).toBe('http://127.0.0.1:9 is not a configured ProGet server.');
    expect(targetOf({ server: sim.url, feed: 'f', name: 3 })).toBeUndefined();
  });

  test('a version that is gone is said, not thrown', async () => {
    fake.shown.length = 0;
    const panel = await openPackagePage(deps(sim.url), {
      server: sim.url,
      feed: 'dev-feed',
      group: '',
      name: 'HDARS',
      version: '9.9.9',
    });
    expect(panel).toBeUndefined();
    expect(fake.shown.at(-1)!.text).toBe('HDARS 9.9.9 is not in dev-feed (any more).');
  });
});

describe('untrusted Markdown', () => {
  test('renders the common subset', () => {
    const html = renderMarkdown(
      '# Title\n\nSome **bold** and _it_ and `code`.\n\n- one\n- [two](https://example.com/x?a=1&b=2)\n\n```\n<b>x</b>\n```',
    );
    expect(html).toBe(
      [
        '<h3>Title</h3>',
        '<p>Some <strong>bold</strong> and <em>it</em> and <code>code</code>.</p>',
        '<ul><li>one</li><li><a href="https://example.com/x?a=1&amp;b=2" title="https://example.com/x?a=1&amp;b=2">two</a></li></ul>',
        '<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>',
      ].join('\n'),
    );
  });

  test('raw HTML, script links, command links and non-https images never become markup', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](command:workbench.action.terminal.new) [c](proget.openPackagePage)\n\n![i](http://tracker/x.png) ![j](https://ok.example/i.png)\n\n[x](https://e.example/" onclick="y)',
    );
    expect(html).not.toMatch(
      /<script|<img src=x|<[a-z][^>]*onerror|href="javascript|href="command|http:\/\/tracker/,
    );
    expect(html).toContain('<p>[image: i] <img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<img src="https://ok.example/i.png" alt="j">');
    expect(html).not.toMatch(/" onclick="/);
  });

  test('dependency strings follow the upack rules', () => {
    expect(parseDependency('initrode/vendors-common:ast-common:2.0.0')).toMatchObject({
      group: 'initrode/vendors-common',
      name: 'ast-common',
      range: '2.0.0',
    });
    expect(parseDependency('a/b/c')).toMatchObject({ group: 'a/b', name: 'c' });
    expect(parseDependency('solo')).toMatchObject({ group: '', name: 'solo' });
  });
});
