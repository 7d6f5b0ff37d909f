#!/usr/bin/env bash
# Sets the repo up for the demo and the tests, idempotently:
#   1. npm dependencies: `npm ci` (or `npm install` without a lock file), but only when
#      node_modules is missing or older than package-lock.json;
#   2. `npm run build` (the extension, webview and CLI bundles in dist/);
#   3. the pinned promptfoo CLI the promptfoo integration test runs (scripts/promptfoo-setup.sh,
#      cached in ~/.cache/dlpo-promptfoo);
#   4. the end-to-end prerequisites via scripts/e2e-setup.sh, when that script exists.
# Usage: scripts/setup.sh   (also `npm run setup`). DLPO_SKIP_PROMPTFOO=1 skips step 3,
# DLPO_SKIP_E2E=1 skips step 4.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm writes node_modules/.package-lock.json on every install: older than the lock
# file (or missing) means node_modules is stale.
installed=node_modules/.package-lock.json
needs_install=0
if [ ! -d node_modules ] || [ ! -f "$installed" ]; then
  needs_install=1
elif [ -f package-lock.json ] && [ package-lock.json -nt "$installed" ]; then
  needs_install=1
elif [ ! -f package-lock.json ] && [ package.json -nt "$installed" ]; then
  needs_install=1
fi

if [ "$needs_install" = 1 ]; then
  if [ -f package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund
  else
    echo "setup: npm install (no package-lock.json)"
    npm install --no-audit --no-fund
  fi
else
  echo "setup: node_modules is up to date"
fi

echo "setup: npm run build"
npm run --silent build

if [ -z "${DLPO_SKIP_PROMPTFOO:-}" ]; then
  bash scripts/promptfoo-setup.sh
fi

if [ -z "${DLPO_SKIP_E2E:-}" ] && [ -f scripts/e2e-setup.sh ]; then
  echo "setup: scripts/e2e-setup.sh"
  bash scripts/e2e-setup.sh
fi
echo "setup: done"
