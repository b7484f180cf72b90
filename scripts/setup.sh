#!/usr/bin/env bash
# scripts/setup.sh: installs, with apt-get, the Debian 12 packages fastapi.hpp needs that are missing.
# Usage: bash scripts/setup.sh [build|test|bench]   (default: build)
set -euo pipefail
what="${1:-build}"
pkgs=(g++ cmake ninja-build ccache python3 libasio-dev libsimdjson-dev zlib1g-dev)
case "$what" in
  build) ;;
  test) pkgs+=(clang libclang-rt-14-dev clang-format doctest-dev curl chromium python3-fastapi python3-multipart python3-httpx
              python3-websockets python3-requests inotify-tools openssl libssl-dev nginx-light
              systemd python3-yaml libsqlite3-dev lld)
        command -v node >/dev/null || pkgs+=(nodejs npm) ;;
  bench) pkgs+=(clang doctest-dev curl wrk nginx-light libhttp-parser-dev nlohmann-json3-dev valgrind hyperfine iproute2 linux-perf strace python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-email-validator libcpp-httplib-dev dpkg-dev
               python3-websockets python3-multipart libsqlite3-dev)  # users_api (compile_time.sh) links libsqlite3; python3-websockets and -multipart: bench/realtime.sh's uvicorn peer; its Node peer needs node:
         command -v node >/dev/null || pkgs+=(nodejs npm) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
npm_checks() {  # the OpenAPI checks' npm packages (tests/openapi/package-lock.json), when node is there
  [ "$what" = test ] && command -v npm >/dev/null || return 0
  local dir=tests/openapi
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "setup: npm ci in $dir"
    # Once more after a pause: a registry hiccup should not turn the OpenAPI checks into skips.
    (cd "$dir" && { npm ci --silent >/dev/null || { sleep 5 && npm ci --silent >/dev/null; }; } && touch node_modules) ||
      echo "setup: npm ci failed twice; the OpenAPI validator and browser checks will be skipped (a failure with CI=true)"
  fi
}
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then npm_checks; exit 0; fi
echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_checks
