#!/usr/bin/env bash
# Installs what every entry point needs on a fresh machine: pnpm (pinned) and the workspace's packages
# from the lockfile. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "Installing pnpm $want (corepack is not usable on these machines)…"
  npm install -g "pnpm@$want" --no-fund --no-audit >/dev/null
fi
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Ignored build scripts)' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }
