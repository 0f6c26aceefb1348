// The optional sticky pull-request comment (`comment-on-pr`): one comment per check, found again by a
// hidden marker and updated in place. It is a courtesy: anything that stops it (a fork's read-only token,
// a missing permission) becomes a notice, never a failed check. Talks to GitHub's REST API, not ProGet.

import type { RunContext } from '../shared/context.js';
import type { ActionIo } from '../shared/io.js';

const PAGE_SIZE = 100;
const MAX_PAGES = 10;
const TIMEOUT_MS = 15_000;

export function commentMarker(toFeed: string): string {
  return `<!-- proget-ci:promote-check:${toFeed} -->`;
}

export type CommentOutcome = 'created' | 'updated' | 'skipped';

export async function postStickyComment(
  io: ActionIo,
  context: RunContext,
  token: string | undefined,
  toFeed: string,
  markdown: string,
): Promise<CommentOutcome> {
  const skip = (why: string): CommentOutcome => {
    io.annotate(
      'notice',
      `comment-on-pr: no pull-request comment: ${why}; the result is in the job summary.`,
    );
    return 'skipped';
  };
  const pr = context.pullRequest;
  if (pr === undefined) return skip('this run is not for a pull request');
  if (pr.fromFork) {
    return skip('the pull request comes from a fork, where GITHUB_TOKEN is read-only');
  }
  if (token === undefined) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression for people to copy
    return skip('GITHUB_TOKEN is not set (add `env: GITHUB_TOKEN: ${{ github.token }}` to the step)');
  }
  if (context.repository === undefined) return skip('GITHUB_REPOSITORY is not set');
  io.setSecret(token);

  const marker = commentMarker(toFeed);
  const body = `${marker}\n${markdown}`;
  const base = `${context.apiUrl}/repos/${context.repository}`;
  try {
    const existing = await findComment(token, `${base}/issues/${pr.number}/comments`, marker);
    if (existing !== undefined) {
      await github(token, 'PATCH', `${base}/issues/comments/${existing}`, { body });
      io.info(`Updated the promotion-check comment on pull request #${pr.number}.`);
      return 'updated';
    }
    await github(token, 'POST', `${base}/issues/${pr.number}/comments`, { body });
    io.info(`Commented the promotion check on pull request #${pr.number}.`);
    return 'created';
  } catch (e) {
    if (e instanceof GitHubError && (e.status === 403 || e.status === 404)) {
      return skip(
        `GitHub answered ${e.status}: the token cannot write to pull requests (give the job \`permissions: pull-requests: write\`)`,
      );
    }
    io.warning(`comment-on-pr: no pull-request comment: ${e instanceof Error ? e.message : String(e)}`);
    return 'skipped';
  }
}

async function findComment(token: string, url: string, marker: string): Promise<number | undefined> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = (await github(token, 'GET', `${url}?per_page=${PAGE_SIZE}&page=${page}`)) as {
      id: number;
      body?: string;
    }[];
    const mine = comments.find((c) => typeof c.body === 'string' && c.body.includes(marker));
    if (mine !== undefined) return mine.id;
    if (comments.length < PAGE_SIZE) return undefined;
  }
  return undefined;
}

class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function github(token: string, method: string, url: string, json?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'proget-ci-action',
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new GitHubError(
      response.status,
      `GitHub answered ${response.status} to ${method} ${new URL(url).pathname}`,
    );
  }
  return response.status === 204 ? undefined : response.json();
}
