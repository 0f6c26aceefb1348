// Bundles each sub-action into one ESM file under dist/ (or the directory given as the first argument).
// Deterministic: same sources and lockfile give the same bytes, so CI can compare with the committed dist.
// Files are written beside the target and renamed into place, so a bundle being run (or a concurrent build)
// never sees a missing or half-written file.

import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(here, 'dist'));
const SUB_ACTIONS = ['publish', 'promote-check', 'deploy-record', 'audit'];

// The SBOM library's optional plugins that must stay out of the bundle (audit imports @proget-ci/core/sbom):
// read from core's SBOM_BUNDLE_EXTERNALS, the one list of them, without needing a core build first.
const bundling = await readFile(resolve(here, '../core/src/sbom/bundling.ts'), 'utf8');
const SBOM_EXTERNALS = [
  ...(/SBOM_BUNDLE_EXTERNALS[^=]*=\s*\[([^\]]*)\]/.exec(bundling)?.[1] ?? '').matchAll(/'([^']+)'/g),
].map((m) => m[1]);
if (SBOM_EXTERNALS.length === 0)
  throw new Error('SBOM_BUNDLE_EXTERNALS not found in core/src/sbom/bundling.ts');

// publish imports the artifact client lazily from its own file beside the bundles (see src/publish/artifact.ts).
const lazyArtifactUpload = {
  name: 'lazy-artifact-upload',
  setup(b) {
    b.onResolve({ filter: /^\.\/artifact-upload\.js$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './artifact-upload.js', external: true } : undefined,
    );
  },
};

const staging = `${outdir}.building-${process.pid}`;
await rm(staging, { recursive: true, force: true });
try {
  await build({
    absWorkingDir: here,
    entryPoints: {
      ...Object.fromEntries(SUB_ACTIONS.map((name) => [name, `src/${name}/main.ts`])),
      'artifact-upload': 'src/publish/artifact-upload.ts',
      // The root action.yml's entry: runs the sub-action bundle its `command` input names.
      run: 'src/command/main.ts',
    },
    plugins: [lazyArtifactUpload],
    external: SBOM_EXTERNALS,
    outdir: staging,
    bundle: true,
    platform: 'node',
    // @proget-ci/core's `source` export: bundle its TypeScript, so no core build is needed first; 'module'
    // is esbuild's default when no conditions are given, kept so dependencies resolve as before.
    conditions: ['source', 'module'],
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
  });
  await mkdir(outdir, { recursive: true });
  const built = await readdir(staging);
  for (const file of built) await rename(join(staging, file), join(outdir, file));
  for (const file of await readdir(outdir)) {
    if (!built.includes(file)) await rm(join(outdir, file), { recursive: true, force: true });
  }
} finally {
  await rm(staging, { recursive: true, force: true });
}
