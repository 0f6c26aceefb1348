import { defineConfig } from 'vitest/config';

// One run covers every package: unit tests beside each package, cross-package tests under test/.
// The browser end-to-end suite (test/e2e) runs from its own script, which installs code-server first.
export default defineConfig({
  // Workspace imports of @proget-ci/core resolve to its TypeScript (the `source` export), not its build;
  // the rest are Vite's default server conditions, which setting any condition replaces.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: [
      'core/test/**/*.test.ts',
      'action/test/**/*.test.ts',
      'vscode-extension/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
