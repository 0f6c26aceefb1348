// What a failed command tells people: what happened, why, and the fix, in one notification with a
// "Show Log" button (the log has the whole error). Promote, delete, download and opening a file share it.

import { errorSummary, isProGetError, ProGetError } from '@proget-ci/core';

export const SHOW_LOG = 'Show Log';

/** Why it failed and what to do, from the kind of error; `privilege` names what a refused key lacks. */
export function reasonAndFix(error: unknown, privilege?: string): { why: string; fix: string } {
  if (!(error instanceof ProGetError)) {
    return { why: errorSummary(error), fix: 'See the log for details.' };
  }
  switch (error.kind) {
    case 'unauthorized':
      return { why: 'ProGet rejected the API key.', fix: 'Set a valid API key (ProGet: Set API Key).' };
    case 'forbidden':
      return {
        why: `The API key lacks a privilege${privilege ? `: ${privilege}` : ''}.`,
        fix: 'Ask a ProGet administrator to grant it to the key, or use a key that has it.',
      };
    case 'edition-required':
      return {
        why: 'This needs a paid ProGet edition; the server runs the Free edition.',
        fix: 'Do it in the ProGet web UI instead, or upgrade.',
      };
    case 'network':
    case 'timeout':
      return {
        why: `The server is unreachable (${reasonOf(error)}).`,
        fix: 'Check that the server is running and reachable, then try again.',
      };
    case 'server':
      return {
        why: `The server answered with an error${error.status ? ` (HTTP ${error.status})` : ''}.`,
        fix: 'Try again; if it persists, check the ProGet server log.',
      };
    case 'not-found':
      return {
        why: 'It is not on the server (any more).',
        fix: 'Refresh the ProGet Feeds view to see what is there now.',
      };
    default:
      return { why: `${error.summary}.`, fix: error.hint ?? 'See the log for details.' };
  }
}

/** "Delete failed: …": what, why, the fix. */
export function deleteError(error: unknown, what: string): string {
  if (isProGetError(error, 'edition-required')) {
    return `Could not delete ${what}: the Free edition limits deletes through the API. Try again later, or delete it in the ProGet web UI.`;
  }
  const { why, fix } = reasonAndFix(error, 'Feeds_DeletePackage (Overwrite/Delete) on the feed');
  return `Could not delete ${what}: ${why} ${fix}`;
}

/** Whether a refusal says the key may not do this at all (so the action is not offered again). */
export function isPrivilegeRefusal(error: unknown): boolean {
  return isProGetError(error, 'forbidden');
}

/** The cause at the end of core's "…: connect ECONNREFUSED …" messages. */
function reasonOf(error: ProGetError): string {
  const line = error.summary.replace(/\s+\((?:GET|HEAD|POST|PUT|DELETE|PATCH) [^)]*\)\s*$/, '');
  const colon = line.lastIndexOf(': ');
  return colon > 0 ? line.slice(colon + 2) : line;
}
