#!/usr/bin/env bash
# bench/stream_upload.sh: a streamed upload's memory: examples/20_realtime.cpp (-O2) takes a body of SIZE bytes
# (1 GiB by default) on POST /upload, from curl reading a pipe (chunked, so neither side holds the body), and the
# server's peak RSS (VmHWM) before and after is compared. Target: growth <= 8 MiB (one 64 KiB read buffer per
# upload, whatever its size). Loopback only; not part of the test suite (tests/examples/test_realtime_streams.cpp
# keeps a small exact version).
# Usage: bash bench/stream_upload.sh [--size BYTES]
# Prints: BENCH stream_upload bytes=... seconds=... mib_per_s=... hwm_before_kib=... hwm_after_kib=... growth_kib=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

size=$((1 << 30))
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    *) echo "usage: bash bench/stream_upload.sh [--size BYTES]" >&2; exit 2 ;;
  esac
done

mkdir -p build/bench
bin=build/bench/20_realtime
nice g++ -std=c++20 -O2 -DNDEBUG -Iinclude examples/20_realtime.cpp -o "$bin" -lsimdjson -lz -pthread

out=$(mktemp)
"$bin" --port 0 --workers 1 >"$out" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q "Listening on" "$out" && break; sleep 0.1; done
port=$(grep -o 'Listening on http://[^ ]*' "$out" | sed 's/.*://')
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"; }

curl -s -o /dev/null "http://127.0.0.1:$port/events?count=1"  # warm: the loop's buffers and frames exist
before=$(hwm)
start=$(date +%s.%N)
answer=$(head -c "$size" /dev/zero | curl -s -X POST -T - "http://127.0.0.1:$port/upload")
end=$(date +%s.%N)
after=$(hwm)
echo "$answer"
case "$answer" in *"\"bytes\":$size,"*) ;; *) echo "the server did not count $size bytes" >&2; exit 1 ;; esac
python3 - "$size" "$start" "$end" "$before" "$after" <<'PY'
import sys
size, start, end, before, after = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
secs = end - start
growth = after - before
print(f"BENCH stream_upload bytes={size} seconds={secs:.2f} mib_per_s={size / 1048576 / secs:.0f} "
      f"hwm_before_kib={before} hwm_after_kib={after} growth_kib={growth} target_kib=8192 "
      f"{'ok' if growth <= 8192 else 'OVER'}")
PY
