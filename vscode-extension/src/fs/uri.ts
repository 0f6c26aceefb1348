// `proget:` URIs name one file of one package version. They carry the server URL, feed, package,
// version and path — never a key: the provider looks the key up in secret storage when it reads.
// The path part is for people (tab titles, breadcrumbs); the query is what the provider parses.

export const SCHEME = 'proget';

export interface PackageFileRef {
  server: string;
  feed: string;
  group: string;
  name: string;
  version: string;
  /** Inside the package: `upack.json` or `package/...`. */
  path: string;
}

export interface UriParts {
  scheme: string;
  path: string;
  query: string;
}

export function fileUriParts(ref: PackageFileRef): UriParts {
  const pkg = ref.group ? `${ref.group}/${ref.name}` : ref.name;
  const query = new URLSearchParams({
    server: ref.server,
    feed: ref.feed,
    group: ref.group,
    name: ref.name,
    version: ref.version,
    path: ref.path,
  });
  return { scheme: SCHEME, path: `/${ref.feed}/${pkg}/${ref.version}/${ref.path}`, query: query.toString() };
}

/** Undefined when the URI is not one of ours or lacks a field. */
export function parseFileUri(uri: { scheme: string; query: string }): PackageFileRef | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const get = (k: string) => q.get(k) ?? undefined;
  const server = get('server');
  const feed = get('feed');
  const name = get('name');
  const version = get('version');
  const path = get('path');
  if (!server || !feed || !name || !version || !path) return undefined;
  return { server, feed, group: get('group') ?? '', name, version, path };
}
