#!/usr/bin/env bash
# bench/ws_conformance_large.sh: the large-size cases of Autobahn's group 9 (limits) that the suite leaves out:
# text and binary messages of 1, 4, 8 and 16 MiB, whole and in fragments from 64 bytes to 1 MiB, echoed over a
# raw socket, and 16 MiB + 1 byte closed with 1009 (ws_max_size = 16 MiB, uvicorn's). They are the "9 limits,
# large sizes" case of tests/websocket/test_websocket_conformance.cpp, built at -O2 and run with
# FASTAPI_WS_CONFORMANCE_LARGE=1. Loopback only; takes a minute or so.
# Usage: bash bench/ws_conformance_large.sh
# Prints doctest's summary and: BENCH ws_conformance_large seconds=... status=ok|failed
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p build/bench
bin=build/bench/ws_conformance_large
nice "${CXX:-clang++}" -std=c++20 -O2 -Iinclude -Itests -DFASTAPI_ENABLE_GZIP \
  tests/main.cpp tests/websocket/test_websocket_conformance.cpp -o "$bin" -lsimdjson -lz -pthread
start=$(date +%s.%N)
status=ok
FASTAPI_WS_CONFORMANCE_LARGE=1 "$bin" -tc='*large sizes*' || status=failed
end=$(date +%s.%N)
echo "BENCH ws_conformance_large seconds=$(awk "BEGIN { printf \"%.1f\", $end - $start }") status=$status"
[ "$status" = ok ]
