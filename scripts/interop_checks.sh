#!/usr/bin/env bash
# scripts/interop_checks.sh: clients no one here wrote, against the realtime and files examples (issues 18, 19):
#   1. npm's `ws` (Node's usual WebSocket client) against examples/20_realtime: echo (text, binary, fragmented,
#      1 MiB, ping, close codes; with and without permessage-deflate offered; 1007 for text that is not UTF-8) and a
#      chat room (tests/websocket/ws_node_client.mjs);
#   2. headless Chromium (puppeteer-core, from tests/openapi/node_modules): the browser's own WebSocket and
#      EventSource against examples/20_realtime, and a <form enctype="multipart/form-data"> with a file input
#      submitted to examples/21_files (tests/examples/realtime_browser.mjs).
# Python's websockets client runs inside the test binary (tests/websocket/test_websocket_interop.cpp).
# Usage: bash scripts/interop_checks.sh [BUILD_DIR]   (default build/gcc)
# Uses BUILD_DIR/20_realtime and BUILD_DIR/21_files when CMake built them, else builds them with g++ into
# BUILD_DIR/interop/. `ws` (pinned) is installed with npm into BUILD_DIR/interop/node/ (never into the sources).
# Environment: CHROMIUM (the browser; empty: skip the browser check). A check whose tool is missing (node, npm's
# registry, tests/openapi/node_modules, chromium) is skipped with a loud line, except with CI=true, where a check
# that cannot run is a failure; any real failure makes the exit code 1. Loopback only; each run is bounded by
# `timeout`, and the node scripts stop the examples they start by pid.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build="${1:-build/gcc}"
mkdir -p "$build/interop"
out=$(cd "$build/interop" && pwd)
ws_version=8.18.3
failed=0
skipped=0
note() { printf 'interop_checks: %s\n' "$*"; }
fail() { note "FAILED: $*"; failed=1; }
skip() {  # a check that cannot run: a failure under CI=true, else a loud line and a count
  if [ "${CI:-}" = true ]; then
    fail "$* (CI=true: no check may be skipped)"
  else
    note "SKIPPED (would fail with CI=true): $*"; skipped=$((skipped + 1))
  fi
}

binary() {  # name -> path of an up-to-date example binary (CMake's, or built here)
  local name=$1 source=examples/$1.cpp
  if [ -x "$build/$name" ]; then echo "$build/$name"; return; fi
  if [ ! -x "$out/$name" ] || [ -n "$(find include "$source" -name '*.?pp' -newer "$out/$name" -print -quit)" ]; then
    note "building $out/$name from $source" >&2
    g++ -std=c++20 -O1 -Iinclude "$source" -o "$out/$name" -lsimdjson -pthread >&2 || return 1
  fi
  echo "$out/$name"
}
realtime=$(binary 20_realtime) || { fail "examples/20_realtime.cpp does not build"; exit 1; }
files=$(binary 21_files) || { fail "examples/21_files.cpp does not build"; exit 1; }

# ---- 1. npm's ws ----
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  skip "Node's ws client: node/npm are not installed (apt-get install nodejs npm)"
else
  node_dir="$out/node"
  if [ "$(node -p "require('$node_dir/node_modules/ws/package.json').version" 2>/dev/null)" != "$ws_version" ]; then
    note "npm install ws@$ws_version into $node_dir"
    mkdir -p "$node_dir"
    # Once more after a pause: a registry hiccup should not turn the check into a skip.
    for attempt in 1 2; do
      timeout 180 npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund --silent "ws@$ws_version" \
        >"$out/npm.log" 2>&1 && break
      [ $attempt = 2 ] || sleep 5
    done
  fi
  if [ ! -f "$node_dir/node_modules/ws/package.json" ]; then
    skip "Node's ws client: npm install ws@$ws_version failed (see $out/npm.log)"
  else
    note "1. npm's ws client against examples/20_realtime"
    NODE_PATH="$node_dir/node_modules" timeout 120 node tests/websocket/ws_node_client.mjs --app "$realtime" ||
      fail "Node's ws client against examples/20_realtime"
  fi
fi

# ---- 2. the browser ----
chromium="${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}"
if ! command -v node >/dev/null; then
  skip "the browser check: node is not installed (apt-get install nodejs npm)"
elif [ ! -d tests/openapi/node_modules/puppeteer-core ]; then
  skip "the browser check: run (cd tests/openapi && npm ci) first (bash scripts/setup.sh test does it)"
elif [ -z "$chromium" ]; then
  skip "the browser check: chromium is not installed (apt-get install chromium)"
else
  note "2. Chromium's WebSocket, EventSource and a multipart form upload against examples/20_realtime and 21_files"
  timeout 180 node tests/examples/realtime_browser.mjs --chromium "$chromium" --realtime "$realtime" --files "$files" \
    --modules tests/openapi/node_modules --out "$out" || fail "the browser check"
fi

if [ $failed = 0 ]; then
  if [ $skipped = 0 ]; then note "all checks passed"; else note "the checks that ran passed; $skipped SKIPPED (see above)"; fi
else
  note "some checks FAILED"
fi
exit $failed
