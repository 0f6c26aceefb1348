#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet (idempotent; quick when all are there).
# Used by the test entry points for the command-line tools the tests call: unzip/zipinfo, openssl, Chromium…
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
printf '[apt] installing %s\n' "${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
# Update the lists only when they were never fetched; one update per machine is enough.
if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]]; then
  $SUDO apt-get update
fi
$SUDO apt-get install -y --no-install-recommends "${missing[@]}" || {
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
}
