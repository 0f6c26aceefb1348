// What the runner tells a step about the run, read once from the environment.

import { readFileSync } from 'node:fs';

export interface RunContext {
  /** e.g. https://github.com */
  serverUrl: string;
  repository?: string;
  runId?: string;
  runNumber?: string;
  runAttempt?: string;
  workflow?: string;
  job?: string;
  sha?: string;
  ref?: string;
  actor?: string;
  eventName?: string;
  /** The event payload (JSON) the runner wrote: GITHUB_EVENT_PATH. */
  eventPath?: string;
  /** Not set by the runner today; read when a workflow or a future runner sets it. */
  environment?: string;
  workspace: string;
  /** PROGET_URL and PROGET_API_KEY from the job's env: stand-ins for `server` and `api-key`. */
  connectionEnv: { url?: string; apiKey?: string };
  /** GITHUB_API_URL, e.g. https://api.github.com (GHES: https://host/api/v3). */
  apiUrl: string;
  /** GITHUB_TOKEN from the job's env, for the optional pull-request comment. */
  githubToken?: string;
  /** The pull request this run is for, read from the event payload. */
  pullRequest?: PullRequestInfo;
  /** Where scratch files go: RUNNER_TEMP, never the workspace. */
  tempDir: string;
  /** Link to this run, when the runner said enough to build one. */
  runUrl?: string;
  /** Link to the commit, when known. */
  commitUrl?: string;
}

export interface PullRequestInfo {
  number: number;
  /** From another repository: secrets are not passed, and GITHUB_TOKEN is read-only. */
  fromFork: boolean;
}

export type Env = Record<string, string | undefined>;

/** `pull_request` / `pull_request_target` payloads name the pull request and both repositories. */
export function readPullRequest(eventPath: string | undefined): PullRequestInfo | undefined {
  if (eventPath === undefined) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: {
        number?: unknown;
        head?: { repo?: { full_name?: unknown } | null };
        base?: { repo?: { full_name?: unknown } };
      };
    };
    const pr = event.pull_request;
    if (pr === undefined || typeof pr.number !== 'number') return undefined;
    const head = pr.head?.repo;
    // A deleted fork leaves head.repo null.
    const fromFork =
      head === null || (head?.full_name !== undefined && head.full_name !== pr.base?.repo?.full_name);
    return { number: pr.number, fromFork };
  } catch {
    return undefined;
  }
}

export function readRunContext(env: Env, fallbackTemp: string, cwd: string): RunContext {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const serverUrl = (value('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '');
  const repository = value('GITHUB_REPOSITORY');
  const runId = value('GITHUB_RUN_ID');
  const sha = value('GITHUB_SHA');
  const runAttempt = value('GITHUB_RUN_ATTEMPT');
  return {
    serverUrl,
    repository,
    runId,
    runNumber: value('GITHUB_RUN_NUMBER'),
    runAttempt,
    workflow: value('GITHUB_WORKFLOW'),
    job: value('GITHUB_JOB'),
    sha,
    ref: value('GITHUB_REF'),
    actor: value('GITHUB_ACTOR'),
    eventName: value('GITHUB_EVENT_NAME'),
    eventPath: value('GITHUB_EVENT_PATH'),
    environment: value('GITHUB_ENVIRONMENT'),
    workspace: value('GITHUB_WORKSPACE') ?? cwd,
    connectionEnv: { url: value('PROGET_URL'), apiKey: value('PROGET_API_KEY') },
    apiUrl: (value('GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    githubToken: value('GITHUB_TOKEN'),
    pullRequest: readPullRequest(value('GITHUB_EVENT_PATH')),
    tempDir: value('RUNNER_TEMP') ?? fallbackTemp,
    runUrl:
      repository && runId
        ? `${serverUrl}/${repository}/actions/runs/${runId}${runAttempt && runAttempt !== '1' ? `/attempts/${runAttempt}` : ''}`
        : undefined,
    commitUrl: repository && sha ? `${serverUrl}/${repository}/commit/${sha}` : undefined,
  };
}
