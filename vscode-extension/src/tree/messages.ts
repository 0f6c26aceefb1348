// Failures become tree items that say what went wrong and offer the fix, instead of an empty node.

import { errorSummary, isProGetError } from '@proget-ci/core';
import { shortReason } from '../format.js';
import type { MessageNode, TreeNode } from './model.js';

export function errorMessageNode(parent: TreeNode, error: unknown, auth?: 'key' | 'anonymous'): MessageNode {
  const detail = error instanceof Error ? error.message : String(error);
  const base = { type: 'message' as const, parent, key: 'error', severity: 'error' as const, detail };
  if (isProGetError(error)) {
    switch (error.kind) {
      case 'unauthorized':
        return auth === 'anonymous'
          ? {
              ...base,
              label: 'Needs an API key — set API key…',
              description: 'anonymous access refused',
              action: { kind: 'setApiKey' },
            }
          : { ...base, label: 'API key rejected — set API key…', action: { kind: 'setApiKey' } };
      case 'forbidden':
        return {
          ...base,
          label: 'Access denied — set API key…',
          description: 'the key lacks a privilege',
          action: { kind: 'setApiKey' },
        };
      case 'network':
      case 'timeout':
        return {
          ...base,
          label: 'Server unreachable — retry',
          description: reason(error.message),
          action: { kind: 'retry' },
        };
      case 'server':
        return {
          ...base,
          label: `Server error${error.status ? ` ${error.status}` : ''} — retry`,
          description: error.serverText ? firstLine(error.serverText) : undefined,
          action: { kind: 'retry' },
        };
      case 'not-supported':
        return {
          ...base,
          severity: 'info',
          label: 'Not supported by this ProGet version — open in ProGet',
          action: { kind: 'openInProGet' },
        };
      case 'edition-required':
        return {
          ...base,
          severity: 'info',
          label: 'Needs a paid ProGet edition — open in ProGet',
          action: { kind: 'openInProGet' },
        };
      case 'not-found':
        return { ...base, label: 'Not found on the server — retry', action: { kind: 'retry' } };
      default:
        return {
          ...base,
          label: `${shortReason(firstLine(error.message), 60)} — retry`,
          action: { kind: 'retry' },
        };
    }
  }
  // A long reason is cut in the label (a narrow sidebar would cut it anyway); the tooltip has all of it.
  return { ...base, label: `${shortReason(firstLine(detail), 60)} — retry`, action: { kind: 'retry' } };
}

/** Shown above the last good children when a refresh failed. */
export function staleMessageNode(parent: TreeNode, error: unknown, loadedAt: number): MessageNode {
  const when = new Date(loadedAt).toISOString().slice(11, 16);
  const reason = isProGetError(error) ? kindText(error.kind) : 'refresh failed';
  const auth = isProGetError(error, 'unauthorized') || isProGetError(error, 'forbidden');
  return {
    type: 'message',
    parent,
    key: 'stale',
    severity: 'warning',
    label: auth ? 'Refresh failed — set API key…' : 'Refresh failed — retry',
    description: `${reason}; showing results from ${when} UTC`,
    detail: error instanceof Error ? error.message : String(error),
    action: auth ? { kind: 'setApiKey' } : { kind: 'retry' },
  };
}

export function kindText(kind: string): string {
  switch (kind) {
    case 'network':
    case 'timeout':
      return 'server unreachable';
    case 'unauthorized':
      return 'API key rejected';
    case 'forbidden':
      return 'access denied';
    case 'server':
      return 'server error';
    default:
      return 'refresh failed';
  }
}

/** The cause at the end of core's "Could not list feeds: connect ECONNREFUSED …" messages. */
function reason(message: string): string {
  const line = firstLine(message);
  const colon = line.lastIndexOf(': ');
  return colon > 0 ? line.slice(colon + 2) : line;
}

function firstLine(text: string): string {
  const line = errorSummary(text);
  // Core's messages end with "(GET url → status)"; the item's tooltip has it, the label does not need it.
  const cut = line.indexOf(' (');
  const short = cut > 0 ? line.slice(0, cut) : line;
  return short.length > 80 ? `${short.slice(0, 77)}…` : short;
}
