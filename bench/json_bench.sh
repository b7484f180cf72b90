#!/usr/bin/env bash
# bench/json_bench.sh: decode+validate and serialize a ~1 KiB order (bench/json_bench.cpp): fa::read_json / write_json
# vs a hand-written simdjson On-Demand loop and vs nlohmann-json3 (Debian package, installed here, bench only);
# also read_json's DOM reader alone (its fallback) and an invalid order (fast attempt + DOM reader vs DOM alone).
# Usage: bash bench/json_bench.sh [iterations, default 20000]   (~30 s). Pinned to core 0, -O2, best of 3 passes x 35 batches of N/5 calls.
# Writes bench/results/<date>-debian12-2core-json.md (printed too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! dpkg-query -W -f='${Status}' nlohmann-json3-dev 2>/dev/null | grep -q "install ok installed"; then
  apt-get install -y nlohmann-json3-dev >/dev/null || { apt-get update >/dev/null && apt-get install -y nlohmann-json3-dev >/dev/null; }
fi
mkdir -p build/bench
cxx=${BENCH_CXX:-g++}
$cxx -std=c++20 -O2 -DNDEBUG -Wall -Wextra -Iinclude bench/json_bench.cpp -o build/bench/json_bench -lsimdjson
out=$(taskset -c 0 build/bench/json_bench "${1:-20000}")
echo "$out"
file="bench/results/$(date +%Y-%m-%d)-debian12-2core-json.md"
{
  echo "# JSON models bench ($(date +%Y-%m-%d), $(nproc) cores, $cxx -O2, simdjson $(dpkg-query -W -f='${Version}' libsimdjson-dev))"
  echo
  echo "Made by \`bash bench/json_bench.sh ${1:-20000}\`."
  echo
  echo '```'
  echo "$out"
  echo '```'
} >"$file"
echo "written: $file"
