// Does a feed named in an input exist? Asked before anything is built, uploaded or recorded, so a misspelt
// feed is reported as that, not as "version absent" or "not promoted".

import { type Feed, isProGetError, type ProGetClientApi } from '@proget-ci/core';
import type { StepLogger } from './io.js';

export type FeedState =
  | { state: 'exists'; feed?: Feed }
  | { state: 'missing'; known?: string[] }
  /** The key may not read feeds, or the server could not say: the step carries on as before. */
  | { state: 'unknown' };

export async function feedState(
  client: ProGetClientApi,
  name: string,
  logger: StepLogger,
  signal?: AbortSignal,
): Promise<FeedState> {
  try {
    return { state: 'exists', feed: await client.feeds.get(name, { signal }) };
  } catch (e) {
    if (!isProGetError(e)) throw e;
    if (e.kind !== 'not-found') {
      logger.debug(`could not read feed ${name} (${e.kind}); not checked whether it exists`);
      return { state: 'unknown' };
    }
  }
  // A 404 from the management API may also mean a server too old to have it: the feed list (which falls
  // back to the Native API there) settles it.
  try {
    const feeds = await client.feeds.list({ signal, includeInactive: true });
    const wanted = name.toLowerCase();
    const match = feeds.find(
      (f) => f.name.toLowerCase() === wanted || f.alternateNames.some((a) => a.toLowerCase() === wanted),
    );
    return match ? { state: 'exists', feed: match } : { state: 'missing', known: feeds.map((f) => f.name) };
  } catch (e) {
    if (!isProGetError(e)) throw e;
    logger.debug(`could not list feeds (${e.kind}); taking the 404 for feed ${name} as "no such feed"`);
    return { state: 'missing' };
  }
}

/** `"to-feed" names aproved-feed, which does not exist on https://proget…; feeds there: a, b.` */
export function missingFeedMessage(input: string, name: string, server: string, known?: string[]): string {
  const list =
    known === undefined || known.length === 0
      ? ''
      : ` Feeds this key can see: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, and ${known.length - 10} more` : ''}.`;
  return `"${input}" names feed ${name}, which does not exist on ${server}; check the spelling.${list}`;
}
