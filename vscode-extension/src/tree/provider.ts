// The Feeds tree: one provider that dispatches on the node type, fetches through core, caches children
// per node, pages and filters client-side, and keeps the last good children when a refresh fails.
//
// Paging: ProGet's list endpoints have no offset, only `count`, so asking for page N means downloading
// pages 1..N again, and a filter over the whole feed is not possible that way. So a universal feed loads in
// two steps: its first expansion asks for one page (`count = pageSize + 1`, the extra one says whether
// there is more) and, in parallel, for the total from `/upack/{feed}/meta`; the whole list is fetched only
// when "Load more" goes past that page or a filter needs it, and is then cached, so further pages and
// filters need no request. The first page is the server's first page, so the tree uses the server's order
// (order.ts) and checks every list against it: a server that orders differently gets whole lists, sorted
// here, from then on. Other containers (a server's feeds, a package's versions, other feed types) have no
// `count` to ask for and are fetched whole.

import type {
  Feed,
  PackageVersionInfo,
  ProGetClientApi,
  UniversalPackage,
  UniversalVersion,
} from '@proget-ci/core';
import { isProGetError } from '@proget-ci/core';
import * as vscode from 'vscode';
import { buildFileTree, packagePath } from './files.js';
import { matchesFilter } from './filter.js';
import { type ItemState, toTreeItem, versionTooltip } from './items.js';
import { errorMessageNode, staleMessageNode } from './messages.js';
import {
  type ContainerNode,
  type FeedNode,
  type LoadMoreNode,
  type MessageNode,
  nodeId,
  type PackageNode,
  packageIdText,
  type ServerNode,
  type ServerRef,
  serverOf,
  type TreeNode,
  type VersionNode,
} from './model.js';
import { comparePackages, compareVersionsDesc, firstOutOfOrder, isPrereleaseVersion } from './order.js';

export interface TreeHost {
  servers(): ServerRef[];
  client(server: ServerRef): Promise<ProGetClientApi>;
  /** Synchronous view of whether a key is stored; undefined until known. */
  auth(server: ServerRef): 'key' | 'anonymous' | undefined;
  pageSize(): number;
  log: { warn(message: string): void; debug(message: string): void };
  now?: () => number;
}

/** The most packages one feed's list asks ProGet for (its default without `count` is 1000). */
export const MAX_LISTED_PACKAGES = 100_000;

interface ChildrenEntry {
  /** The last children that loaded: kept when a later refresh fails. */
  nodes?: TreeNode[];
  loadedAt?: number;
  /** Set when the most recent load failed. */
  error?: unknown;
  /** False after a refresh: the next getChildren loads again. */
  valid: boolean;
  loading?: Promise<void>;
  /**
   * Set while `nodes` is only a universal feed's first page (more exist): `total` is the feed's package
   * count from `/meta`, when the server gave a plausible one.
   */
  partial?: { total?: number };
  /** The whole list of a partial feed, while it is being fetched. */
  listingAll?: Promise<void>;
  /** Fetching the whole list failed: not tried again until "Load more", a filter or a refresh asks. */
  listAllError?: unknown;
  /** "Load more" or a filter asked since: fetch the whole list even though the last refresh failed. */
  listAllAsked?: boolean;
}

/** What a load of a container's children gives. */
interface Loaded {
  nodes: TreeNode[];
  partial?: { total?: number };
}

export class FeedsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly entries = new Map<string, ChildrenEntry>();
  private readonly shown = new Map<string, number>();
  private readonly filters = new Map<string, string>();
  /** Feeds per server URL, from the last feed list: promotion targets and the promote picker. */
  private readonly feedsByServer = new Map<string, Feed[]>();
  /** The node objects last handed to VS Code, by id: commands run from the palette act on these. */
  private readonly known = new Map<string, TreeNode>();
  /** Sizes and dates of files from version file lists, for the file system provider's stat. */
  private readonly fileFacts = new Map<string, { size: number; date?: string }>();
  /** Servers seen listing packages in another order than the tree's: their feeds are always listed whole. */
  private readonly otherOrder = new Set<string>();

  constructor(private readonly host: TreeHost) {}

  dispose(): void {
    this.changed.dispose();
  }

  // --- TreeDataProvider -------------------------------------------------------------------------------

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node, this.itemState(node));
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const servers = this.host.servers().map((server): ServerNode => ({ type: 'server', server }));
      for (const s of servers) this.known.set(nodeId(s), s);
      return servers;
    }
    switch (node.type) {
      case 'folder':
        return node.children;
      case 'file':
      case 'loadMore':
      case 'message':
        return [];
      case 'version':
        if (node.parent.parent.feed.feedType !== 'universal') return [];
        break;
    }
    return this.childrenOf(node);
  }

  async resolveTreeItem(
    item: vscode.TreeItem,
    node: TreeNode,
    token: vscode.CancellationToken,
  ): Promise<vscode.TreeItem> {
    if (node.type !== 'version') return item;
    if (!node.info) {
      // Size and hashes come from the Packages API; fetched on hover only, never for the whole list.
      try {
        const client = await this.host.client(serverOf(node)!);
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const infos = await client.packages.versions(
            node.parent.parent.feed.name,
            { group: node.parent.group || undefined, name: node.parent.name, version: node.version },
            { signal: controller.signal },
          );
          node.info = infos.find((i) => i.version === node.version) ?? infos[0];
        } finally {
          sub.dispose();
        }
      } catch (error) {
        this.host.log.debug(
          `No size or hashes for ${packageIdText(node.parent)} ${node.version}: ${firstLine(error)}`,
        );
      }
    }
    item.tooltip = versionTooltip(node);
    return item;
  }

  // --- Actions ----------------------------------------------------------------------------------------

  /** Reloads a node and everything below it (the whole tree without a node). Old children stay until then. */
  refresh(node?: TreeNode): void {
    if (!node) {
      for (const entry of this.entries.values()) entry.valid = false;
      this.changed.fire(undefined);
      return;
    }
    const target = containerFor(node);
    if (!target) {
      this.changed.fire(undefined);
      return;
    }
    const id = nodeId(target);
    for (const [key, entry] of this.entries) {
      if (key === id || key.startsWith(`${id}/`)) entry.valid = false;
    }
    this.changed.fire(target);
  }

  /**
   * Forgets a server's cached children and reloads it: used when its key changed, because results fetched
   * as someone else must not stay on screen as "last good".
   */
  reset(server: ServerNode): void {
    const id = nodeId(server);
    for (const key of [...this.entries.keys()]) {
      if (key === id || key.startsWith(`${id}/`)) this.entries.delete(key);
    }
    this.feedsByServer.delete(server.server.url);
    this.changed.fire(server);
  }

  /** Forgets everything about servers no longer configured, and redraws the root. */
  serversChanged(): void {
    const ids = new Set(this.host.servers().map((server) => nodeId({ type: 'server', server })));
    for (const key of [...this.entries.keys()]) {
      const serverId = key.split('/')[0]!;
      if (!ids.has(serverId)) this.entries.delete(key);
    }
    const urls = new Set(this.host.servers().map((s) => s.url));
    for (const url of [...this.otherOrder]) if (!urls.has(url)) this.otherOrder.delete(url);
    this.changed.fire(undefined);
  }

  loadMore(node: LoadMoreNode): void {
    const id = nodeId(node.parent);
    this.shown.set(id, (this.shown.get(id) ?? this.host.pageSize()) + this.host.pageSize());
    this.retryListAll(id);
    this.changed.fire(node.parent);
  }

  setFilter(feed: FeedNode, text: string | undefined): void {
    const id = nodeId(feed);
    const clean = text?.trim();
    if (clean) this.filters.set(id, clean);
    else this.filters.delete(id);
    this.shown.delete(id);
    this.retryListAll(id);
    this.changed.fire(feed);
  }

  /** Nodes VS Code has been given (for palette commands, which have no tree selection to act on). */
  knownNodes<T extends TreeNode['type']>(type: T): Extract<TreeNode, { type: T }>[] {
    return [...this.known.values()].filter((n): n is Extract<TreeNode, { type: T }> => n.type === type);
  }

  fileFact(key: string): { size: number; date?: string } | undefined {
    return this.fileFacts.get(key);
  }

  filterOf(feed: FeedNode): string | undefined {
    return this.filters.get(nodeId(feed));
  }

  /** Feeds last listed for a server (loading them if needed): for promotion targets. */
  async feedsOf(server: ServerRef): Promise<Feed[]> {
    const known = this.feedsByServer.get(server.url);
    if (known) return known;
    const client = await this.host.client(server);
    const feeds = await client.feeds.list({ includeInactive: true });
    this.feedsByServer.set(server.url, feeds);
    return feeds;
  }

  // --- Loading ----------------------------------------------------------------------------------------

  private async childrenOf(node: ContainerNode): Promise<TreeNode[]> {
    const id = nodeId(node);
    let entry = this.entries.get(id);
    if (entry?.loading) {
      await entry.loading;
      entry = this.entries.get(id)!;
    }
    // Also after waiting: a refresh asked for while that load ran wants data from after it.
    if (!entry || !entry.valid) entry = await this.load(node, entry);
    if (node.type === 'feed' && this.needsWholeList(node, entry)) await this.listAll(node, entry);
    const children = this.present(node, entry);
    for (const child of children) this.known.set(nodeId(child), child);
    return children;
  }

  private load(node: ContainerNode, previous: ChildrenEntry | undefined): Promise<ChildrenEntry> {
    const id = nodeId(node);
    const entry: ChildrenEntry = {
      nodes: previous?.nodes,
      loadedAt: previous?.loadedAt,
      partial: previous?.partial,
      valid: true,
    };
    const wasStale = previous?.error !== undefined && previous.nodes !== undefined;
    const loading = this.fetchChildren(node).then(
      (loaded) => {
        entry.nodes = loaded.nodes;
        entry.partial = loaded.partial;
        entry.loadedAt = this.now();
        entry.error = undefined;
        // The node's label said "showing cached"; redraw it now that the children are fresh.
        if (wasStale) setTimeout(() => this.changed.fire(node), 0);
      },
      (error: unknown) => {
        entry.error = error;
        this.host.log.warn(`Loading ${describe(node)} failed: ${firstLine(error)}`);
        // The node's own label says "cached"/"offline"; redraw it once the children are in.
        if (entry.nodes) setTimeout(() => this.changed.fire(node), 0);
      },
    );
    entry.loading = loading;
    this.entries.set(id, entry);
    return loading.then(() => {
      entry.loading = undefined;
      return entry;
    });
  }

  /** Whether a feed shows only its first page while the user wants more of it, or to filter all of it. */
  private needsWholeList(node: FeedNode, entry: ChildrenEntry): boolean {
    if (!entry.partial || entry.listAllError !== undefined) return false;
    // After a failed refresh only a user's "Load more" or filter tries the server again, not every redraw.
    if (entry.error !== undefined && !entry.listAllAsked) return false;
    const id = nodeId(node);
    return this.filters.has(id) || (this.shown.get(id) ?? this.host.pageSize()) > (entry.nodes?.length ?? 0);
  }

  /** Replaces a feed's first page with its whole list (one fetch however many callers wait for it). */
  private async listAll(node: FeedNode, entry: ChildrenEntry): Promise<void> {
    entry.listAllAsked = false;
    entry.listingAll ??= this.fetchWholeList(node)
      .then(
        (nodes) => {
          const wasStale = entry.error !== undefined;
          entry.nodes = nodes;
          entry.partial = undefined;
          entry.loadedAt = this.now();
          entry.error = undefined;
          // The feed's label said "cached"; redraw it now that its packages are fresh.
          if (wasStale) setTimeout(() => this.changed.fire(node), 0);
        },
        (error: unknown) => {
          entry.listAllError = error;
          this.host.log.warn(`Loading all ${describe(node)} failed: ${firstLine(error)}`);
        },
      )
      .finally(() => {
        entry.listingAll = undefined;
      });
    await entry.listingAll;
  }

  /** "Load more" and the filter are the user asking again: a failed whole-list fetch may be retried. */
  private retryListAll(id: string): void {
    const entry = this.entries.get(id);
    if (!entry?.partial) return;
    entry.listAllError = undefined;
    entry.listAllAsked = true;
  }

  private present(node: ContainerNode, entry: ChildrenEntry): TreeNode[] {
    if (entry.error !== undefined && !entry.nodes) {
      if (node.type === 'feed' && !node.feed.active) {
        // ProGet serves nothing from a disabled feed: say so instead of showing its 404.
        return [
          {
            type: 'message',
            parent: node,
            key: 'inactive',
            severity: 'info',
            label: 'Feed is inactive: ProGet does not serve its packages — open in ProGet',
            detail: errorText(entry.error),
            action: { kind: 'openInProGet' },
          },
        ];
      }
      if (
        node.type === 'feed' &&
        node.feed.feedType !== 'universal' &&
        (isProGetError(entry.error, 'not-found') ||
          isProGetError(entry.error, 'not-supported') ||
          isProGetError(entry.error, 'bad-request'))
      ) {
        // The Packages API does not cover every feed type (or every ProGet version): the web UI does.
        return [
          {
            type: 'message',
            parent: node,
            key: 'unsupported',
            severity: 'info',
            label: `Browse ${node.feed.feedType} packages in ProGet — open in ProGet`,
            description: 'not listed by the Packages API here',
            detail: errorText(entry.error),
            action: { kind: 'openInProGet' },
          },
        ];
      }
      return [errorMessageNode(node, entry.error, this.host.auth(serverOf(node)!))];
    }
    const all = entry.nodes ?? [];
    const out: TreeNode[] = [];
    if (entry.error !== undefined)
      out.push(staleMessageNode(node, entry.error, entry.loadedAt ?? this.now()));

    if (node.type === 'version') return [...out, ...all];

    const filter = node.type === 'feed' ? this.filters.get(nodeId(node)) : undefined;
    const partial = node.type === 'feed' ? entry.partial : undefined;
    // Only the first page is here because fetching the whole list (or the refresh) failed: filtering that
    // page would hide matches further down, so say why there is nothing to filter instead.
    const cause = entry.listAllError ?? entry.error;
    if (partial && filter && cause !== undefined) {
      return [
        {
          ...errorMessageNode(node, cause, this.host.auth(serverOf(node)!)),
          key: 'listAll',
          description: `the filter needs all packages: ${firstLine(cause)}`,
        },
      ];
    }
    const matching = filter ? all.filter((n) => matchesFilter(n, filter)) : all;
    if (matching.length === 0) {
      out.push(this.emptyMessage(node, filter));
      return out;
    }
    // Packages and versions page; a server's feeds are few and always shown whole.
    const paged = node.type === 'feed' || node.type === 'package';
    const limit = paged ? (this.shown.get(nodeId(node)) ?? this.host.pageSize()) : matching.length;
    const page = matching.slice(0, limit);
    out.push(...page);
    if (partial && entry.listAllError !== undefined) {
      // "Load more" could not get the rest: say so above it; clicking it (or this) tries again.
      out.push({
        ...errorMessageNode(node, entry.listAllError, this.host.auth(serverOf(node)!)),
        key: 'listAll',
      });
    }
    if (partial || page.length < matching.length) {
      out.push({
        type: 'loadMore',
        parent: node as FeedNode | PackageNode,
        shown: page.length,
        total: partial ? partial.total : matching.length,
      });
    }
    return out;
  }

  private emptyMessage(node: ContainerNode, filter: string | undefined): MessageNode {
    if (filter) {
      return {
        type: 'message',
        parent: node,
        key: 'empty',
        severity: 'info',
        label: `No packages match "${filter}" — clear filter`,
        action: { kind: 'clearFilter' },
      };
    }
    switch (node.type) {
      case 'server':
        return {
          type: 'message',
          parent: node,
          key: 'empty',
          severity: 'info',
          label:
            this.host.auth(node.server) === 'anonymous'
              ? 'No feeds visible to anonymous users — set API key…'
              : 'No feeds visible: the API key may be rejected or lack View privileges — set API key…',
          action: { kind: 'setApiKey' },
        };
      case 'feed':
        return { type: 'message', parent: node, key: 'empty', severity: 'info', label: 'No packages' };
      default:
        return { type: 'message', parent: node, key: 'empty', severity: 'info', label: 'No versions' };
    }
  }

  private async fetchChildren(node: ContainerNode): Promise<Loaded> {
    if (node.type === 'feed') return this.fetchPackages(node);
    return { nodes: await this.fetchWhole(node) };
  }

  /**
   * A feed's packages: a universal feed's first page (with the total from `/meta`), unless the user already
   * wants more than that (a refresh after "Load more", a filter) or the server's order is not the tree's.
   */
  private async fetchPackages(node: FeedNode): Promise<Loaded> {
    if (node.feed.feedType !== 'universal') return { nodes: await this.fetchWhole(node) };
    const server = serverOf(node)!;
    const id = nodeId(node);
    const size = this.host.pageSize();
    const wantsMore = this.filters.has(id) || (this.shown.get(id) ?? size) > size;
    if (wantsMore || this.otherOrder.has(server.url)) return { nodes: await this.fetchWholeList(node) };

    const client = await this.host.client(server);
    const feed = node.feed.name;
    const [first, meta] = await Promise.all([
      client.universal.listPackages(feed, { count: size + 1 }),
      // ProGet before feed API 1.3 answers /meta with 400: the tree then says "Load more (100 shown)".
      client.universal
        .meta(feed)
        .catch((error: unknown) => {
          this.host.log.debug(`No package count for ${feed}: ${firstLine(error)}`);
          return undefined;
        }),
    ]);
    this.checkOrder(server, first);
    if (first.length <= size) return { nodes: universalPackages(node, first) };
    if (first.length > size + 1 || this.otherOrder.has(server.url)) {
      // More than asked for: `count` was not honoured, so this is no first page to continue from.
      // Out of the tree's order: the first `size` are not the first page of the sorted feed.
      return { nodes: await this.fetchWholeList(node) };
    }
    const count = meta?.packageCount;
    return {
      nodes: universalPackages(node, first.slice(0, size)),
      // A count that contradicts what was just listed (connector packages counted differently) is left out.
      partial: { total: count !== undefined && count > size ? count : undefined },
    };
  }

  /** A universal feed's whole package list, sorted. */
  private async fetchWholeList(node: FeedNode): Promise<PackageNode[]> {
    const server = serverOf(node)!;
    const client = await this.host.client(server);
    // Without `count` ProGet answers at most 1000 packages, silently; ask for all of them, up to a ceiling.
    const listed = await client.universal.listPackages(node.feed.name, { count: MAX_LISTED_PACKAGES });
    if (listed.length >= MAX_LISTED_PACKAGES) {
      this.host.log.warn(
        `${node.feed.name} lists ${MAX_LISTED_PACKAGES} packages, the most this view asks for; use the filter to narrow it.`,
      );
    }
    this.checkOrder(server, listed);
    return universalPackages(node, listed);
  }

  /**
   * Notes a server that lists packages in another order than the tree's: the first pages it gives are not
   * the tree's first pages, so its feeds are listed whole (as before two-step loading) from now on.
   */
  private checkOrder(server: ServerRef, listed: readonly UniversalPackage[]): void {
    if (this.otherOrder.has(server.url)) return;
    const at = firstOutOfOrder(listed);
    if (at < 0) return;
    this.otherOrder.add(server.url);
    const id = (p: UniversalPackage) => packageIdText({ group: p.group ?? '', name: p.name });
    this.host.log.warn(
      `${server.url} lists "${id(listed[at - 1]!)}" before "${id(listed[at]!)}", not in the order the tree sorts by; its feeds are now listed whole and sorted here (slower for large feeds).`,
    );
  }

  private async fetchWhole(node: ContainerNode): Promise<TreeNode[]> {
    const server = serverOf(node)!;
    const client = await this.host.client(server);
    switch (node.type) {
      case 'server': {
        const feeds = await client.feeds.list({ includeInactive: true });
        this.feedsByServer.set(server.url, feeds);
        return [...feeds]
          .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))
          .map((feed): FeedNode => ({ type: 'feed', parent: node, feed }));
      }
      case 'feed':
        if (node.feed.feedType === 'universal') return this.fetchWholeList(node);
        return otherPackages(node, await client.packages.latest(node.feed.name));
      case 'package':
        return node.parent.feed.feedType === 'universal'
          ? universalVersions(
              node,
              await client.universal.listVersions(node.parent.feed.name, {
                group: node.group,
                name: node.name,
              }),
            )
          : otherVersions(
              node,
              await client.packages.versions(node.parent.feed.name, {
                group: node.group || undefined,
                name: node.name,
              }),
            );
      case 'version': {
        const feed = node.parent.parent.feed.name;
        const v = await client.universal.getVersion(
          feed,
          { group: node.parent.group || undefined, name: node.parent.name, version: node.version },
          { includeFileList: true },
        );
        if (v) node.universal = { ...node.universal, ...v };
        for (const entry of v?.fileList ?? []) {
          this.fileFacts.set(
            fileFactKey(
              server.url,
              feed,
              node.parent.group,
              node.parent.name,
              node.version,
              packagePath(entry.name),
            ),
            { size: entry.size, date: entry.date },
          );
        }
        return buildFileTree(node, v?.fileList ?? []);
      }
    }
  }

  private itemState(node: TreeNode): ItemState {
    const entry = isContainer(node) ? this.entries.get(nodeId(node)) : undefined;
    const server = serverOf(node);
    const state: ItemState = {
      stale: entry?.error !== undefined && entry.nodes !== undefined,
      promotable: false,
      auth: server ? this.host.auth(server) : undefined,
    };
    if (node.type === 'feed') state.filter = this.filters.get(nodeId(node));
    if (node.type === 'version' && server) {
      const feed = node.parent.parent.feed;
      state.promotable = (this.feedsByServer.get(server.url) ?? []).some(
        (f) => f.name !== feed.name && f.active && f.feedType === feed.feedType,
      );
    }
    return state;
  }

  private now(): number {
    return this.host.now?.() ?? Date.now();
  }
}

function universalPackages(parent: FeedNode, packages: UniversalPackage[]): PackageNode[] {
  return packages
    .map(
      (p): PackageNode => ({
        type: 'package',
        parent,
        group: p.group ?? '',
        name: p.name,
        latestVersion: p.latestVersion,
        universal: p,
      }),
    )
    .sort(comparePackages);
}

function otherPackages(parent: FeedNode, infos: PackageVersionInfo[]): PackageNode[] {
  return infos
    .map(
      (i): PackageNode => ({
        type: 'package',
        parent,
        group: i.group ?? '',
        name: i.name,
        latestVersion: i.version,
        info: i,
      }),
    )
    .sort(comparePackages);
}

function universalVersions(parent: PackageNode, versions: UniversalVersion[]): VersionNode[] {
  return versions
    .map(
      (v): VersionNode => ({
        type: 'version',
        parent,
        version: v.version,
        prerelease: isPrereleaseVersion(v.version),
        published: v.published,
        universal: v,
      }),
    )
    .sort((a, b) => compareVersionsDesc(a.version, b.version));
}

function otherVersions(parent: PackageNode, infos: PackageVersionInfo[]): VersionNode[] {
  return infos
    .map(
      (i): VersionNode => ({
        type: 'version',
        parent,
        version: i.version,
        prerelease: isPrereleaseVersion(i.version),
        published: i.published,
        info: i,
      }),
    )
    .sort((a, b) => compareVersionsDesc(a.version, b.version));
}

function isContainer(node: TreeNode): node is ContainerNode {
  return node.type === 'server' || node.type === 'feed' || node.type === 'package' || node.type === 'version';
}

/** The node whose children a refresh of `node` reloads: itself, or the nearest container above it. */
function containerFor(node: TreeNode): ContainerNode | undefined {
  let n: TreeNode | undefined = node;
  while (n && !isContainer(n)) n = n.parent;
  return n;
}

function describe(node: ContainerNode): string {
  switch (node.type) {
    case 'server':
      return `feeds of ${node.server.url}`;
    case 'feed':
      return `packages of ${node.feed.name}`;
    case 'package':
      return `versions of ${packageIdText(node)} in ${node.parent.feed.name}`;
    case 'version':
      return `files of ${packageIdText(node.parent)} ${node.version}`;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

export function fileFactKey(
  server: string,
  feed: string,
  group: string,
  name: string,
  version: string,
  path: string,
): string {
  return [server, feed, group, name, version, path].map(encodeURIComponent).join('|');
}
