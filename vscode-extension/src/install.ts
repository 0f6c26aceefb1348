// "Copy Install Snippet": how to use a package from its feed, for the feed's type. Strings only; the
// endpoint is the feed's own `endpointUrl` when ProGet gave one, else ProGet's usual path for that type.

import type { Feed } from '@proget-ci/core';

export interface InstallTarget {
  server: string;
  feed: Pick<Feed, 'name' | 'feedType' | 'endpointUrl'>;
  group: string;
  name: string;
  version?: string;
}

export interface InstallSnippet {
  /** What it is, as a quick pick shows it. */
  label: string;
  text: string;
}

const enc = encodeURIComponent;

/** A shell word: quoted only when it holds something a shell would read. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function endpoint(t: InstallTarget, path: string): string {
  return t.feed.endpointUrl?.replace(/\/+$/, '') || `${t.server}/${path}/${enc(t.feed.name)}`;
}

export function installSnippets(t: InstallTarget): InstallSnippet[] {
  const v = t.version;
  const full = t.group ? `${t.group}/${t.name}` : t.name;
  switch (t.feed.feedType) {
    case 'universal': {
      // The upack dependency form `group:name:range` (an empty group is written `:name:range`).
      const dependency = v ? `${t.group}:${t.name}:${v}` : full;
      return [
        { label: 'upack.json dependency', text: `"dependencies": [${JSON.stringify(dependency)}]` },
        {
          label: 'pgutil command (download)',
          text: [
            'pgutil packages download',
            `--source=${shellWord(t.server)}`,
            `--feed=${shellWord(t.feed.name)}`,
            `--package=${shellWord(full)}`,
            ...(v ? [`--version=${shellWord(v)}`] : []),
          ].join(' '),
        },
      ];
    }
    case 'npm': {
      const registry = `${endpoint(t, 'npm')}/`;
      const spec = `${t.group ? `@${t.group.replace(/^@/, '')}/` : ''}${t.name}${v ? `@${v}` : ''}`;
      return [
        { label: 'npm install', text: `npm install ${shellWord(spec)} --registry=${shellWord(registry)}` },
        {
          label: '.npmrc registry line',
          text: `${t.group ? `@${t.group.replace(/^@/, '')}:` : ''}registry=${registry}`,
        },
      ];
    }
    case 'nuget':
    case 'chocolatey':
    case 'powershell': {
      const source = `${endpoint(t, 'nuget')}${t.feed.endpointUrl ? '' : '/v3/index.json'}`;
      const snippets: InstallSnippet[] = [
        {
          label: 'dotnet add package',
          text: `dotnet add package ${shellWord(t.name)}${v ? ` --version ${shellWord(v)}` : ''} --source ${shellWord(source)}`,
        },
        {
          label: 'PackageReference',
          text: `<PackageReference Include="${xml(t.name)}"${v ? ` Version="${xml(v)}"` : ''} />`,
        },
      ];
      if (t.feed.feedType === 'chocolatey') {
        snippets.unshift({
          label: 'choco install',
          text: `choco install ${shellWord(t.name)}${v ? ` --version=${shellWord(v)}` : ''} --source=${shellWord(endpoint(t, 'nuget'))}`,
        });
      }
      if (t.feed.feedType === 'powershell') {
        snippets.unshift({
          label: 'Install-Module',
          text: `Install-Module -Name ${shellWord(t.name)}${v ? ` -RequiredVersion ${shellWord(v)}` : ''} -Repository ProGet  # Register-PSRepository -Name ProGet -SourceLocation ${endpoint(t, 'nuget')}`,
        });
      }
      return snippets;
    }
    case 'pypi': {
      const index = `${endpoint(t, 'pypi')}${t.feed.endpointUrl ? '' : '/simple'}`;
      return [
        {
          label: 'pip install',
          text: `pip install ${shellWord(`${t.name}${v ? `==${v}` : ''}`)} --index-url ${shellWord(index)}`,
        },
        { label: 'requirements.txt line', text: `${t.name}${v ? `==${v}` : ''}` },
      ];
    }
    case 'docker':
    case 'helm':
    case 'container': {
      const host = hostOf(t.server);
      const image = `${host}/${t.feed.name}/${full}`.toLowerCase();
      return [
        { label: 'docker pull', text: `docker pull ${shellWord(`${image}${v ? `:${v}` : ''}`)}` },
        { label: 'image reference', text: `${image}${v ? `:${v}` : ''}` },
      ];
    }
    default:
      return [];
  }
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
