// The Feeds tree: one provider that dispatches on the node type, keeps one load state per container
// (state.ts), fetches through fetch.ts, and presents through present.ts. It keeps the last good children
// when a refresh fails, and knows which nodes are on screen now (for palette commands).

import type { Feed, ProGetClientApi } from '@proget-ci/core';
import { errorSummary } from '@proget-ci/core';
import * as vscode from 'vscode';
import { appendComplianceTooltip } from '../compliance/item.js';
import { ComplianceLookup } from '../compliance/lookup.js';
import { complianceScope } from '../compliance/scope.js';
import { type FileFact, type FileFactRef, FileFacts } from '../fs/facts.js';
import { TreeFetcher } from './fetch.js';
import { FilterResults, filterMatcher, matchesFilter } from './filter.js';
import { type ItemState, toTreeItem, versionTooltip } from './items.js';
import {
  type ContainerNode,
  containerFor,
  type FeedNode,
  isContainer,
  type LoadMoreNode,
  nodeId,
  type PackageNode,
  packageIdText,
  type ServerNode,
  type ServerRef,
  serverOf,
  type TreeNode,
  type VersionNode,
} from './model.js';
import { present } from './present.js';
import { dataOf, type FirstPage, isStale, type LoadState, type SettledState, settledView } from './state.js';

export { MAX_LISTED_PACKAGES } from './fetch.js';

export interface TreeHost {
  servers(): ServerRef[];
  client(server: ServerRef): Promise<ProGetClientApi>;
  /** Synchronous view of whether a key is stored; undefined until known. */
  auth(server: ServerRef): 'key' | 'anonymous' | undefined;
  pageSize(): number;
  log: { warn(message: string): void; debug(message: string): void };
  now?: () => number;
}

export class FeedsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly states = new Map<string, LoadState>();
  private readonly shown = new Map<string, number>();
  private readonly filters = new Map<string, string>();
  private readonly filterResults = new FilterResults();
  private readonly facts = new FileFacts();
  private readonly serverNodeCache = new Map<string, ServerNode>();
  /** `server\nfeed` where a delete was refused for lack of a privilege: Delete is not offered there. */
  private readonly noDelete = new Set<string>();
  private readonly fetcher: TreeFetcher;
  /** Compliance of version rows, looked up only for rows VS Code draws. */
  readonly compliance: ComplianceLookup;

  constructor(private readonly host: TreeHost) {
    this.fetcher = new TreeFetcher(host, this.facts);
    this.compliance = new ComplianceLookup({
      client: (server) => host.client(server),
      log: host.log,
      now: host.now,
      changed: (rows) => this.changed.fire(rows),
    });
  }

  dispose(): void {
    this.compliance.dispose();
    this.changed.dispose();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node, this.itemState(node));
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.serverNodes();
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
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        node.info = await this.fetcher.versionInfo(node, controller.signal);
      } finally {
        sub.dispose();
      }
    }
    const tooltip = versionTooltip(node);
    appendComplianceTooltip(tooltip, this.compliance.peek(node));
    item.tooltip = tooltip;
    return item;
  }

  /** Reloads a node and everything below it (the whole tree without a node). Old children stay until then. */
  refresh(node?: TreeNode): void {
    if (!node) {
      for (const state of this.states.values()) state.outdated = true;
      this.compliance.invalidate();
      this.changed.fire(undefined);
      return;
    }
    const target = containerFor(node);
    if (!target) {
      this.changed.fire(undefined);
      return;
    }
    this.compliance.invalidate(complianceScope(target));
    const id = nodeId(target);
    for (const [key, state] of this.states) {
      if (key === id || key.startsWith(`${id}/`)) state.outdated = true;
    }
    this.changed.fire(target);
  }

  /**
   * Forgets a server's cached children and reloads it: used when its key changed, because results fetched
   * as someone else must not stay on screen as "last good".
   */
  reset(server: ServerNode): void {
    this.forget(nodeId(server));
    for (const key of [...this.noDelete])
      if (key.startsWith(`${server.server.url}\n`)) this.noDelete.delete(key);
    this.fetcher.forgetServer(server.server.url, false);
    this.compliance.forgetServer(server.server.url);
    this.changed.fire(server);
  }

  /** Forgets everything about servers no longer configured, and redraws the root. */
  serversChanged(): void {
    const current = this.host.servers();
    const ids = new Set(current.map((server) => nodeId({ type: 'server', server })));
    for (const key of [...this.states.keys()]) {
      const serverId = key.split('/')[0]!;
      if (!ids.has(serverId)) this.states.delete(key);
    }
    const urls = new Set(current.map((s) => s.url));
    for (const url of this.fetcher.knownServers()) if (!urls.has(url)) this.fetcher.forgetServer(url, true);
    for (const url of this.compliance.knownServers()) if (!urls.has(url)) this.compliance.forgetServer(url);
    this.changed.fire(undefined);
  }

  /**
   * Takes a deleted version off the screen at once (its package reloads too), so neither the tree nor the
   * palette offers it while the reload runs.
   */
  removed(node: VersionNode): void {
    const data = dataOf(this.states.get(nodeId(node.parent)));
    if (data) data.nodes = data.nodes.filter((n) => n.type !== 'version' || n.version !== node.version);
    this.forget(nodeId(node));
    this.refresh(node.parent);
  }

  /** The key may not delete in this version's feed: Delete is no longer offered there (until the key changes). */
  deleteRefused(node: VersionNode): void {
    this.noDelete.add(`${serverOf(node)!.url}\n${node.parent.parent.feed.name}`);
    // Each version row of that feed is redrawn itself: its context value is what the menu reads.
    const feedId = nodeId(node.parent.parent);
    const rows = this.knownNodes('version').filter((v) => nodeId(v.parent.parent) === feedId);
    this.changed.fire(rows.length ? rows : node);
  }

  /** Redraws one row (its compliance changed) without reloading anything. */
  refreshRow(node: VersionNode): void {
    this.changed.fire(node);
  }

  loadMore(node: LoadMoreNode): void {
    const id = nodeId(node.parent);
    this.shown.set(id, (this.shown.get(id) ?? this.host.pageSize()) + this.host.pageSize());
    this.retryRest(id);
    this.changed.fire(node.parent);
  }

  setFilter(feed: FeedNode, text: string | undefined): void {
    const id = nodeId(feed);
    const clean = text?.trim();
    if (clean) this.filters.set(id, clean);
    else {
      this.filters.delete(id);
      this.filterResults.forget(id);
    }
    this.shown.delete(id);
    this.retryRest(id);
    this.changed.fire(feed);
  }

  /**
   * Nodes of a type the tree shows now, for palette commands (which have no selection to act on): walked
   * from the configured servers through what each expanded container presents, so a removed server's
   * feeds, a deleted version or a filtered-out package is never offered.
   */
  knownNodes<T extends TreeNode['type']>(type: T): Extract<TreeNode, { type: T }>[] {
    const out: Extract<TreeNode, { type: T }>[] = [];
    const queue: TreeNode[] = this.serverNodes();
    // Bounded by what is on screen: every container presents at most a page of its children.
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      if (node.type === type) out.push(node as Extract<TreeNode, { type: T }>);
      if (!isContainer(node)) continue;
      const state = this.states.get(nodeId(node));
      const settled = settledView(state);
      if (settled) queue.push(...this.presented(node, settled));
    }
    return out;
  }

  fileFact(ref: FileFactRef): FileFact | undefined {
    return this.facts.get(ref);
  }

  filterOf(feed: FeedNode): string | undefined {
    return this.filters.get(nodeId(feed));
  }

  /** Feeds last listed for a server (loading them if needed): for promotion targets. */
  feedsOf(server: ServerRef): Promise<Feed[]> {
    return this.fetcher.feedsOf(server);
  }

  /** The configured servers as the tree's own nodes (for search, which walks them). */
  roots(): ServerNode[] {
    return this.serverNodes();
  }

  /**
   * A universal feed's whole package list, for search: the one the tree holds when it has it, else fetched
   * once (a first page is completed, as "Load more" would) and kept for the tree. Throws what the fetch threw.
   * `first`: told the feed's first page as soon as it is in, when the feed was not loaded yet (the tree
   * loads it as on expanding it: one page and the count, then the rest), so a search shows results before
   * the whole list has come.
   */
  async allPackages(feed: FeedNode, first?: (packages: PackageNode[]) => void): Promise<PackageNode[]> {
    const id = nodeId(feed);
    let state = this.states.get(id);
    for (let i = 0; state?.kind === 'loading' && i < 10; i++) {
      await state.done;
      state = this.states.get(id);
    }
    let settled = settledView(state);
    if (!settled && first) {
      settled = await this.load(feed, state);
      if (settled.kind === 'failed') throw settled.error;
      const page = dataOf(settled)!;
      if (page.firstPage) first(packagesOf(page.nodes));
    }
    const data = dataOf(settled);
    if (settled && data && !data.firstPage) return packagesOf(data.nodes);
    if (settled && data?.firstPage) {
      if (data.firstPage.rest.kind === 'failed') data.firstPage.rest = { kind: 'asked' };
      const after = dataOf(await this.fetchRest(feed, settled));
      // Read again: fetchRest changed it (the narrowing above does not know that).
      const rest = (data.firstPage as FirstPage).rest;
      if (after && !after.firstPage) return packagesOf(after.nodes);
      throw rest.kind === 'failed'
        ? rest.error
        : new Error(`Could not list all packages of ${feed.feed.name}`);
    }
    const nodes = await this.fetcher.wholeList(feed);
    // Only if nothing else settled meanwhile: the tree's own load wins.
    if (!settledView(this.states.get(id))) {
      this.states.set(id, { kind: 'loaded', outdated: false, data: { nodes, loadedAt: this.now() } });
    }
    return nodes;
  }

  /**
   * Makes a package of a feed's list visible in the tree before it is revealed: a filter that hides it is
   * cleared, and its feed shows enough pages to include it.
   */
  showPackage(pkg: PackageNode): void {
    const feed = pkg.parent;
    const id = nodeId(feed);
    const data = dataOf(this.states.get(id));
    if (!data) return;
    const filter = this.filters.get(id);
    if (filter && !matchesFilter(pkg, filter)) this.filters.delete(id);
    const list = this.filters.has(id) ? data.nodes.filter(filterMatcher(filter!)) : data.nodes;
    const at = list.indexOf(pkg);
    const size = this.host.pageSize();
    const shown = this.shown.get(id) ?? size;
    if (at >= shown) this.shown.set(id, Math.ceil((at + 1) / size) * size);
    this.changed.fire(feed);
  }

  /**
   * The configured servers as nodes, the same objects each time (while the name stays): VS Code finds the
   * element a change event names by identity, so a fresh object would make "reload this server" a no-op.
   */
  private serverNodes(): ServerNode[] {
    const nodes = this.host.servers().map((server): ServerNode => {
      const known = this.serverNodeCache.get(server.url);
      if (known && known.server.name === server.name) return known;
      const node: ServerNode = { type: 'server', server };
      this.serverNodeCache.set(server.url, node);
      return node;
    });
    const urls = new Set(nodes.map((n) => n.server.url));
    for (const url of [...this.serverNodeCache.keys()]) if (!urls.has(url)) this.serverNodeCache.delete(url);
    return nodes;
  }

  private async childrenOf(node: ContainerNode): Promise<TreeNode[]> {
    const id = nodeId(node);
    let state = this.states.get(id);
    // Bounded: a load settles its state when done; another starts only for a refresh asked meanwhile.
    for (let i = 0; state?.kind === 'loading' && i < 10; i++) {
      await state.done;
      state = this.states.get(id);
    }
    // Also after waiting: a refresh asked for while that load ran wants data from after it.
    if (!state || state.kind === 'loading' || state.outdated) state = await this.load(node, state);
    if (node.type === 'feed' && this.needsRest(node, state)) state = await this.fetchRest(node, state);
    return this.presented(node, state);
  }

  private presented(node: ContainerNode, state: SettledState): TreeNode[] {
    const id = nodeId(node);
    return present(node, state, {
      filter: node.type === 'feed' ? this.filters.get(id) : undefined,
      limit: this.shown.get(id) ?? this.host.pageSize(),
      auth: this.host.auth(serverOf(node)!),
      filtered: (nodes, filter) => this.filterResults.filter(id, nodes, filter),
    });
  }

  private async load(node: ContainerNode, previous: LoadState | undefined): Promise<SettledState> {
    const id = nodeId(node);
    const last = dataOf(previous);
    const wasStale = previous?.kind === 'stale';
    const wantsMore =
      node.type === 'feed' &&
      (this.filters.has(id) || (this.shown.get(id) ?? this.host.pageSize()) > this.host.pageSize());
    let settled!: SettledState;
    const settle = (next: SettledState) => {
      settled = next;
      if (this.states.get(id) === loading) this.states.set(id, next);
    };
    const loading: LoadState = {
      kind: 'loading',
      last,
      outdated: false,
      done: this.fetcher.children(node, wantsMore).then(
        (fetched) => {
          settle({
            kind: 'loaded',
            outdated: loading.outdated,
            data: {
              nodes: fetched.nodes,
              loadedAt: this.now(),
              firstPage: fetched.firstPage && { ...fetched.firstPage, rest: { kind: 'idle' } },
            },
          });
          // The node's label said "showing cached"; redraw it now that the children are fresh.
          if (wasStale) setTimeout(() => this.changed.fire(node), 0);
        },
        (error: unknown) => {
          this.host.log.warn(`Loading ${describe(node)} failed: ${errorSummary(error)}`);
          settle(
            last
              ? { kind: 'stale', data: last, error, outdated: loading.outdated }
              : { kind: 'failed', error, outdated: loading.outdated },
          );
          // The node's own label says "cached"/"offline"; redraw it once the children are in.
          if (last) setTimeout(() => this.changed.fire(node), 0);
        },
      ),
    };
    this.states.set(id, loading);
    await loading.done;
    return settled;
  }

  /** Whether a feed shows only its first page while the user wants more of it, or to filter all of it. */
  private needsRest(node: FeedNode, state: SettledState): boolean {
    const firstPage = dataOf(state)?.firstPage;
    if (!firstPage || firstPage.rest.kind === 'failed') return false;
    // After a failed refresh only a user's "Load more" or filter tries the server again, not every redraw.
    if (state.kind === 'stale' && firstPage.rest.kind !== 'asked') return false;
    const id = nodeId(node);
    return this.filters.has(id) || (this.shown.get(id) ?? this.host.pageSize()) > dataOf(state)!.nodes.length;
  }

  /** Replaces a feed's first page with its whole list (one fetch however many callers wait for it). */
  private async fetchRest(node: FeedNode, state: SettledState): Promise<SettledState> {
    const id = nodeId(node);
    const data = dataOf(state)!;
    const firstPage = data.firstPage!;
    if (firstPage.rest.kind !== 'fetching') {
      const rest = { kind: 'fetching' as const, done: Promise.resolve() };
      rest.done = this.fetcher.wholeList(node).then(
        (nodes) => {
          const current = this.states.get(id);
          if (current && current.kind !== 'loading' && dataOf(current) === data) {
            this.states.set(id, {
              kind: 'loaded',
              outdated: current.outdated,
              data: { nodes, loadedAt: this.now() },
            });
          }
          // The feed's label said "cached"; redraw it now that its packages are fresh.
          if (current?.kind === 'stale') setTimeout(() => this.changed.fire(node), 0);
        },
        (error: unknown) => {
          firstPage.rest = { kind: 'failed', error };
          this.host.log.warn(`Loading all ${describe(node)} failed: ${errorSummary(error)}`);
        },
      );
      firstPage.rest = rest;
    }
    await firstPage.rest.done;
    const now = this.states.get(id);
    return settledView(now) ?? state;
  }

  /** "Load more" and the filter are the user asking again: a failed whole-list fetch may be retried. */
  private retryRest(id: string): void {
    const firstPage = dataOf(this.states.get(id))?.firstPage;
    if (firstPage && firstPage.rest.kind !== 'fetching') firstPage.rest = { kind: 'asked' };
  }

  private forget(id: string): void {
    for (const key of [...this.states.keys()]) {
      if (key === id || key.startsWith(`${id}/`)) {
        this.states.delete(key);
        this.filterResults.forget(key);
      }
    }
  }

  private itemState(node: TreeNode): ItemState {
    const state = isContainer(node) ? this.states.get(nodeId(node)) : undefined;
    const server = serverOf(node);
    const result: ItemState = {
      stale: isStale(state),
      promotable: false,
      auth: server ? this.host.auth(server) : undefined,
    };
    if (node.type === 'feed') result.filter = this.filters.get(nodeId(node));
    if (node.type === 'version' && server) {
      const feed = node.parent.parent.feed;
      result.promotable = (this.fetcher.knownFeeds(server) ?? []).some(
        (f) => f.name !== feed.name && f.active && f.feedType === feed.feedType,
      );
      result.deletable = !this.noDelete.has(`${server.url}\n${feed.name}`);
      result.compliance = this.compliance.peek(node);
    }
    return result;
  }

  private now(): number {
    return this.host.now?.() ?? Date.now();
  }
}

function packagesOf(nodes: TreeNode[]): PackageNode[] {
  return nodes.filter((n): n is PackageNode => n.type === 'package');
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
