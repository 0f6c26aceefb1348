// Runs a bundled sub-action the way the GitHub runner does: `node action/dist/<name>.js` with INPUT_* for
// every input (action.yml defaults filled in), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, the GITHUB_*
// context and RUNNER_TEMP; then reads back outputs, the summary and the workflow commands it printed.
// Used by the integration tests, the demo and the benchmarks.

import { spawn, spawnSync } from 'node:child_process';
import {
  type Dirent,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ACTION_DIR = join(REPO_ROOT, 'action');
export const SUB_ACTIONS = ['publish', 'promote-check', 'deploy-record', 'audit'] as const;
export type SubAction = (typeof SUB_ACTIONS)[number];

// The action's own YAML parser, so test/ needs no dependency of its own for reading action.yml.
const { parse: parseYaml } = createRequire(join(ACTION_DIR, 'package.json'))('yaml') as {
  parse(text: string): unknown;
};

export interface ActionYml {
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

export async function readActionYml(name: SubAction): Promise<ActionYml> {
  return parseYaml(await readFile(join(ACTION_DIR, name, 'action.yml'), 'utf8')) as ActionYml;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  name: SubAction;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
  /** Messages of `::error::` commands (setFailed included). */
  errors: string[];
  warnings: string[];
  notices: string[];
  /** Values registered with `::add-mask::`. */
  masks: string[];
  durationMs: number;
  /** The scratch directory that held RUNNER_TEMP and the command files (removed unless `keepTemp`). */
  runDir: string;
}

export interface RunActionOptions {
  /** Inputs by their action.yml names; undefined or '' means unset (the action.yml default applies). */
  inputs: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and the working directory. Default: a fresh empty directory. */
  workspace?: string;
  /** Extra or overriding environment (e.g. GITHUB_ACTOR, ACTIONS_STEP_DEBUG). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  keepTemp?: boolean;
  /** Node binary to run the bundle with. Default: $PROGET_CI_NODE (scripts/node24.sh), else this process's. */
  node?: string;
}

/** The context a `push` run of acme/app would have; every value can be overridden with `env`. */
export const DEFAULT_CONTEXT: Record<string, string> = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_RUN_ID: '7001',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_JOB: 'release',
  GITHUB_ACTION: 'proget',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: '4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_REF_NAME: 'v1.2.3',
  GITHUB_ACTOR: 'octocat',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_NAME: 'local-runner',
};

/** The runner's rule: INPUT_ + name upper-cased with spaces as underscores; dashes are kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(name: SubAction, options: RunActionOptions): Promise<ActionRun> {
  const yml = await readActionYml(name);
  const main = resolve(ACTION_DIR, name, yml.runs.main);
  if (!existsSync(main)) throw new Error(`${main} does not exist: run pnpm build`);

  const runDir = await mkdtemp(join(tmpdir(), `proget-action-${name}-`));
  const temp = join(runDir, 'runner-temp');
  const files = join(runDir, 'files');
  await mkdir(temp);
  await mkdir(files);
  const workspace = options.workspace ?? join(runDir, 'workspace');
  await mkdir(workspace, { recursive: true });
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'step_summary');
  for (const f of ['output', 'step_summary', 'env', 'path', 'state']) await writeFile(join(files, f), '');

  const env: Record<string, string> = {
    // Only what a runner would give: no secrets or tokens of the process running the tests.
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LANG: 'C.UTF-8',
    ...DEFAULT_CONTEXT,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: join(files, 'env'),
    GITHUB_PATH: join(files, 'path'),
    GITHUB_STATE: join(files, 'state'),
  };
  for (const [input, spec] of Object.entries(yml.inputs ?? {})) {
    const given = options.inputs[input];
    const value = given !== undefined && given !== '' ? given : spec.default;
    if (value !== undefined) env[inputVariable(input)] = String(value);
  }
  for (const input of Object.keys(options.inputs)) {
    if (!(input in (yml.inputs ?? {}))) throw new Error(`${name} has no input "${input}" in its action.yml`);
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const started = performance.now();
  const child = spawn(options.node ?? (process.env.PROGET_CI_NODE || process.execPath), [main], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => stdout.push(c));
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolveExit, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolveExit([code, sig]));
    },
  );
  clearTimeout(timer);
  const durationMs = performance.now() - started;

  const out = Buffer.concat(stdout).toString('utf8');
  const commands = parseWorkflowCommands(out);
  const run: ActionRun = {
    name,
    exitCode,
    signal,
    stdout: out,
    stderr: Buffer.concat(stderr).toString('utf8'),
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    commands,
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
    notices: commands.filter((c) => c.command === 'notice').map((c) => c.message),
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    durationMs,
    runDir,
  };
  if (!options.keepTemp) await rm(runDir, { recursive: true, force: true });
  return run;
}

/** `name<<DELIMITER` heredocs (what @actions/core writes) and plain `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output ${key}: no closing delimiter ${delimiter}`);
      outputs[key] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** `::command key=value,key=value::message` lines, unescaped as the runner does. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: match[1]!, properties, message: unescapeData(match[3]!) });
  }
  return commands;
}

/** Builds action/dist when a bundle is missing or older than the sources it is built from. */
export function ensureBundles(): void {
  const bundles = SUB_ACTIONS.map((n) => join(ACTION_DIR, 'dist', `${n}.js`));
  const oldest = Math.min(...bundles.map((b) => (existsSync(b) ? statSync(b).mtimeMs : 0)));
  const newestSource = Math.max(
    ...[join(ACTION_DIR, 'src'), join(REPO_ROOT, 'core', 'src')].map(newestMtime),
    statSync(join(ACTION_DIR, 'build.mjs')).mtimeMs,
  );
  if (oldest >= newestSource) return;
  // Build beside dist and move each bundle in with a rename: build.mjs empties its output directory first,
  // and test files in other workers may be running a bundle (or building too) at this very moment.
  const out = mkdtempSync(join(ACTION_DIR, '.dist-'));
  try {
    const result = spawnSync(process.execPath, [join(ACTION_DIR, 'build.mjs'), out], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building action/dist failed');
    mkdirSync(join(ACTION_DIR, 'dist'), { recursive: true });
    for (const file of readdirSync(out)) renameSync(join(out, file), join(ACTION_DIR, 'dist', file));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of readdirSyncSafe(d)) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

function readdirSyncSafe(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
