// Child processes with a hard time limit, wall time measured from spawn to exit, and peak RSS from GNU time.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, measured here. */
  wallMs: number;
  /** Peak resident set size in KiB (GNU time's "Maximum resident set size"), when measured. */
  maxRssKb?: number;
  /** User + system CPU seconds (GNU time), when measured: steadier than wall time on a loaded machine. */
  cpuS?: number;
}

export interface ProcOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Run under `/usr/bin/time -v` and report the peak RSS. */
  measureRss?: boolean;
  /** Scratch directory for GNU time's report. */
  scratch?: string;
}

let timeCounter = 0;

/** Process groups still running, killed if the bench itself exits early (Ctrl-C, a thrown error). */
const live = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

process.once('exit', () => {
  for (const pid of live) killGroup(pid);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const pid of live) killGroup(pid);
    process.exit(130);
  });
}

export async function runProc(cmd: string, args: string[], options: ProcOptions): Promise<ProcResult> {
  const report = options.measureRss
    ? join(options.scratch ?? '/tmp', `time-${process.pid}-${++timeCounter}.txt`)
    : undefined;
  const [file, argv] = report ? ['/usr/bin/time', ['-v', '-o', report, cmd, ...args]] : [cmd, args];
  if (process.env.BENCH_DEBUG) console.error(`[bench] spawn ${file} ${argv.join(' ')}`);
  const started = performance.now();
  // Its own process group: a timeout must kill GNU time's child too, or the pipes stay open and 'close' never comes.
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) killGroup(pid);
  }, options.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  }).finally(() => {
    if (pid !== undefined) live.delete(pid);
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  const result: ProcResult = {
    code,
    signal,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    wallMs,
  };
  if (report) {
    const text = await readFile(report, 'utf8').catch(() => '');
    await rm(report, { force: true });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    if (m) result.maxRssKb = Number(m[1]);
    const user = /User time \(seconds\): ([\d.]+)/.exec(text);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(text);
    if (user && sys) result.cpuS = Number(user[1]) + Number(sys[1]);
    if (/Command exited with non-zero status (\d+)/.exec(text)) result.code ??= 1;
  }
  if (timedOut) throw new Error(`${cmd} ${args.join(' ')} timed out after ${options.timeoutMs} ms`);
  return result;
}

/** Runs and throws with the output when the exit code is not 0. */
export async function runOk(cmd: string, args: string[], options: ProcOptions): Promise<ProcResult> {
  const r = await runProc(cmd, args, options);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited with ${r.code ?? r.signal}\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`,
    );
  }
  return r;
}

/** The last line of stdout that is a JSON object (drivers print their measurements that way). */
export function lastJson<T>(r: ProcResult): T {
  const lines = r.stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (line.startsWith('{')) return JSON.parse(line) as T;
  }
  throw new Error(`no JSON result in output:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
}

const APT_PACKAGES: Record<string, string> = {
  zip: 'zip',
  curl: 'curl',
  openssl: 'openssl',
  '/usr/bin/time': 'time',
  // 7-Zip's own `7zz` (the publish case's second baseline): Debian 12's package `7zip`.
  '7zz': '7zip',
  // The big-package case checks the built package (`unzip -l`, `unzip -tq`).
  unzip: 'unzip',
};

function have(tool: string): boolean {
  if (tool.startsWith('/')) return existsSync(tool);
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** zip, curl, openssl, 7-Zip and GNU time from Debian's packages: installed with apt-get when missing. */
export function ensureTools(log: (m: string) => void): void {
  const missing = Object.keys(APT_PACKAGES).filter((t) => !have(t));
  if (missing.length === 0) return;
  const pkgs = missing.map((t) => APT_PACKAGES[t]!);
  log(`installing ${pkgs.join(', ')} with apt-get`);
  const script = fileURLToPath(new URL('../../../scripts/apt-ensure.sh', import.meta.url));
  const r = spawnSync('bash', [script, ...pkgs], { stdio: 'inherit', timeout: 300_000 });
  const still = missing.filter((t) => !have(t));
  if (r.status !== 0 || still.length)
    throw new Error(`could not install ${still.join(', ')} (apt-get failed)`);
}
