// Fetching the Feeds tree's children through core, with no `vscode` import: what each container holds,
// ProGet's paging rules, and the server's order.
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
import { errorSummary } from '@proget-ci/core';
import type { FileFacts } from '../fs/facts.js';
import { buildFileTree, packagePath } from './files.js';
import type { ContainerNode, FeedNode, PackageNode, ServerRef, TreeNode, VersionNode } from './model.js';
import { packageIdText, serverOf } from './model.js';
import { comparePackages, compareVersionsDesc, firstOutOfOrder, isPrereleaseVersion } from './order.js';

export interface FetchHost {
  client(server: ServerRef): Promise<ProGetClientApi>;
  pageSize(): number;
  log: { warn(message: string): void; debug(message: string): void };
}

/** The most packages one feed's list asks ProGet for (its default without `count` is 1000). */
export const MAX_LISTED_PACKAGES = 100_000;

/** What one fetch of a container's children gives. */
export interface Fetched {
  nodes: TreeNode[];
  /** Set when `nodes` is only a universal feed's first page; `total` when the server gave a plausible one. */
  firstPage?: { total?: number };
}

export class TreeFetcher {
  /** Feeds per server URL, from the last feed list: promotion targets and the promote picker. */
  private readonly feedsByServer = new Map<string, Feed[]>();
  /** Servers seen listing packages in another order than the tree's: their feeds are always listed whole. */
  private readonly otherOrder = new Set<string>();

  constructor(
    private readonly host: FetchHost,
    private readonly facts: FileFacts,
  ) {}

  /** Feeds last listed for a server, if any. */
  knownFeeds(server: ServerRef): Feed[] | undefined {
    return this.feedsByServer.get(server.url);
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

  /** Servers something was learnt about. */
  knownServers(): string[] {
    return [...new Set([...this.feedsByServer.keys(), ...this.otherOrder])];
  }

  /** Forgets what was learnt about a server (its key changed, or it was removed). */
  forgetServer(url: string, removed: boolean): void {
    this.feedsByServer.delete(url);
    if (removed) {
      this.otherOrder.delete(url);
      this.facts.forgetServer(url);
    }
  }

  /**
   * A container's children. `wantsMore`: the user already wants more of a feed than its first page (a
   * refresh after "Load more", a filter), so its whole list is fetched at once.
   */
  async children(node: ContainerNode, wantsMore: boolean): Promise<Fetched> {
    if (node.type === 'feed' && node.feed.feedType === 'universal') return this.packages(node, wantsMore);
    return { nodes: await this.whole(node) };
  }

  /**
   * A universal feed's packages: its first page (with the total from `/meta`), unless the user already
   * wants more than that or the server's order is not the tree's.
   */
  private async packages(node: FeedNode, wantsMore: boolean): Promise<Fetched> {
    const server = serverOf(node)!;
    const size = this.host.pageSize();
    if (wantsMore || this.otherOrder.has(server.url)) return { nodes: await this.wholeList(node) };

    const client = await this.host.client(server);
    const feed = node.feed.name;
    const [first, meta] = await Promise.all([
      client.universal.listPackages(feed, { count: size + 1 }),
      // ProGet before feed API 1.3 answers /meta with 400: the tree then says "Load more (100 shown)".
      client.universal
        .meta(feed)
        .catch((error: unknown) => {
          this.host.log.debug(`No package count for ${feed}: ${errorSummary(error)}`);
          return undefined;
        }),
    ]);
    const inOrder = this.checkOrder(server, first);
    if (first.length <= size) return { nodes: universalPackages(node, first, inOrder) };
    if (first.length > size + 1 || this.otherOrder.has(server.url)) {
      // More than asked for: `count` was not honoured, so this is no first page to continue from.
      // Out of the tree's order: the first `size` are not the first page of the sorted feed.
      return { nodes: await this.wholeList(node) };
    }
    const count = meta?.packageCount;
    return {
      nodes: universalPackages(node, first.slice(0, size), inOrder),
      // A count that contradicts what was just listed (connector packages counted differently) is left out.
      firstPage: { total: count !== undefined && count > size ? count : undefined },
    };
  }

  /** A universal feed's whole package list, sorted. */
  async wholeList(node: FeedNode): Promise<PackageNode[]> {
    const server = serverOf(node)!;
    const client = await this.host.client(server);
    // Without `count` ProGet answers at most 1000 packages, silently; ask for all of them, up to a ceiling.
    const listed = await client.universal.listPackages(node.feed.name, { count: MAX_LISTED_PACKAGES });
    if (listed.length >= MAX_LISTED_PACKAGES) {
      this.host.log.warn(
        `${node.feed.name} lists ${MAX_LISTED_PACKAGES} packages, the most this view asks for; use the filter to narrow it.`,
      );
    }
    return universalPackages(node, listed, this.checkOrder(server, listed));
  }

  /**
   * Notes a server that lists packages in another order than the tree's: the first pages it gives are not
   * the tree's first pages, so its feeds are listed whole (as before two-step loading) from now on.
   * Returns whether this list is in order (then it needs no sorting).
   */
  private checkOrder(server: ServerRef, listed: readonly UniversalPackage[]): boolean {
    const at = firstOutOfOrder(listed);
    if (at < 0) return true;
    if (this.otherOrder.has(server.url)) return false;
    this.otherOrder.add(server.url);
    const id = (p: UniversalPackage) => packageIdText({ group: p.group ?? '', name: p.name });
    this.host.log.warn(
      `${server.url} lists "${id(listed[at - 1]!)}" before "${id(listed[at]!)}", not in the order the tree sorts by; its feeds are now listed whole and sorted here (slower for large feeds).`,
    );
    return false;
  }

  private async whole(node: ContainerNode): Promise<TreeNode[]> {
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
        if (node.feed.feedType === 'universal') return this.wholeList(node);
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
      case 'version':
        return this.files(server, node);
    }
  }

  /** Size and hashes from the Packages API: fetched on hover only, never for the whole list. */
  async versionInfo(node: VersionNode, signal: AbortSignal): Promise<PackageVersionInfo | undefined> {
    try {
      const client = await this.host.client(serverOf(node)!);
      const infos = await client.packages.versions(
        node.parent.parent.feed.name,
        { group: node.parent.group || undefined, name: node.parent.name, version: node.version },
        { signal },
      );
      return infos.find((i) => i.version === node.version) ?? infos[0];
    } catch (error) {
      this.host.log.debug(
        `No size or hashes for ${packageIdText(node.parent)} ${node.version}: ${errorSummary(error)}`,
      );
      return undefined;
    }
  }

  private async files(server: ServerRef, node: VersionNode): Promise<TreeNode[]> {
    const client = await this.host.client(server);
    const feed = node.parent.parent.feed.name;
    const v = await client.universal.getVersion(
      feed,
      { group: node.parent.group || undefined, name: node.parent.name, version: node.version },
      { includeFileList: true },
    );
    if (v) node.universal = { ...node.universal, ...v };
    const ref = { server: server.url, feed, group: node.parent.group, name: node.parent.name };
    for (const entry of v?.fileList ?? []) {
      this.facts.set(
        { ...ref, version: node.version, path: packagePath(entry.name) },
        { size: entry.size, date: entry.date },
      );
    }
    return buildFileTree(node, v?.fileList ?? []);
  }
}

/** `inOrder`: the list was checked to be in the tree's order already, so sorting it again is skipped. */
function universalPackages(parent: FeedNode, packages: UniversalPackage[], inOrder: boolean): PackageNode[] {
  const nodes = packages.map(
    (p): PackageNode => ({
      type: 'package',
      parent,
      group: p.group ?? '',
      name: p.name,
      latestVersion: p.latestVersion,
      universal: p,
    }),
  );
  return inOrder ? nodes : nodes.sort(comparePackages);
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
