import { defineConfig } from 'vitest/config';

// One run covers every package: unit tests beside each package, cross-package tests under test/.
// The browser end-to-end suite (test/e2e) runs from its own script, which installs code-server first.
export default defineConfig({
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
