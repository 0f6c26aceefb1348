// Drivers are bundled to plain JS first: the measured processes then start like the shipped action does,
// with no TypeScript loader in their time or memory.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

export const DRIVERS = [
  'sim-server',
  'publish',
  'download',
  'plain-download',
  'undici-download',
  'promote-seq',
  'tree',
  'multipart',
  'search',
] as const;
export type Driver = (typeof DRIVERS)[number];

export async function bundleDrivers(benchDir: string, outDir: string): Promise<Record<Driver, string>> {
  await mkdir(outDir, { recursive: true });
  await build({
    absWorkingDir: benchDir,
    entryPoints: Object.fromEntries(DRIVERS.map((d) => [d, join(benchDir, 'drivers', `${d}.ts`)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    // @proget-ci/core's `source` export: bundle its TypeScript, so no core build is needed first; 'module'
    // is esbuild's default when no conditions are given, kept so dependencies resolve as before.
    conditions: ['source', 'module'],
    target: 'node20',
    format: 'esm',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    // The extension's own stand-in for the `vscode` module (plain TypeScript, no test runner needed).
    alias: { vscode: join(benchDir, '..', '..', 'vscode-extension', 'test', 'fake-vscode.ts') },
    logLevel: 'warning',
    sourcemap: false,
  });
  return Object.fromEntries(DRIVERS.map((d) => [d, join(outDir, `${d}.mjs`)])) as Record<Driver, string>;
}
