#!/usr/bin/env bash
# Installs the pinned promptfoo CLI that test/integration/promptfoo runs against the loopback
# server, into a cache outside the repo (it is a large tree with native modules, and only
# the tests need it). Idempotent: skipped when the cache already holds this version.
#
# Usage: scripts/promptfoo-setup.sh     cache: ${DLPO_PROMPTFOO_CACHE:-$HOME/.cache/dlpo-promptfoo}
# Needs: Node 20 (promptfoo 0.120.x declares node >= 20; later releases need Node 22) and
# the npm registry.
set -euo pipefail

PROMPTFOO_VERSION="0.120.19"
CACHE="${DLPO_PROMPTFOO_CACHE:-${HOME}/.cache/dlpo-promptfoo}"
BIN="$CACHE/node_modules/.bin/promptfoo"

if [[ -x "$BIN" && "$(cat "$CACHE/.version" 2>/dev/null || true)" == "$PROMPTFOO_VERSION" ]]; then
  echo "promptfoo-setup: promptfoo $PROMPTFOO_VERSION already in $CACHE"
  exit 0
fi
mkdir -p "$CACHE"
rm -f "$CACHE/.version"
echo "promptfoo-setup: installing promptfoo $PROMPTFOO_VERSION into $CACHE (a few minutes)"
# node-gyp builds against the local Node headers when they are installed, so nothing is
# fetched from nodejs.org if a native module has no prebuilt binary.
if [[ -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
[[ -f "$CACHE/package.json" ]] || echo '{ "name": "dlpo-promptfoo-cache", "private": true }' >"$CACHE/package.json"
npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error --save-exact "promptfoo@$PROMPTFOO_VERSION"
"$BIN" --version >/dev/null
echo "$PROMPTFOO_VERSION" >"$CACHE/.version"
echo "promptfoo-setup: done ($("$BIN" --version))"
