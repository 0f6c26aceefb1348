#!/usr/bin/env bash
# The main job: publish → promote-check (fails) → promote → promote-check (passes) → deploy-record,
# with the bundled action run exactly as the GitHub runner runs it, against the ProGet simulator
# (or a real server when PROGET_URL and PROGET_API_KEY are set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
pnpm demo
