// ProGet: Search Packages — one quick pick over every universal feed of every server. Lists the tree
// already holds are used as they are; missing ones are fetched (a few feeds at a time per server) and kept
// for the tree. Results appear as each feed arrives: a feed not loaded yet first shows its first page (one
// short request, as the tree expands a feed), replaced by its whole list when that is in. The chosen
// package is revealed in the tree.

import { errorSummary } from '@proget-ci/core';
import * as vscode from 'vscode';
import type { FeedNode, PackageNode, ServerNode, TreeNode } from '../tree/model.js';
import type { FeedsTreeProvider } from '../tree/provider.js';

/** The most results one search holds (a quick pick beyond that is no help to anyone). */
export const MAX_SEARCH_RESULTS = 50_000;
/** Feeds of one server fetched at the same time. */
const FEEDS_AT_ONCE = 3;

export interface SearchItem extends vscode.QuickPickItem {
  pkg: PackageNode;
}

export interface SearchDeps {
  tree: FeedsTreeProvider;
  view: Pick<vscode.TreeView<TreeNode>, 'reveal'>;
  log: { info(m: string): void; warn(m: string): void };
}

export function searchItem(pkg: PackageNode): SearchItem {
  const feed = pkg.parent.feed.name;
  const server = pkg.parent.parent.server.name;
  const title = pkg.universal?.title;
  const latest = pkg.latestVersion ? ` ${pkg.latestVersion}` : '';
  return {
    label: pkg.name,
    description: pkg.group || undefined,
    detail: `${title && title !== pkg.name ? `${title} — ` : ''}${feed}${latest} on ${server}`,
    pkg,
  };
}

/** Shows the quick pick and resolves with the chosen package (already revealed), or undefined. */
export function searchPackages(deps: SearchDeps): Promise<PackageNode | undefined> {
  const servers = deps.tree.roots();
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('Add a ProGet server first: there is nothing to search.');
    return Promise.resolve(undefined);
  }
  const pick = vscode.window.createQuickPick<SearchItem>();
  pick.title = 'Search ProGet Packages';
  pick.placeholder = 'Package name, group or title (in every universal feed of every server)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  let closed = false;
  let accepted = false;
  let items: SearchItem[] = [];
  /** Each feed's results, in the order the feeds first answered (a whole list replaces a first page). */
  const byFeed = new Map<FeedNode, SearchItem[]>();
  const failed: string[] = [];
  let feedsDone = 0;
  let feedsKnown = 0;
  const status = () => {
    const capped = items.length >= MAX_SEARCH_RESULTS ? ` (the first ${MAX_SEARCH_RESULTS})` : '';
    const trouble = failed.length ? ` · ${failed.length} could not be listed (see the log)` : '';
    pick.title = `Search ProGet Packages — ${items.length} packages${capped} in ${feedsDone}${
      pick.busy ? ` of ${feedsKnown}+` : ''
    } feeds${trouble}`;
  };
  const add = (feed: FeedNode, packages: PackageNode[]) => {
    if (closed) return;
    const before = byFeed.get(feed)?.length ?? 0;
    if (items.length - before >= MAX_SEARCH_RESULTS) return;
    byFeed.set(feed, packages.slice(0, MAX_SEARCH_RESULTS).map(searchItem));
    const next: SearchItem[] = [];
    for (const list of byFeed.values()) {
      const room = MAX_SEARCH_RESULTS - next.length;
      if (room <= 0) break;
      for (let i = 0; i < list.length && i < room; i++) next.push(list[i]!);
    }
    items = next;
    // Keeps what the person has highlighted; VS Code re-filters the new list by the typed text.
    const active = pick.activeItems;
    pick.items = items;
    // A highlighted first-page row is now the same package's row of the whole list.
    const same = (a: SearchItem) =>
      items.includes(a)
        ? a
        : items.find(
            (i) => i.pkg.parent === a.pkg.parent && i.pkg.group === a.pkg.group && i.pkg.name === a.pkg.name,
          );
    const kept = active.map(same).filter((i): i is SearchItem => i !== undefined);
    if (kept.length) pick.activeItems = kept;
  };

  const gather = Promise.all(
    servers.map((server) =>
      searchServer(deps, server, {
        feeds: (n) => {
          feedsKnown += n;
          status();
        },
        found: (feed, packages, whole) => {
          if (whole) feedsDone++;
          add(feed, packages);
          status();
        },
        failed: (what, error) => {
          feedsDone++;
          failed.push(what);
          deps.log.warn(`Search: ${what} could not be listed: ${errorSummary(error)}`);
          status();
        },
        closed: () => closed,
      }),
    ),
  ).then(() => {
    pick.busy = false;
    status();
  });
  void gather;

  return new Promise((resolve) => {
    pick.onDidAccept(async () => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!chosen) return;
      closed = true;
      accepted = true;
      pick.dispose();
      deps.tree.showPackage(chosen.pkg);
      try {
        await deps.view.reveal(chosen.pkg, { select: true, focus: true, expand: false });
      } catch (error) {
        deps.log.warn(`Search: could not reveal ${chosen.label}: ${errorSummary(error)}`);
      }
      resolve(chosen.pkg);
    });
    pick.onDidHide(() => {
      if (accepted) return;
      closed = true;
      pick.dispose();
      resolve(undefined);
    });
    status();
    pick.show();
  });
}

interface Sink {
  feeds(count: number): void;
  /** `whole`: the feed's whole list (else its first page, the rest to follow). */
  found(feed: FeedNode, packages: PackageNode[], whole: boolean): void;
  failed(what: string, error: unknown): void;
  closed(): boolean;
}

async function searchServer(deps: SearchDeps, server: ServerNode, sink: Sink): Promise<void> {
  let feeds: FeedNode[];
  try {
    const children = await deps.tree.getChildren(server);
    const error = children.find((c) => c.type === 'message' && c.severity === 'error');
    feeds = children.filter(
      (c): c is FeedNode => c.type === 'feed' && c.feed.feedType === 'universal' && c.feed.active,
    );
    if (feeds.length === 0 && error?.type === 'message') throw new Error(error.description ?? error.label);
  } catch (error) {
    sink.failed(`the feeds of ${server.server.name}`, error);
    return;
  }
  sink.feeds(feeds.length);
  // Bounded: FEEDS_AT_ONCE workers take the feeds in turn; nothing new starts once the pick is closed.
  let next = 0;
  const worker = async () => {
    while (next < feeds.length && !sink.closed()) {
      const feed = feeds[next++]!;
      try {
        const all = await deps.tree.allPackages(feed, (page) => sink.found(feed, page, false));
        sink.found(feed, all, true);
      } catch (error) {
        sink.failed(`${feed.feed.name} on ${server.server.name}`, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FEEDS_AT_ONCE, feeds.length) }, worker));
}
