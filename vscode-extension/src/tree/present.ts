// What a container shows for its load state: its children (filtered and paged), "Load more", or a message
// that says what went wrong and offers the fix. No `vscode` import: items.ts turns these into tree items.

import { errorSummary, isProGetError } from '@proget-ci/core';
import { filterMatcher } from './filter.js';
import { errorMessageNode, staleMessageNode } from './messages.js';
import type { ContainerNode, FeedNode, MessageNode, PackageNode, TreeNode } from './model.js';
import type { SettledState } from './state.js';

export interface PresentContext {
  filter?: string;
  /** How many children to show of a paged container. */
  limit: number;
  auth?: 'key' | 'anonymous';
  /** Filters a feed's list (the provider's remembers the last result, for the next keystroke). */
  filtered?: (nodes: readonly TreeNode[], filter: string) => TreeNode[];
}

export function present(node: ContainerNode, state: SettledState, ctx: PresentContext): TreeNode[] {
  if (state.kind === 'failed') return failedMessage(node, state.error, ctx);
  const data = state.data;
  const all = data.nodes;
  const out: TreeNode[] = [];
  if (state.kind === 'stale') out.push(staleMessageNode(node, state.error, data.loadedAt));

  if (node.type === 'version') return [...out, ...all];

  const filter = node.type === 'feed' ? ctx.filter : undefined;
  const firstPage = node.type === 'feed' ? data.firstPage : undefined;
  const restError = firstPage?.rest.kind === 'failed' ? firstPage.rest.error : undefined;
  // Only the first page is here because fetching the whole list (or the refresh) failed: filtering that
  // page would hide matches further down, so say why there is nothing to filter instead.
  const cause = restError ?? (state.kind === 'stale' ? state.error : undefined);
  if (firstPage && filter && cause !== undefined) {
    return [
      {
        ...errorMessageNode(node, cause, ctx.auth),
        key: 'listAll',
        description: `the filter needs all packages: ${errorSummary(cause)}`,
      },
    ];
  }
  const matching = filter
    ? ctx.filtered
      ? ctx.filtered(all, filter)
      : all.filter(filterMatcher(filter))
    : all;
  if (matching.length === 0) {
    out.push(emptyMessage(node, filter, ctx.auth));
    return out;
  }
  // Packages and versions page; a server's feeds are few and always shown whole.
  const paged = node.type === 'feed' || node.type === 'package';
  const page = matching.slice(0, paged ? ctx.limit : matching.length);
  out.push(...page);
  if (restError !== undefined) {
    // "Load more" could not get the rest: say so above it; clicking it (or this) tries again.
    out.push({ ...errorMessageNode(node, restError, ctx.auth), key: 'listAll' });
  }
  if (firstPage || page.length < matching.length) {
    out.push({
      type: 'loadMore',
      parent: node as FeedNode | PackageNode,
      shown: page.length,
      total: firstPage ? firstPage.total : matching.length,
    });
  }
  return out;
}

function failedMessage(node: ContainerNode, error: unknown, ctx: PresentContext): TreeNode[] {
  if (node.type === 'feed' && !node.feed.active) {
    // ProGet serves nothing from a disabled feed: say so instead of showing its 404.
    return [
      {
        type: 'message',
        parent: node,
        key: 'inactive',
        severity: 'info',
        label: 'Feed is inactive: ProGet does not serve its packages — open in ProGet',
        detail: errorText(error),
        action: { kind: 'openInProGet' },
      },
    ];
  }
  if (
    node.type === 'feed' &&
    node.feed.feedType !== 'universal' &&
    (isProGetError(error, 'not-found') ||
      isProGetError(error, 'not-supported') ||
      isProGetError(error, 'bad-request'))
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
        detail: errorText(error),
        action: { kind: 'openInProGet' },
      },
    ];
  }
  return [errorMessageNode(node, error, ctx.auth)];
}

function emptyMessage(
  node: ContainerNode,
  filter: string | undefined,
  auth?: 'key' | 'anonymous',
): MessageNode {
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
          auth === 'anonymous'
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
