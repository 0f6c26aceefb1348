// Bundles each sub-action into one ESM file under dist/ (or the directory given as the first argument).
// Deterministic: same sources and lockfile give the same bytes, so CI can compare with the committed dist.

import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(here, 'dist'));

const SUB_ACTIONS = ['publish', 'promote-check', 'deploy-record'];

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  absWorkingDir: here,
  entryPoints: Object.fromEntries(SUB_ACTIONS.map((name) => [name, `src/main-${name}.ts`])),
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Bundled CommonJS dependencies call require(); give them one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  minifySyntax: true,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: false,
  sourcemap: false,
});
