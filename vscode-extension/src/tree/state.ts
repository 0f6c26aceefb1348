// What the tree knows about one container's children, as a tagged union instead of a bag of optional
// fields: every state says what is on screen and why.

import type { TreeNode } from './model.js';

/** Children that loaded, and when. */
export interface Loaded {
  nodes: TreeNode[];
  loadedAt: number;
  /** Set while `nodes` is only a universal feed's first page (more exist). */
  firstPage?: FirstPage;
}

export interface FirstPage {
  /** The feed's package count from `/meta`, when the server gave a plausible one. */
  total?: number;
  rest: RestState;
}

/** Fetching the whole list behind a first page. */
export type RestState =
  /** Not needed yet (or not retried after a failed refresh). */
  | { kind: 'idle' }
  /** "Load more" or a filter asked since: fetch it even though the last refresh failed. */
  | { kind: 'asked' }
  | { kind: 'fetching'; done: Promise<void> }
  /** Not tried again until "Load more", a filter or a refresh asks. */
  | { kind: 'failed'; error: unknown };

// `outdated` is set by a refresh: the next getChildren loads again (after a running load, once more),
// and what is shown stays until then.
export type LoadState =
  /** A load runs; `last` is what was shown before it (kept for the "cached" display). */
  | { kind: 'loading'; done: Promise<void>; last?: Loaded; outdated: boolean }
  /** Nothing ever loaded: the error is shown in place of the children. */
  | { kind: 'failed'; error: unknown; outdated: boolean }
  | { kind: 'loaded'; data: Loaded; outdated: boolean }
  /** The last load failed: the older children stay, marked stale. */
  | { kind: 'stale'; data: Loaded; error: unknown; outdated: boolean };

export type SettledState = Exclude<LoadState, { kind: 'loading' }>;

/** What is on screen for a state, if anything. */
export function dataOf(state: LoadState | undefined): Loaded | undefined {
  if (!state) return undefined;
  return state.kind === 'loading' ? state.last : state.kind === 'failed' ? undefined : state.data;
}

/** The error of the most recent load, when it failed. */
export function errorOf(state: LoadState | undefined): unknown {
  return state && (state.kind === 'failed' || state.kind === 'stale') ? state.error : undefined;
}

export function isStale(state: LoadState | undefined): boolean {
  return state?.kind === 'stale';
}

/** A state as it presents: a running load shows what it replaces. */
export function settledView(state: LoadState | undefined): SettledState | undefined {
  if (!state) return undefined;
  if (state.kind !== 'loading') return state;
  return state.last ? { kind: 'loaded', data: state.last, outdated: false } : undefined;
}
