// Bundles the extension into one CommonJS file for the VS Code extension host; `vscode` is provided by it.
import { build } from 'esbuild';

const production = process.argv.includes('--production');

await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  // @proget-ci/core's `source` export: bundle its TypeScript, so no core build is needed first; 'module'
  // is esbuild's default when no conditions are given, kept so dependencies resolve as before.
  conditions: ['source', 'module'],
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Core is ESM; esbuild turns `import.meta.url` into undefined in CJS, so give it a real value.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
});
