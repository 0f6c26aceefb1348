// Starts the simulator driver in a separate process and stops it again.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimSpec } from '../drivers/sim-server.js';

export const BENCH_KEY = 'bench-key';

export interface SimProcess {
  url: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

let counter = 0;

export async function startSimProcess(bundle: string, scratch: string, spec: SimSpec): Promise<SimProcess> {
  const specFile = join(scratch, `sim-spec-${process.pid}-${++counter}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bundle, specFile], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ready = await new Promise<{ url: string; dataDir: string }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator did not start within 60 s\n${stderr}`));
    }, 60_000);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const m = /READY (\{.*\})\n/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]!) as { url: string; dataDir: string });
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code} before it was ready\n${stderr}`));
    });
  });
  child.stdout.resume();
  return {
    ...ready,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function simOptions(feeds: SimSpec['options']['feeds'], extra: Partial<SimSpec['options']> = {}) {
  return {
    seed: 'none' as const,
    apiKeys: [{ key: BENCH_KEY, privileges: 'all' as const }],
    feeds,
    ...extra,
  };
}
