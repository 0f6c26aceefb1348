// Shared pieces of the reliability suite: scratch directories, a simulator with the keys and feeds these
// tests need, a listener that counts connections, the bundled sub-actions, hashing.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActionRun,
  ensureBundles,
  type RunActionOptions,
  runAction,
  type SubAction,
} from '../integration/action/runner.js';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';
import type { SimulatorOptions } from '../sim/types.js';

export const FEED = 'rel-feed';
export const OTHER_FEED = 'rel-approved';
/** Add and download, but not Overwrite: a second upload of a version is refused by the server. */
export const PUBLISH_KEY = 'rel-publish-key-5b1e';
export const ADMIN_KEY = 'rel-admin-key-77c2';

/** A fresh, unguessable secret: if it shows up anywhere, it leaked. */
export function uniqueSecret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

export async function startRelSim(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({
    seed: 'none',
    ...options,
    feeds: [
      { name: FEED, feedType: 'universal' },
      { name: OTHER_FEED, feedType: 'universal' },
      ...(options.feeds ?? []),
    ],
    apiKeys: [
      {
        key: PUBLISH_KEY,
        privileges: ['Feeds_ViewFeed', 'Feeds_DownloadPackage', 'Feeds_AddPackage'],
      },
      { key: ADMIN_KEY, privileges: 'all' },
      ...(options.apiKeys ?? []),
    ],
  });
}

export interface Scratch {
  path: string;
  file(name: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function scratch(label: string): Promise<Scratch> {
  const path = await mkdtemp(join(tmpdir(), `proget-rel-${label}-`));
  return {
    path,
    async file(name, content) {
      const p = join(path, name);
      await mkdir(join(p, '..'), { recursive: true });
      await writeFile(p, content);
      return p;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

export async function sha1File(path: string): Promise<string> {
  return sha1(await readFile(path));
}

/** A TCP listener that answers nothing and counts who connected: proof that no request was made. */
export interface ConnectionCounter {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

export async function connectionCounter(): Promise<ConnectionCounter> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Builds action/dist once across the forks vitest runs in parallel: a directory lock, so two test files
 * never run esbuild over the same output at the same time.
 */
export async function bundlesReady(): Promise<void> {
  const lock = join(tmpdir(), 'proget-rel-bundle.lock');
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a process that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // gone meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    ensureBundles();
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // already released
    }
  }
}

export function run(name: SubAction, options: RunActionOptions): Promise<ActionRun> {
  return runAction(name, { timeoutMs: 60_000, ...options });
}

/** Everything a run put where a person (or a later step) can read it. */
export function visibleText(r: ActionRun): string {
  return [r.stdout, r.stderr, JSON.stringify(r.outputs), r.summary].join('\n');
}

/** A directory with a couple of files, ready for the publish step to package. */
export async function contentDir(root: string, name: string, seed: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'readme.md'), `# ${name}\n${seed}\n`);
  await writeFile(join(dir, 'bin', 'tool.sh'), `#!/bin/sh\necho ${seed}\n`);
  await writeFile(join(dir, 'data.bin'), randomBytes(4096));
  return dir;
}
