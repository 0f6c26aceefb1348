import { defineConfig } from 'vitest/config';

// The browser end-to-end suite: one code-server and one Chromium per file, files one after another.
export default defineConfig({
  // @proget-ci/core from its TypeScript, as in the root vitest.config.ts.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', '.work/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: '.work/results.json' },
  },
});
