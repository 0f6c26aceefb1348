// What the runner tells a step about the run, read once from the environment.

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
  /** Where scratch files go: RUNNER_TEMP, never the workspace. */
  tempDir: string;
  /** Link to this run, when the runner said enough to build one. */
  runUrl?: string;
  /** Link to the commit, when known. */
  commitUrl?: string;
}

export type Env = Record<string, string | undefined>;

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
    tempDir: value('RUNNER_TEMP') ?? fallbackTemp,
    runUrl:
      repository && runId
        ? `${serverUrl}/${repository}/actions/runs/${runId}${runAttempt && runAttempt !== '1' ? `/attempts/${runAttempt}` : ''}`
        : undefined,
    commitUrl: repository && sha ? `${serverUrl}/${repository}/commit/${sha}` : undefined,
  };
}
