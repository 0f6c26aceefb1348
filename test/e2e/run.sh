#!/usr/bin/env bash
# The browser end-to-end tests: install Chromium and code-server if needed, package the extension, run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
start=$(date +%s)
bash "$here/install.sh"
echo "[e2e] packaging the extension" >&2
(cd "$repo" && pnpm --filter ./vscode-extension run package >/dev/null)
test -f "$repo/vscode-extension/dist/proget.vsix"
mkdir -p "$here/.work" "$here/screenshots"
echo "[e2e] running the browser tests" >&2
cd "$repo"
status=0
pnpm exec vitest run --config test/e2e/vitest.config.ts "$@" || status=$?
echo "[e2e] finished in $(( $(date +%s) - start )) s; screenshots in test/e2e/screenshots/" >&2
exit "$status"
