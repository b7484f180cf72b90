# shellcheck shell=bash
# bench/lib.sh: helpers sourced by the bench/*.sh scripts (not run on its own).
# Builds the bench app, starts our server and nginx on free loopback ports, each pinned to core 0,
# remembers every pid it started and stops each by its own pid on EXIT. Reads /proc for CPU and RSS.
# Callers: `set -euo pipefail`, cd to the repo root, then `source bench/lib.sh`.

BENCH_DIR=build/bench
BENCH_PIDS=()
mkdir -p "$BENCH_DIR"

# Stops every process this script started, by its own pid (TERM, then KILL after 5 s).
bench_cleanup() {
  local pid i
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM  # so Ctrl-C and kill still run the EXIT trap

# Stops one process we started (and forgets it).
bench_stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  bench_forget "$pid"
}

# Forgets a pid we started that has exited on its own (already waited for).
bench_forget() {
  local pid=$1 i keep=()
  for i in "${BENCH_PIDS[@]}"; do [ "$i" = "$pid" ] || keep+=("$i"); done
  BENCH_PIDS=("${keep[@]}")
}

# Short machine name for results files: debian12-2core (override with BENCH_MACHINE=...).
bench_machine() {
  if [ -n "${BENCH_MACHINE:-}" ]; then echo "$BENCH_MACHINE"; return; fi
  local id=linux ver=""
  if [ -r /etc/os-release ]; then id=$(. /etc/os-release; echo "${ID:-linux}"); ver=$(. /etc/os-release; echo "${VERSION_ID:-}"); fi
  echo "${id}${ver%%.*}-$(nproc)core"
}

bench_cpu_model() {
  local m
  m=$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
  [ -n "$m" ] || m=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
  echo "${m:-unknown}"
}

# The directory to pass as -I: "." when fastapi.hpp is up to date with include/, else a fresh
# amalgamation under build/bench/single/ (the committed file is never rewritten by a bench script).
bench_include_dir() {
  if python3 single_include_build.py --check >/dev/null 2>&1; then
    echo "."
  else
    mkdir -p "$BENCH_DIR/single"
    if python3 single_include_build.py --output "$BENCH_DIR/single/fastapi.hpp.new" >/dev/null 2>&1; then
      mv "$BENCH_DIR/single/fastapi.hpp.new" "$BENCH_DIR/single/fastapi.hpp"
      echo "bench: fastapi.hpp is stale; building against a fresh amalgamation in $BENCH_DIR/single/" >&2
      echo "$BENCH_DIR/single"
    elif [ -f "$BENCH_DIR/single/fastapi.hpp" ]; then
      echo "bench: include/ does not amalgamate now; using the last good one in $BENCH_DIR/single/" >&2
      echo "$BENCH_DIR/single"
    else
      echo "bench: include/ does not amalgamate now; using the committed fastapi.hpp" >&2
      echo "."
    fi
  fi
}

BENCH_CXX=${CXX:-g++}
BENCH_CXXFLAGS="-std=c++20 -O2 -DNDEBUG"

# Builds build/bench/fastapi_bench (our server) when its source or the header changed
# (BENCH_NO_BUILD=1 with a built binary: keep it, so run.sh's profiles measure the binary it measured).
bench_build_server() {
  local inc out=$BENCH_DIR/fastapi_bench
  if [ "${BENCH_NO_BUILD:-0}" = 1 ] && [ -x "$out" ]; then return 0; fi
  inc=$(bench_include_dir)
  if [ ! -x "$out" ] || [ bench/servers/fastapi_bench.cpp -nt "$out" ] || [ "$inc/fastapi.hpp" -nt "$out" ]; then
    echo "bench: building $out ($BENCH_CXX $BENCH_CXXFLAGS -I$inc)" >&2
    # shellcheck disable=SC2086
    $BENCH_CXX $BENCH_CXXFLAGS -I"$inc" bench/servers/fastapi_bench.cpp -o "$out" -lsimdjson -pthread
  fi
}

# A free TCP port on 127.0.0.1 (the kernel picks it; closed again before we use it).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits (at most 10 s) until something answers on 127.0.0.1:$1; fails otherwise.
bench_wait_port() {
  local port=$1 i
  for i in $(seq 100); do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/plaintext"; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing answers on 127.0.0.1:$port" >&2
  return 1
}

# Starts our server pinned to core 0 on port $1; sets OURS_PID.
bench_start_ours() {
  local port=$1
  taskset -c 0 "$BENCH_DIR/fastapi_bench" --host 127.0.0.1 --port "$port" --workers 1 >"$BENCH_DIR/ours.log" 2>&1 &
  OURS_PID=$!
  BENCH_PIDS+=("$OURS_PID")
  bench_wait_port "$port"
}

# Starts nginx (1 worker) pinned to core 0 on port $1, prefix under build/bench/nginx; sets NGINX_PID
# (the master; the worker is its child).
bench_start_nginx() {
  local port=$1 prefix user_line=""
  prefix="$(pwd)/$BENCH_DIR/nginx"
  mkdir -p "$prefix/logs" "$prefix/tmp"
  if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" -e "s|@USER_LINE@|$user_line|" -e "s|@NOFILE@|$(ulimit -n)|" \
    bench/servers/nginx.conf >"$prefix/nginx.conf"
  taskset -c 0 nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$BENCH_DIR/nginx.log" 2>&1 &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
  bench_wait_port "$port"
}

# The pid and its direct children (nginx's worker), space separated.
bench_family() {
  local pid=$1
  echo "$pid $(pgrep -P "$pid" 2>/dev/null | tr '\n' ' ')"
}

# utime+stime, in clock ticks, of the pid and its children (all threads included).
bench_cpu_ticks() {
  local total=0 p t
  for p in $(bench_family "$1"); do
    t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# VmRSS in KiB of the pid and its children, summed.
bench_rss_kib() {
  local total=0 p r
  for p in $(bench_family "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || r=0
    total=$((total + ${r:-0}))
  done
  echo "$total"
}

# Raises the open-file limit as far as allowed (c1024 and 10,000 idle connections need it).
bench_raise_nofile() {
  local want=${1:-65536} hard
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
    ulimit -Hn "$want" 2>/dev/null || want=$hard
  fi
  ulimit -Sn "$want" 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"
}
