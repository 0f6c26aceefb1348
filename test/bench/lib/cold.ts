// Cold start: spawn an action bundle the way the runner does and time it until its first HTTP request
// reaches a listener here; the baseline is `node -e 0` from spawn to exit.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  ACTION_DIR,
  DEFAULT_CONTEXT,
  inputVariable,
  readActionYml,
  type SubAction,
} from '../../integration/action/runner.js';

export interface FirstRequestProbe {
  url: string;
  /** Resolves with performance.now() of the next request's arrival. */
  next(): Promise<number>;
  close(): Promise<void>;
}

export async function startProbe(): Promise<FirstRequestProbe> {
  let waiter: ((t: number) => void) | undefined;
  const server: Server = createServer((req, res) => {
    const t = performance.now();
    waiter?.(t);
    waiter = undefined;
    req.resume();
    res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' }).end('bench probe');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    next: () =>
      new Promise<number>((r) => {
        waiter = r;
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Environment a runner gives `node action/dist/<name>.js`, with action.yml defaults filled in. */
export async function actionEnv(
  name: SubAction,
  inputs: Record<string, string>,
  runDir: string,
): Promise<{ main: string; env: Record<string, string>; cwd: string }> {
  const yml = await readActionYml(name);
  const files = join(runDir, 'files');
  const workspace = join(runDir, 'workspace');
  const temp = join(runDir, 'temp');
  for (const d of [files, workspace, temp]) await mkdir(d, { recursive: true });
  for (const f of ['output', 'step_summary', 'env', 'path', 'state']) await writeFile(join(files, f), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LANG: 'C.UTF-8',
    ...DEFAULT_CONTEXT,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STEP_SUMMARY: join(files, 'step_summary'),
    GITHUB_ENV: join(files, 'env'),
    GITHUB_PATH: join(files, 'path'),
    GITHUB_STATE: join(files, 'state'),
  };
  for (const [input, spec] of Object.entries(yml.inputs ?? {})) {
    const value = inputs[input] ?? spec.default;
    if (value !== undefined) env[inputVariable(input)] = value;
  }
  return { main: resolve(ACTION_DIR, name, yml.runs.main), env, cwd: workspace };
}

/** ms from spawn to the first request arriving at the probe; the child is killed then. */
export async function timeToFirstRequest(
  probe: FirstRequestProbe,
  name: SubAction,
  inputs: Record<string, string>,
  scratch: string,
  timeoutMs = 30_000,
): Promise<number> {
  const runDir = await mkdtemp(join(scratch, `cold-${name}-`));
  try {
    const { main, env, cwd } = await actionEnv(name, inputs, runDir);
    const arrived = probe.next();
    const started = performance.now();
    const child = spawn(process.execPath, [main], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-4000);
    });
    child.stderr.on('data', (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-4000);
    });
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      arrived.then((t) => t - started),
      closed.then(() => {
        throw new Error(`${name} exited without making a request:\n${output}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} made no request within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    child.kill('SIGKILL');
    await closed;
    return result;
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

/** `node -e 0`: spawn to exit. */
export function bareNodeStart(): Promise<number> {
  return new Promise((resolveTime, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolveTime(performance.now() - started));
  });
}
