// A recording stand-in for the runner: inputs from a map, everything the step emits kept for assertions.

import type { RunContext } from '../../src/shared/context.js';
import { readRunContext } from '../../src/shared/context.js';
import type { ActionIo, AnnotationLevel } from '../../src/shared/io.js';

export class FakeIo implements ActionIo {
  readonly secrets: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly annotations: { level: AnnotationLevel; message: string; title?: string }[] = [];
  readonly logs: { level: 'debug' | 'info' | 'warning'; message: string }[] = [];
  summary = '';
  failed?: string;

  constructor(private readonly inputs: Record<string, string> = {}) {}

  getInput(name: string): string {
    return this.inputs[name] ?? '';
  }
  setSecret(value: string): void {
    this.secrets.push(value);
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  async appendSummary(markdown: string): Promise<void> {
    this.summary += markdown;
  }
  annotate(level: AnnotationLevel, message: string, title?: string): void {
    this.annotations.push({ level, message, ...(title === undefined ? {} : { title }) });
  }
  debug(message: string): void {
    this.logs.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.logs.push({ level: 'info', message });
  }
  warning(message: string): void {
    this.logs.push({ level: 'warning', message });
  }
  setFailed(message: string): void {
    this.failed = message;
  }

  /** Everything a person or a log collector would see, for secret-leak assertions. */
  everything(): string {
    return JSON.stringify([this.outputs, this.annotations, this.logs, this.summary, this.failed ?? '']);
  }
}

export function fakeContext(
  overrides: Record<string, string> = {},
  workspace = '/home/runner/work/ws',
): RunContext {
  return readRunContext(
    {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '1234',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'Release',
      GITHUB_JOB: 'publish',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: '/tmp/runner',
      ...overrides,
    },
    '/tmp/fallback',
    '/cwd',
  );
}
