// Copy Install Snippet (issue 14): for each feed type the tree shows, ways to use the package, with the
// feed's endpoint; the upack dependency is one core's manifest rules accept.

import { validateDependency } from '@proget-ci/core';
import { describe, expect, test, vi } from 'vitest';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { installSnippets, shellWord } = await import('../src/install.js');
const { copyInstallSnippet } = await import('../src/commands/packageCommands.js');
const fake = await import('./fake-vscode.js');

const server = 'https://proget.example:8624';
const feed = (feedType: string, name = 'f', endpointUrl?: string) => ({ name, feedType, endpointUrl });

describe('install snippets', () => {
  test('universal: an upack.json dependency and a pgutil command', () => {
    const s = installSnippets({
      server,
      feed: feed('universal', 'dev-feed'),
      group: 'initrode/vendors',
      name: 'ABLast',
      version: '2.2.1',
    });
    expect(s).toEqual([
      { label: 'upack.json dependency', text: '"dependencies": ["initrode/vendors:ABLast:2.2.1"]' },
      {
        label: 'pgutil command (download)',
        text: 'pgutil packages download --source=https://proget.example:8624 --feed=dev-feed --package=initrode/vendors/ABLast --version=2.2.1',
      },
    ]);
    const ungrouped = installSnippets({
      server,
      feed: feed('universal'),
      group: '',
      name: 'HDARS',
      version: '1.3.10',
    });
    const dep = JSON.parse(ungrouped[0]!.text.replace('"dependencies": ', ''))[0];
    expect(dep).toBe(':HDARS:1.3.10');
    expect(validateDependency(dep)).toBeUndefined();
    expect(validateDependency('initrode/vendors:ABLast:2.2.1')).toBeUndefined();
  });

  test('npm, NuGet, PyPI and containers use the feed endpoint when ProGet gave one', () => {
    expect(
      installSnippets({
        server,
        feed: feed('npm', 'npm-f'),
        group: '@babel',
        name: 'runtime',
        version: '7.25.0',
      })[0]!.text,
    ).toBe('npm install @babel/runtime@7.25.0 --registry=https://proget.example:8624/npm/npm-f/');
    expect(
      installSnippets({
        server,
        feed: feed('nuget', 'nuget-feed', 'https://proget.example:8624/nuget/nuget-feed/v3/index.json'),
        group: '',
        name: 'Newtonsoft.Json',
        version: '13.0.3',
      }).map((s) => s.text),
    ).toEqual([
      'dotnet add package Newtonsoft.Json --version 13.0.3 --source https://proget.example:8624/nuget/nuget-feed/v3/index.json',
      '<PackageReference Include="Newtonsoft.Json" Version="13.0.3" />',
    ]);
    expect(
      installSnippets({
        server,
        feed: feed('pypi', 'py'),
        group: '',
        name: 'requests',
        version: '2.32.0',
      })[0]!.text,
    ).toBe('pip install requests==2.32.0 --index-url https://proget.example:8624/pypi/py/simple');
    expect(
      installSnippets({
        server,
        feed: feed('docker', 'containers'),
        group: 'library',
        name: 'Nginx',
        version: '1.27',
      })[0]!.text,
    ).toBe('docker pull proget.example:8624/containers/library/nginx:1.27');
    expect(installSnippets({ server, feed: feed('rubygems'), group: '', name: 'x' })).toEqual([]);
  });

  test('shell words with spaces or quotes are quoted', () => {
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('plain-1.0')).toBe('plain-1.0');
  });

  test('the command offers them in a quick pick and copies the one chosen', async () => {
    const serverNode = { type: 'server' as const, server: { url: server, name: 'S' } };
    const feedNode = {
      type: 'feed' as const,
      parent: serverNode,
      feed: {
        name: 'dev-feed',
        feedType: 'universal',
        active: true,
        alternateNames: [],
        connectors: [],
        source: 'management' as const,
      },
    };
    const pkg = {
      type: 'package' as const,
      parent: feedNode,
      group: '',
      name: 'HDARS',
      latestVersion: '1.3.10',
    };
    let offered: { label: string }[] = [];
    fake.quickPickAnswers.push((items) => {
      offered = items;
      return items[1];
    });
    await copyInstallSnippet(pkg);
    expect(offered.map((i) => i.label)).toEqual(['upack.json dependency', 'pgutil command (download)']);
    expect(fake.env.clipboard.text).toBe(
      'pgutil packages download --source=https://proget.example:8624 --feed=dev-feed --package=HDARS --version=1.3.10',
    );
  });
});
