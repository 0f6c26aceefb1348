#!/usr/bin/env bash
# Every test suite: unit and integration (vitest), the action bundle tests again under Node 24 (the action's
# runtime), the browser end-to-end tests of the extension in a real VS Code (code-server) in Debian's
# Chromium, and a small benchmark run that proves the benchmarks still work.
# Installs everything it needs (pnpm packages, Chromium, code-server) through the project's own scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
# Command-line tools the unit tests call: unzip/zipinfo check built packages, openssl makes test certificates.
bash scripts/apt-ensure.sh unzip openssl
pnpm build
mkdir -p .cache
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile=.cache/vitest.json || status=$?
# The action runs on node24 (action.yml): run the bundle tests again with the bundles under Node 24.
if [ "$status" -eq 0 ]; then
  node24="$(bash scripts/node24.sh)"
  echo "Action bundles under Node $("$node24" --version) (PROGET_CI_NODE)"
  PROGET_CI_NODE="$node24" pnpm exec vitest run test/integration/action test/reliability/bad-input-action.test.ts ||
    status=$?
fi
if [ "$status" -eq 0 ]; then pnpm test:e2e || status=$?; fi
if [ "$status" -eq 0 ]; then BENCH_SIZE=small pnpm -s bench || status=$?; fi
node scripts/summarize-tests.mjs .cache/vitest.json test/e2e/.work/results.json || true
exit "$status"
