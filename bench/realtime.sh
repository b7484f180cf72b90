#!/usr/bin/env bash
# bench/realtime.sh: WebSockets, Server-Sent Events and multipart uploads (issues 18 and 19), ours beside Node's
# `ws` and FastAPI on uvicorn, measured by one load client (bench/realtime_load.cpp, standalone Asio, one thread):
#   echo    WebSocket echo of 1 KiB text messages over 64 connections, one message in flight each (the issue's
#           measure; on a busy machine it is bound by how fast the scheduler wakes each side), then 16 in flight
#           each (the server's own limit): messages/s, round-trip p99, server CPU per message. Peers: ours (bench/servers/realtime_bench.cpp, 1 worker), Node's
#           ws (bench/servers/ws_echo.mjs; npm's ws, installed at run time into build/bench/node/, never into the
#           repository), FastAPI on uvicorn with websockets (bench/servers/realtime_app.py; uvloop + httptools).
#   idle    10,000 idle WebSockets: the server's RSS before and while they are held, KiB per connection
#   sse     1,000 concurrent SSE streams at 10 events/s each (5 s): p99 of each event's delay (ours only)
#   upload  a 1 GiB multipart/form-data upload (one file part, pseudo-random bytes): MiB/s and the server's peak
#           RSS growth, ours beside FastAPI (python-multipart)
# Every server on core 0 (taskset -c 0), the load client on core 1; rounds interleave the peers (noise hits all
# alike); ratios come from the same run. Loopback only, every process stopped by its own pid (bench/lib.sh).
# Usage: bash bench/realtime.sh [echo] [idle] [sse] [upload]   (default: all four)
# Environment: BENCH_ROUNDS (3), BENCH_DURATION (5 s per echo run), BENCH_UPLOAD_BYTES (1 GiB),
#              BENCH_PEERS ("ours node uvicorn"), BENCH_MACHINE (results file name), BENCH_RESULTS_SUFFIX (appended
#              to the results file's name, e.g. -2 for a second run of a day), TMPDIR (where both peers spool an
#              upload: ours and Starlette's SpooledTemporaryFile both use $TMPDIR, else /tmp)
# Writes bench/results/<date>-<machine>-realtime.md (bench/realtime_report.py) and prints BENCH lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(echo idle sse upload)
rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-5}
upload_bytes=${BENCH_UPLOAD_BYTES:-$((1 << 30))}
read -r -a peers <<<"${BENCH_PEERS:-ours node uvicorn}"
ws_version=8.18.3  # npm's ws, pinned
raw=$BENCH_DIR/realtime-raw.txt
: >"$raw"
bench_raise_nofile 65536
echo "bench: open-file limit $(ulimit -n)" >&2

# ---- the programs ----
inc=$(bench_include_dir)
if [ ! -x "$BENCH_DIR/realtime_bench" ] || [ bench/servers/realtime_bench.cpp -nt "$BENCH_DIR/realtime_bench" ] ||
   [ "$inc/fastapi.hpp" -nt "$BENCH_DIR/realtime_bench" ]; then
  echo "bench: building $BENCH_DIR/realtime_bench" >&2
  # shellcheck disable=SC2086
  nice $BENCH_CXX $BENCH_CXXFLAGS -I"$inc" bench/servers/realtime_bench.cpp -o "$BENCH_DIR/realtime_bench" -lsimdjson -pthread
fi
if [ ! -x "$BENCH_DIR/realtime_load" ] || [ bench/realtime_load.cpp -nt "$BENCH_DIR/realtime_load" ]; then
  echo "bench: building $BENCH_DIR/realtime_load" >&2
  # shellcheck disable=SC2086
  nice $BENCH_CXX $BENCH_CXXFLAGS bench/realtime_load.cpp -o "$BENCH_DIR/realtime_load" -pthread
fi
node_dir=$(pwd)/$BENCH_DIR/node
have_peer() {
  case "$1" in
    ours) return 0 ;;
    node)
      command -v node >/dev/null || { echo "bench: node is missing (apt-get install nodejs npm): no Node peer" >&2; return 1; }
      if [ "$(node -p "require('$node_dir/node_modules/ws/package.json').version" 2>/dev/null)" != "$ws_version" ]; then
        echo "bench: npm install ws@$ws_version into $node_dir" >&2
        mkdir -p "$node_dir"
        timeout 300 npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund "ws@$ws_version" \
          >"$BENCH_DIR/npm.log" 2>&1 || { echo "bench: npm install failed (see $BENCH_DIR/npm.log): no Node peer" >&2; return 1; }
      fi ;;
    uvicorn)
      "$BENCH_PYTHON" -c 'import fastapi, uvicorn, uvloop, httptools, websockets, multipart' 2>/dev/null ||
        { echo "bench: python3-fastapi/uvicorn/uvloop/httptools/websockets/multipart missing: no uvicorn peer" >&2; return 1; } ;;
  esac
}
available=()
for p in "${peers[@]}"; do if have_peer "$p"; then available+=("$p"); fi; done
peers=("${available[@]}")

# Starts peer $1 on a free port pinned to core 0; sets PEER_PID and PORT.
start_peer() {
  PORT=$(bench_free_port)
  case "$1" in
    ours) taskset -c 0 "$BENCH_DIR/realtime_bench" --host 127.0.0.1 --port "$PORT" --workers 1 >"$BENCH_DIR/rt-ours.log" 2>&1 & ;;
    node) NODE_PATH="$node_dir/node_modules" taskset -c 0 node bench/servers/ws_echo.mjs "$PORT" >"$BENCH_DIR/rt-node.log" 2>&1 & ;;
    uvicorn) taskset -c 0 "$BENCH_PYTHON" -m uvicorn realtime_app:app --app-dir bench/servers --host 127.0.0.1 --port "$PORT" \
               --loop uvloop --http httptools --ws websockets --no-access-log --log-level warning \
               >"$BENCH_DIR/rt-uvicorn.log" 2>&1 & ;;
  esac
  PEER_PID=$!
  BENCH_PIDS+=("$PEER_PID")
  bench_wait_port "$PORT"
}
load() { timeout 300 taskset -c 1 "$BENCH_DIR/realtime_load" "$@"; }  # bounded: a stuck server cannot hang the run
record() {  # section peer round BENCH-line...
  local line=$4
  echo "$line"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$line" >>"$raw"
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

{
  echo "date	$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine	$(bench_machine)"
  echo "cpu	$(bench_cpu_model), $(nproc) cores"
  echo "load	$(cut -d' ' -f1-3 /proc/loadavg)"
  tmp=${TMPDIR:-/tmp}
  echo "tmpdir	$tmp ($(df -T "$tmp" | awk 'NR == 2 {print $2}'), the same for every peer: each spools to \$TMPDIR, else /tmp)"
  echo "command	bash bench/realtime.sh ${sections[*]} (BENCH_ROUNDS=$rounds BENCH_DURATION=$duration BENCH_UPLOAD_BYTES=$upload_bytes)"
  echo "ours	$BENCH_CXX $BENCH_CXXFLAGS -I$inc bench/servers/realtime_bench.cpp -lsimdjson -pthread; --workers 1"
  echo "node	node $(node --version 2>/dev/null || echo missing), ws $ws_version"
  echo "deflate	off on every peer: the load client offers no Sec-WebSocket-Extensions, so no peer compresses; ours also pins it off (Config::ws_per_message_deflate = false, and the bench server is built without FASTAPI_ENABLE_GZIP), Node's ws server has perMessageDeflate off by default"
  echo "uvicorn	python3 $("$BENCH_PYTHON" -c 'import fastapi, uvicorn, websockets, multipart, starlette; print(f"fastapi {fastapi.__version__}, starlette {starlette.__version__}, uvicorn {uvicorn.__version__}, websockets {websockets.__version__}, python-multipart {multipart.__version__}")' 2>/dev/null || echo missing)"
} >"$BENCH_DIR/realtime-meta.txt"

for section in "${sections[@]}"; do
  case "$section" in
    echo)
      for r in $(seq "$rounds"); do
        for p in "${peers[@]}"; do
          start_peer "$p"
          for depth in 1 16; do
            line=$(load echo --port "$PORT" --connections 64 --depth "$depth" --size 1024 --warmup 1 --seconds "$duration" \
                     --server-pid "$PEER_PID" | grep '^BENCH') || line="BENCH ws_echo depth=$depth failed=1"
            record echo "$p" "$r" "$line"
          done
          bench_stop "$PEER_PID"
        done
      done ;;
    idle)
      for p in "${peers[@]}"; do
        start_peer "$p"
        load idle --port "$PORT" --connections 1 --hold 0 >/dev/null  # one WebSocket: the handshake's code is warm
        sleep 1
        before=$(bench_rss_kib "$PEER_PID")
        out=$BENCH_DIR/rt-idle-$p.out
        # (not through the load function: a backgrounded function is a subshell, and its pid is not the client's)
        taskset -c 1 "$BENCH_DIR/realtime_load" idle --port "$PORT" --connections 10000 --hold 30 >"$out" 2>&1 &
        client=$!
        BENCH_PIDS+=("$client")
        for _ in $(seq 600); do grep -q '^held' "$out" && break; kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
        held=0 after=$before
        if grep -q '^held' "$out"; then
          sleep 2
          after=$(bench_rss_kib "$PEER_PID")
          held=$(bench_server_connections "$PORT")
        fi
        bench_stop "$client"
        record idle "$p" 1 "BENCH ws_idle peer=$p rss_before_kib=$before rss_loaded_kib=$after held=$held $(head -1 "$out" | tr ' ' '_')"
        bench_stop "$PEER_PID"
      done ;;
    sse)
      for r in $(seq "$rounds"); do
        start_peer ours
        line=$(load sse --port "$PORT" --streams 1000 --count 50 --interval-ms 100 | grep '^BENCH') || line="BENCH sse failed=1"
        record sse ours "$r" "$line"
        bench_stop "$PEER_PID"
      done ;;
    upload)  # the peers interleaved round by round, as the echo runs: a burst of load hits both alike
      for r in $(seq 1 "$rounds"); do
        for p in "${peers[@]}"; do
          [ "$p" != node ] || continue  # the Node peer is a WebSocket server only
          start_peer "$p"
          load upload --port "$PORT" --bytes $((2 << 20)) >/dev/null  # warm: the parser, a spooled file, the pool
          before=$(hwm_kib "$PEER_PID")
          line=$(load upload --port "$PORT" --bytes "$upload_bytes" --server-pid "$PEER_PID" | grep '^BENCH') || line="BENCH upload failed=1"
          after=$(hwm_kib "$PEER_PID")
          record upload "$p" "$r" "${line%% answer=*} hwm_before_kib=$before hwm_after_kib=$after growth_kib=$((after - before))"
          bench_stop "$PEER_PID"
        done
      done ;;
    *) echo "bench: unknown section $section (echo, idle, sse, upload)" >&2; exit 2 ;;
  esac
done

out="bench/results/$(date +%F)-$(bench_machine)-realtime.md"
# A run of some sections only does not replace the file of a whole run.
[ "${sections[*]}" = "echo idle sse upload" ] || out="bench/results/$(date +%F)-$(bench_machine)-realtime-$(IFS=-; echo "${sections[*]}").md"
out=${out%.md}${BENCH_RESULTS_SUFFIX:-}.md
echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$BENCH_DIR/realtime-meta.txt"
python3 bench/realtime_report.py "$BENCH_DIR/realtime-meta.txt" "$raw" >"$out"
echo "bench: wrote $out" >&2
