// Starts code-server 4.100.3 (installed by install.sh) with a fresh user data dir, extensions dir and
// config per run, installs the packaged extension into it, and stops it by the process id it started.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const E2E_DIR = resolve(import.meta.dirname, '..');
export const WORK_DIR = join(E2E_DIR, '.work');
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');
export const VSIX = resolve(E2E_DIR, '../../vscode-extension/dist/proget.vsix');
export const CODE_SERVER_DIR = join(
  process.env.PROGET_E2E_CACHE ?? join(homedir(), '.cache', 'proget-ci'),
  'code-server-4.100.3',
);

export interface CodeServer {
  url: string;
  port: number;
  folder: string;
  userDataDir: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Written to User/settings.json before start. */
  settings: Record<string, unknown>;
  /** Files to put in the opened folder. */
  files?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  mkdirSync(WORK_DIR, { recursive: true });
  const root = mkdtempSync(join(WORK_DIR, 'run-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const folder = join(root, 'workspace');
  const config = join(root, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': false,
        'window.commandCenter': false,
        'chat.commandCenter.enabled': false,
        'workbench.colorTheme': 'Default Dark Modern',
        // The run folder sits inside this repository: keep the Git extension from offering to open it.
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        ...options.settings,
      },
      null,
      2,
    ),
  );
  for (const [name, content] of Object.entries(options.files ?? {}))
    writeFileSync(join(folder, name), content);

  const entry = join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  await run(process.execPath, [entry, ...common, '--install-extension', VSIX], { timeout: 120_000 });

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      folder,
    ],
    // Its own process group, so stopping it also stops the extension host it forks.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PASSWORD: undefined } },
  );
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopProcess(child);
      throw new Error(`code-server did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    folder,
    userDataDir,
    logs: () => output,
    async stop() {
      await stopProcess(child);
      if (!process.env.PROGET_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}
