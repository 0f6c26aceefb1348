#!/usr/bin/env bash
# Installs what the browser end-to-end tests need, idempotently:
#   - Debian's Chromium and the build dependencies of code-server's native modules (apt);
#   - code-server 4.100.3 (VS Code 1.100.3; newer code-server needs Node 24), built offline from the npm
#     registry tarball following shared/recipes/vscode-e2e.md, cached under $PROGET_E2E_CACHE.
# A marker file is written only after `--version` succeeds, so an interrupted install is redone, not trusted.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE_DIR="${PROGET_E2E_CACHE:-$HOME/.cache/proget-ci}"
CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
MARKER="$CS_DIR/.installed"

log() { printf '[e2e install] %s\n' "$*" >&2; }

bash "$(dirname "$0")/../../scripts/apt-ensure.sh" chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config

if [[ -f "$MARKER" ]]; then
  log "code-server $CODE_SERVER_VERSION already installed in $CS_DIR"
  exit 0
fi

log "building code-server $CODE_SERVER_VERSION in $CS_DIR (takes a few minutes)"
rm -rf "$CS_DIR" "$CS_DIR.tmp"
mkdir -p "$CS_DIR.tmp"
cd "$CS_DIR.tmp"
npm pack "code-server@$CODE_SERVER_VERSION" --silent >/dev/null
tar xzf "code-server-$CODE_SERVER_VERSION.tgz"
rm "code-server-$CODE_SERVER_VERSION.tgz"
cd package
# --ignore-scripts: the postinstall downloads ripgrep from GitHub and refuses to run as root.
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
(
  cd lib/vscode
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild --loglevel=error # native modules build from source with node-gyp
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
)
npm_config_yes=true npm rebuild argon2 --loglevel=error
version="$(node out/node/entry.js --version)"
log "built: $version"
grep -q "$CODE_SERVER_VERSION" <<<"$version"
cd "$CACHE_DIR"
mv "$CS_DIR.tmp/package" "$CS_DIR"
rm -rf "$CS_DIR.tmp"
printf '%s\n' "$version" >"$MARKER"
log "done"
