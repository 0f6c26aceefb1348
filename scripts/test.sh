#!/usr/bin/env bash
# Every test suite: unit and integration (vitest), the browser end-to-end tests of the extension in a real
# VS Code (code-server) in Debian's Chromium, and a small benchmark run that proves the benchmarks still work.
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
if [ "$status" -eq 0 ]; then pnpm test:e2e || status=$?; fi
if [ "$status" -eq 0 ]; then BENCH_SIZE=small pnpm -s bench || status=$?; fi
node scripts/summarize-tests.mjs .cache/vitest.json test/e2e/.work/results.json || true
exit "$status"
