#!/usr/bin/env bash
# Installs what the end-to-end suite needs, idempotently, into a cache outside the repo:
#   - Debian packages: Chromium (the browser Playwright drives), ripgrep, and the
#     headers needed to rebuild code-server's native modules;
#   - code-server 4.100.3 (= VS Code 1.100.3) from the npm registry, native modules
#     rebuilt against the local Node (no prebuilt binaries are downloaded);
#   - playwright-core (drives Chromium; never downloads a browser) and mocha (the
#     in-extension-host test runner loads it by absolute path).
#
# Usage: scripts/e2e-setup.sh            cache: ${DLPO_E2E_CACHE:-$HOME/.cache/dlpo-e2e}
# Safe to run again: each step leaves a marker in CACHE/.done/ and is skipped next
# time; delete a marker (or the cache) to redo a step. Writes CACHE/env.sh and
# CACHE/env.json, which test/e2e/run.mjs reads.
# Needs: Node 20, the npm registry, Debian apt mirrors, root or sudo (for apt only).
set -euo pipefail

CACHE="${DLPO_E2E_CACHE:-${HOME}/.cache/dlpo-e2e}"
CODE_SERVER_VERSION="4.100.3"
PLAYWRIGHT_VERSION="1.65.1"
MOCHA_VERSION="11.8.0"
# Bump when the layout of the cache changes, so old caches are rebuilt.
SETUP_REVISION="1"

mkdir -p "$CACHE/.done"
CACHE="$(cd "$CACHE" && pwd)"
CS="$CACHE/code-server"
PKG="$CS/package"
VSC="$PKG/lib/vscode"
TOOLS="$CACHE/tools"
LOG="$CACHE/setup.log"
: >"$LOG"

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=error
# node-gyp builds against the local Node headers when they are installed, so
# nothing is fetched from nodejs.org (it is not reachable from every CI box).
if [[ -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi

T0=$(date +%s)
did=()
step() { echo "[e2e-setup $(( $(date +%s) - T0 ))s] $*"; }
done_mark() { touch "$CACHE/.done/$1"; }
is_done() { [[ -f "$CACHE/.done/$1" ]]; }
run() { # run a command with its output in the log; show the log's tail on failure
  if ! "$@" >>"$LOG" 2>&1; then
    echo "e2e-setup FAILED: $*  (log: $LOG)" >&2; tail -n 40 "$LOG" >&2; exit 1
  fi
}

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != "20" ]]; then
  echo "WARNING: code-server $CODE_SERVER_VERSION is built for Node 20; found $(node --version)" >&2
fi

if [[ "$(cat "$CACHE/.done/revision" 2>/dev/null || true)" != "$SETUP_REVISION" ]]; then
  rm -f "$CACHE"/.done/*
  echo "$SETUP_REVISION" >"$CACHE/.done/revision"
fi

# ---------------------------------------------------------------- 1. apt (only what is missing)
SUDO=""; [[ "$(id -u)" != "0" ]] && SUDO="sudo"
APT_PKGS=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
          build-essential python3)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  step "apt-get update; apt-get install ${missing[*]}"
  run $SUDO apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  did+=("apt: ${missing[*]}")
else
  step "apt packages present"
fi
CHROMIUM="$(command -v chromium || true)"
[[ -x "$CHROMIUM" ]] || { echo "chromium not found after apt install" >&2; exit 1; }
RG="$(command -v rg || true)"
[[ -x "$RG" ]] || { echo "rg (ripgrep) not found after apt install" >&2; exit 1; }

# ---------------------------------------------------------------- 2. code-server package
if ! is_done code-server-unpacked || [[ ! -f "$PKG/out/node/entry.js" ]]; then
  step "npm pack code-server@$CODE_SERVER_VERSION"
  rm -rf "$CS"; mkdir -p "$CS"
  ( cd "$CS" && run npm pack "code-server@$CODE_SERVER_VERSION" --silent )
  tar -xzf "$CS"/code-server-*.tgz -C "$CS"
  rm -f "$CS"/code-server-*.tgz
  rm -f "$CACHE/.done/vscode-deps" "$CACHE/.done/root-deps"
  done_mark code-server-unpacked
  did+=("code-server $CODE_SERVER_VERSION unpacked")
else
  step "code-server $CODE_SERVER_VERSION already unpacked"
fi

# ---------------------------------------------------------------- 3. lib/vscode dependencies
# --ignore-scripts skips postinstalls that download prebuilt binaries (ripgrep,
# electron headers); the native modules are rebuilt from source instead.
if ! is_done vscode-deps; then
  step "npm install in lib/vscode (omit dev, ignore scripts)"
  ( cd "$VSC" && run npm install --unsafe-perm --omit=dev --ignore-scripts )
  step "npm rebuild native modules in lib/vscode"
  ( cd "$VSC" && run env npm_config_yes=true npm rebuild --unsafe-perm \
      @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid )
  # @vscode/ripgrep's postinstall would download rg: use Debian's.
  mkdir -p "$VSC/node_modules/@vscode/ripgrep/bin"
  ln -sfn "$RG" "$VSC/node_modules/@vscode/ripgrep/bin/rg"
  # code-server's VS Code loads some modules through node_modules.asar.
  [[ -e "$VSC/node_modules.asar" ]] || ln -s node_modules "$VSC/node_modules.asar"
  done_mark vscode-deps
  did+=("lib/vscode dependencies installed, native modules rebuilt")
else
  step "lib/vscode dependencies present"
fi

# ---------------------------------------------------------------- 4. code-server root dependencies
if ! is_done root-deps; then
  step "npm install in code-server root; rebuild argon2"
  ( cd "$PKG" && run npm install --unsafe-perm --omit=dev --ignore-scripts )
  ( cd "$PKG" && run env npm_config_yes=true npm rebuild --unsafe-perm argon2 )
  done_mark root-deps
  did+=("code-server root dependencies installed")
else
  step "code-server root dependencies present"
fi

# ---------------------------------------------------------------- 5. playwright-core + mocha
if ! is_done tools || [[ ! -d "$TOOLS/node_modules/playwright-core" || ! -d "$TOOLS/node_modules/mocha" ]]; then
  step "npm install playwright-core@$PLAYWRIGHT_VERSION mocha@$MOCHA_VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  [[ -f "$TOOLS/package.json" ]] || echo '{"name":"dlpo-e2e-tools","private":true}' >"$TOOLS/package.json"
  ( cd "$TOOLS" && run env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-package-lock \
      "playwright-core@$PLAYWRIGHT_VERSION" "mocha@$MOCHA_VERSION" )
  done_mark tools
  did+=("playwright-core $PLAYWRIGHT_VERSION + mocha $MOCHA_VERSION installed")
else
  step "playwright-core / mocha present"
fi

# ---------------------------------------------------------------- 6. sanity checks + env files
step "sanity: native modules load, code-server --version"
( cd "$VSC" && run node -e 'for (const m of ["@parcel/watcher","@vscode/spdlog","kerberos","native-watchdog","node-pty","@vscode/deviceid"]) require(m)' )
( cd "$PKG" && run node -e 'require("argon2")' )
# code-server writes ~/.config/code-server/config.yaml (with a password) on its first
# run unless told where its config lives: keep it in the cache.
CONFIG="$CACHE/code-server-config.yaml"
[[ -f "$CONFIG" ]] || printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$CONFIG"
ver="$(cd "$PKG" && CODE_SERVER_CONFIG="$CONFIG" XDG_DATA_HOME="$CACHE/xdg-data" node out/node/entry.js --version 2>>"$LOG" | tail -n1)"
case "$ver" in
  "$CODE_SERVER_VERSION"*) ;;
  *) echo "e2e-setup: unexpected code-server --version output: $ver" >&2; exit 1 ;;
esac
chromium_version="$("$CHROMIUM" --version 2>/dev/null || true)"
echo "  code-server: $ver"
echo "  chromium:    $chromium_version"

cat >"$CACHE/env.sh" <<EOF
export DLPO_E2E_CACHE="$CACHE"
export CODE_SERVER_ENTRY="$PKG/out/node/entry.js"
export CODE_SERVER_CONFIG="$CONFIG"
export CHROMIUM_PATH="$CHROMIUM"
export DLPO_E2E_TOOLS="$TOOLS"
EOF
node -e '
const [cache, entry, config, chromium, tools, csv, chv, rev] = process.argv.slice(1);
require("fs").writeFileSync(cache + "/env.json", JSON.stringify({
  cache, codeServerEntry: entry, codeServerConfig: config, chromium, tools,
  playwrightCore: tools + "/node_modules/playwright-core", mocha: tools + "/node_modules/mocha",
  codeServerVersion: csv, chromiumVersion: chv, setupRevision: rev,
}, null, 2) + "\n");
' "$CACHE" "$PKG/out/node/entry.js" "$CONFIG" "$CHROMIUM" "$TOOLS" "$ver" "$chromium_version" "$SETUP_REVISION"

if ((${#did[@]})); then
  echo "[e2e-setup] did:"; for d in "${did[@]}"; do echo "  - $d"; done
else
  echo "[e2e-setup] nothing to do: everything was cached"
fi
step "done in $(( $(date +%s) - T0 ))s; cache $CACHE ($(du -sh "$CACHE" | cut -f1)); env: $CACHE/env.json"
