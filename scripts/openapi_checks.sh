#!/usr/bin/env bash
# scripts/openapi_checks.sh: the OpenAPI checks that run outside the test binary (issue 8), from the repo root:
#   2. the documents of examples/users_api and of the feature app (tests/openapi/feature_app.cpp, with and
#      without its custom validation-error schema) are valid OpenAPI 3.1 (npm's @seriousme/openapi-schema-validator);
#   3. the feature app's document has the shape FastAPI gives its twin (tests/openapi/twin_app.py, Debian's
#      python3-fastapi), the intended differences aside (docs/openapi.md);
#   4. /docs and /redoc work in headless Chromium (puppeteer-core): every operation listed, "Try it out" ->
#      Execute, the models in ReDoc; screenshots in BUILD/openapi/ (users_api's /docs, the README's picture, is
#      copied to docs/images/docs.png when FASTAPI_UPDATE_DOCS_IMAGE=1).
# Usage: bash scripts/openapi_checks.sh [BUILD_DIR]   (default build/gcc)
# Environment: CHROMIUM (the browser; empty: skip the browser test), OPENAPI_PYTHON (default /usr/bin/python3),
# FASTAPI_UPDATE_DOCS_IMAGE=1 (copy users_api's /docs screenshot to docs/images/docs.png).
# Uses BUILD_DIR/users_api and BUILD_DIR/openapi_feature_app when CMake built them, else builds them with g++
# into BUILD_DIR/openapi/. A check whose tool is missing (node and tests/openapi/node_modules, python3-fastapi,
# chromium) is skipped with a loud message, except with CI=true, where a check that cannot run is a failure
# (a green CI run means every check ran); any real failure makes the exit code 1.
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/gcc}"
mkdir -p "$build/openapi"
out=$(cd "$build/openapi" && pwd)  # absolute: the node scripts run from tests/openapi
failed=0
skipped=0
pids=()
note() { printf 'openapi_checks: %s\n' "$*"; }
fail() { note "FAILED: $*"; failed=1; }
skip() {  # a check that cannot run: a failure under CI=true, else a loud line and a count
  if [ "${CI:-}" = true ]; then
    fail "$* (CI=true: no check may be skipped)"
  else
    note "SKIPPED (would fail with CI=true): $*"; skipped=$((skipped + 1))
  fi
}
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap cleanup EXIT

# ---- the programs ----
binary() {  # name source [libraries...] -> path of an up-to-date binary (CMake's, or built here)
  local name=$1 source=$2
  shift 2
  if [ -x "$build/$name" ]; then echo "$build/$name"; return; fi
  if [ ! -x "$out/$name" ] || [ -n "$(find include tests/openapi "$source" -path tests/openapi/node_modules -prune -o \
      -name '*.?pp' -newer "$out/$name" -print -quit)" ]; then
    note "building $out/$name from $source" >&2
    g++ -std=c++20 -O1 -Iinclude -Itests "$source" -o "$out/$name" -lsimdjson "$@" >&2 || return 1
  fi
  echo "$out/$name"
}
users_api=$(binary users_api examples/users_api.cpp -lsqlite3) || { fail "examples/users_api.cpp does not build"; exit 1; }
feature_app=$(binary openapi_feature_app tests/openapi/feature_app.cpp) || { fail "tests/openapi/feature_app.cpp does not build"; exit 1; }

# Starts a program on a free port (it prints "Listening on http://127.0.0.1:PORT"); sets $base.
start() {
  local log
  log=$(mktemp "$out/app.XXXXXX.log")
  "$@" --port 0 >"$log" 2>&1 &
  pids+=($!)
  base=""
  for _ in $(seq 1 100); do  # at most 10 s
    base=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1)
    [ -n "$base" ] && return 0
    sleep 0.1
  done
  fail "$* did not start: $(cat "$log")"
  return 1
}
stop_all() { cleanup; pids=(); }
fetch() { curl -sS --max-time 10 --fail "$1" -o "$2"; }

start "$users_api" && fetch "$base/openapi.json" "$out/users_api.openapi.json" || fail "GET /openapi.json of users_api"
start "$feature_app" && fetch "$base/openapi.json" "$out/feature_app.openapi.json" || fail "GET /openapi.json of the feature app"
start "$feature_app" --problem-details && fetch "$base/openapi.json" "$out/feature_app_problem.openapi.json" ||
  fail "GET /openapi.json of the feature app (--problem-details)"
stop_all

# ---- 2. the npm validator ----
have_node=1
if ! command -v node >/dev/null; then
  have_node=0; skip "the OpenAPI validator and the browser test: node is not installed (apt-get install nodejs npm)"
elif [ ! -d tests/openapi/node_modules/@seriousme/openapi-schema-validator ]; then
  have_node=0; skip "the OpenAPI validator and the browser test: run (cd tests/openapi && npm ci) first"
fi
if [ $have_node = 1 ]; then
  note "2. OpenAPI 3.1 validator (@seriousme/openapi-schema-validator)"
  (cd tests/openapi && node validate.mjs "$out/users_api.openapi.json" "$out/feature_app.openapi.json" \
     "$out/feature_app_problem.openapi.json") || fail "an OpenAPI document is not valid"
fi

# ---- 3. the FastAPI twin ----
note "3. structural comparison with FastAPI (tests/openapi/twin_app.py)"
py="${OPENAPI_PYTHON:-/usr/bin/python3}"  # Debian's python3, where python3-fastapi is
[ -x "$py" ] || py=python3
"$py" tests/openapi/twin_app.py >"$out/twin.openapi.json" 2>"$out/twin.log"
case $? in
  0) "$py" tests/openapi/compare_twin.py "$out/feature_app.openapi.json" "$out/twin.openapi.json" || fail "the document differs from FastAPI's" ;;
  77) skip "the FastAPI twin: $(cat "$out/twin.log")" ;;
  *) fail "tests/openapi/twin_app.py: $(cat "$out/twin.log")" ;;
esac

# ---- 4. the browser ----
chromium="${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}"
if [ $have_node = 1 ] && [ -z "$chromium" ]; then
  skip "the browser test: chromium is not installed (apt-get install chromium)"
elif [ $have_node = 1 ]; then
  note "4. /docs and /redoc in headless Chromium (puppeteer-core)"
  timeout 240 node tests/openapi/browser.mjs --chromium "$chromium" --feature-app "$feature_app" --users-api "$users_api" \
    --modules tests/openapi/node_modules --out "$out" --readme "$out/users_api-docs.png" || fail "the browser test"
  if [ "${FASTAPI_UPDATE_DOCS_IMAGE:-0}" = 1 ] && [ -f "$out/users_api-docs.png" ]; then
    mkdir -p docs/images && cp "$out/users_api-docs.png" docs/images/docs.png && note "updated docs/images/docs.png"
  fi
fi

if [ $failed = 0 ]; then
  if [ $skipped = 0 ]; then note "all checks passed"; else note "the checks that ran passed; $skipped SKIPPED (see above)"; fi
else
  note "some checks FAILED"
fi
exit $failed
