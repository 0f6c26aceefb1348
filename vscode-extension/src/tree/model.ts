// The elements of the Feeds tree: plain typed objects with a `type` discriminant and a `parent`.
// They hold what was fetched, never a client or a secret; the provider dispatches on `type`.

import type {
  Feed,
  FileEntry,
  PackageVersionInfo,
  UniversalPackage,
  UniversalVersion,
} from '@proget-ci/core';

export interface ServerRef {
  /** Normalized base URL, without a trailing slash: the key of settings and secrets. */
  url: string;
  /** Display name: the configured name or the host. */
  name: string;
}

export interface ServerNode {
  type: 'server';
  parent?: undefined;
  server: ServerRef;
}

export interface FeedNode {
  type: 'feed';
  parent: ServerNode;
  feed: Feed;
}

/** A package of any feed type; `universal` is set for universal feeds, `info` (latest) for the others. */
export interface PackageNode {
  type: 'package';
  parent: FeedNode;
  group: string;
  name: string;
  latestVersion?: string;
  universal?: UniversalPackage;
  info?: PackageVersionInfo;
}

export interface VersionNode {
  type: 'version';
  parent: PackageNode;
  version: string;
  prerelease: boolean;
  published?: string;
  universal?: UniversalVersion;
  info?: PackageVersionInfo;
}

export interface FolderNode {
  type: 'folder';
  parent: VersionNode | FolderNode;
  /** Path inside the package, e.g. `package/assets`. */
  path: string;
  name: string;
  children: (FolderNode | FileNode)[];
}

export interface FileNode {
  type: 'file';
  parent: VersionNode | FolderNode;
  /** Path inside the package, e.g. `package/assets/muth.png` or `upack.json`. */
  path: string;
  name: string;
  entry?: FileEntry;
}

export interface LoadMoreNode {
  type: 'loadMore';
  parent: FeedNode | PackageNode;
  shown: number;
  /** Undefined when only a first page is loaded and the server did not say how many there are. */
  total?: number;
}

export type MessageSeverity = 'error' | 'warning' | 'info';

/** An error, warning or hint shown in place of (or above) children, with an action to take. */
export interface MessageNode {
  type: 'message';
  parent?: TreeNode;
  /** Distinguishes several messages under one parent (`error`, `stale`, `empty`...). */
  key: string;
  severity: MessageSeverity;
  label: string;
  /** Short reason shown beside the label. */
  description?: string;
  detail?: string;
  action?: MessageAction;
}

export type MessageAction =
  | { kind: 'retry' }
  | { kind: 'setApiKey' }
  | { kind: 'openInProGet' }
  | { kind: 'addServer' }
  | { kind: 'clearFilter' };

export type TreeNode =
  | ServerNode
  | FeedNode
  | PackageNode
  | VersionNode
  | FolderNode
  | FileNode
  | LoadMoreNode
  | MessageNode;

export type ContainerNode = ServerNode | FeedNode | PackageNode | VersionNode;

export function packageIdText(node: { group: string; name: string }): string {
  return node.group ? `${node.group}/${node.name}` : node.name;
}

/** The node's server, found by walking up. */
export function serverOf(node: TreeNode): ServerRef | undefined {
  let n: TreeNode | undefined = node;
  while (n) {
    if (n.type === 'server') return n.server;
    n = n.parent;
  }
  return undefined;
}

export function feedOf(node: TreeNode): FeedNode | undefined {
  let n: TreeNode | undefined = node;
  while (n) {
    if (n.type === 'feed') return n;
    n = n.parent;
  }
  return undefined;
}

export function versionOf(node: TreeNode): VersionNode | undefined {
  let n: TreeNode | undefined = node;
  while (n) {
    if (n.type === 'version') return n;
    n = n.parent;
  }
  return undefined;
}

const enc = encodeURIComponent;

/**
 * Stable, unique ids: the same package in the same feed keeps its id across refreshes, so VS Code keeps
 * expanded nodes open. Each segment is encoded, so `/` in a group cannot collide with the separator.
 */
export function nodeId(node: TreeNode): string {
  switch (node.type) {
    case 'server':
      return `server:${enc(node.server.url)}`;
    case 'feed':
      return `${nodeId(node.parent)}/feed:${enc(node.feed.name)}`;
    case 'package':
      return `${nodeId(node.parent)}/pkg:${enc(node.group)}:${enc(node.name)}`;
    case 'version':
      return `${nodeId(node.parent)}/v:${enc(node.version)}`;
    case 'folder':
    case 'file':
      return `${versionOf(node) ? nodeId(versionOf(node)!) : ''}/${node.type}:${enc(node.path)}`;
    case 'loadMore':
      return `${nodeId(node.parent)}/more`;
    case 'message':
      return `${node.parent ? nodeId(node.parent) : 'root'}/msg:${node.key}`;
  }
}

/**
 * Context values are `;`-separated token sets, the node type first: menus match them with regexes such as
 * `/^proget\.version;.*\bpromotable\b/`, so a new token never breaks an existing menu.
 */
export function contextValue(type: string, tokens: (string | false | undefined)[]): string {
  return [`proget.${type}`, ...tokens.filter((t): t is string => typeof t === 'string' && t !== '')].join(
    ';',
  );
}

export function isContainer(node: TreeNode): node is ContainerNode {
  return node.type === 'server' || node.type === 'feed' || node.type === 'package' || node.type === 'version';
}

/** The node whose children a refresh of `node` reloads: itself, or the nearest container above it. */
export function containerFor(node: TreeNode): ContainerNode | undefined {
  let n: TreeNode | undefined = node;
  while (n && !isContainer(n)) n = n.parent;
  return n;
}
