# shellcheck shell=bash
# bench/lib.sh: helpers sourced by the bench/*.sh scripts (not run on its own).
# Builds the bench apps, starts the peers (ours, nginx, FastAPI on uvicorn, cpp-httplib) on free loopback
# ports, each pinned to core 0, remembers every pid it started and stops each by its own pid on EXIT.
# Reads /proc for CPU and RSS.
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
# amalgamation under build/bench/single/ (the committed file is never rewritten by a bench script); when
# include/ does not amalgamate (work in progress), the newer of the last good one and the committed file.
bench_include_dir() {
  if python3 single_include_build.py --check >/dev/null 2>&1; then
    echo "."
  else
    mkdir -p "$BENCH_DIR/single"
    if python3 single_include_build.py --output "$BENCH_DIR/single/fastapi.hpp.new" >/dev/null 2>&1; then
      mv "$BENCH_DIR/single/fastapi.hpp.new" "$BENCH_DIR/single/fastapi.hpp"
      echo "bench: fastapi.hpp is stale; building against a fresh amalgamation in $BENCH_DIR/single/" >&2
      echo "$BENCH_DIR/single"
    elif [ -f "$BENCH_DIR/single/fastapi.hpp" ] && [ "$BENCH_DIR/single/fastapi.hpp" -nt fastapi.hpp ]; then
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
  if [ ! -x "$out" ] || [ bench/servers/fastapi_bench.cpp -nt "$out" ] || [ "$inc/fastapi.hpp" -nt "$out" ] ||
     [ "$(cat "$out.inc" 2>/dev/null)" != "$inc" ]; then
    echo "bench: building $out ($BENCH_CXX $BENCH_CXXFLAGS -I$inc)" >&2
    # shellcheck disable=SC2086
    $BENCH_CXX $BENCH_CXXFLAGS -I"$inc" bench/servers/fastapi_bench.cpp -o "$out" -lsimdjson -pthread
    echo "$inc" >"$out.inc"
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

# Starts our server pinned to core 0 on port $1 (with $2 workers, default 1: two workers get both cores);
# sets OURS_PID.
bench_start_ours() {
  local port=$1 workers=${2:-1} extra=${3:-} cores=0
  [ "$workers" -eq 1 ] || cores=0-$((workers - 1))
  # shellcheck disable=SC2086
  taskset -c "$cores" "$BENCH_DIR/fastapi_bench" --host 127.0.0.1 --port "$port" --workers "$workers" $extra \
    >"$BENCH_DIR/ours-w$workers$extra.log" 2>&1 &
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

# ---- the peers besides nginx: FastAPI on uvicorn, cpp-httplib ----

# Debian's python3 (python3-fastapi and friends live there, whatever `python3` is first on PATH).
BENCH_PYTHON=${BENCH_PYTHON:-/usr/bin/python3}

# Starts FastAPI (bench/servers/fastapi_app.py) on uvicorn, one worker, pinned to core 0, on port $1;
# $2 = h11 (`--loop asyncio --http h11`) or uvloop (`--loop uvloop --http httptools`). Access log off and
# keep-alive 75 s (nginx's default, so bench/memory.sh's idle connections stay open). Sets FASTAPI_PID
# (uvicorn without --workers serves in the process it was started as: the pid is the server).
bench_start_fastapi() {
  local port=$1 flavour=$2 loop http
  case "$flavour" in
    h11) loop=asyncio http=h11 ;;
    uvloop) loop=uvloop http=httptools ;;
    *) echo "bench: unknown FastAPI flavour $flavour" >&2; return 2 ;;
  esac
  taskset -c 0 "$BENCH_PYTHON" -m uvicorn fastapi_app:app --app-dir bench/servers --host 127.0.0.1 --port "$port" \
    --loop "$loop" --http "$http" --no-access-log --log-level warning --timeout-keep-alive 75 \
    >"$BENCH_DIR/fastapi-$flavour.log" 2>&1 &
  FASTAPI_PID=$!
  BENCH_PIDS+=("$FASTAPI_PID")
  bench_wait_port "$port"
}

# The uvicorn command line of bench_start_fastapi, for results files.
bench_fastapi_command() {
  case "$1" in
    h11) echo "taskset -c 0 /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir bench/servers --host 127.0.0.1 --port PORT --loop asyncio --http h11 --no-access-log --log-level warning --timeout-keep-alive 75" ;;
    uvloop) echo "taskset -c 0 /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir bench/servers --host 127.0.0.1 --port PORT --loop uvloop --http httptools --no-access-log --log-level warning --timeout-keep-alive 75" ;;
  esac
}

# Fetches cpp-httplib's single header from Debian's source package (`apt-get source cpp-httplib`) into
# build/bench/httplib/httplib.h. The deb-src entry lives in a private apt configuration under
# build/bench/apt-src/ (its own sources.list, lists and cache): the system's apt sources are not touched.
bench_fetch_httplib_source() {
  local apt src codename h
  apt="$(pwd)/$BENCH_DIR/apt-src"
  src="$(pwd)/$BENCH_DIR/httplib-src"
  codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-bookworm}")
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$src"
  printf 'deb-src http://deb.debian.org/debian %s main\ndeb-src http://deb.debian.org/debian-security %s-security main\n' \
    "$codename" "$codename" >"$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
              -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  echo "bench: fetching cpp-httplib's single header: apt-get source cpp-httplib (private deb-src in $apt)" >&2
  if ! { timeout 300 apt-get "${opts[@]}" update && (cd "$src" && timeout 300 apt-get "${opts[@]}" source cpp-httplib); } \
       >"$BENCH_DIR/httplib-fetch.log" 2>&1; then
    echo "bench: apt-get source cpp-httplib failed (see $BENCH_DIR/httplib-fetch.log)" >&2
    return 1
  fi
  h=$(ls -d "$src"/cpp-httplib-*/httplib.h 2>/dev/null | sort | tail -1)
  [ -n "$h" ] && [ -f "$h" ] || return 1
  mkdir -p "$BENCH_DIR/httplib"
  cp "$h" "$BENCH_DIR/httplib/httplib.h"
  basename "$(dirname "$h")" >"$BENCH_DIR/httplib/SOURCE"
}

# Chooses how cpp-httplib is built and sets HTTPLIB_KIND (single | split), HTTPLIB_CXXFLAGS, HTTPLIB_LIBS,
# HTTPLIB_VERSION. Single header (build/bench/httplib/httplib.h from the source package) when it can be
# had; else Debian's split build (libcpp-httplib-dev: a declarations-only header and libcpp-httplib.so,
# compiled by Debian with -O2 and -DCPPHTTPLIB_USE_POLL). BENCH_HTTPLIB=split forces the split build.
bench_httplib_setup() {
  if [ "${BENCH_HTTPLIB:-single}" != split ] && [ ! -f "$BENCH_DIR/httplib/httplib.h" ]; then
    bench_fetch_httplib_source || true
  fi
  if [ "${BENCH_HTTPLIB:-single}" != split ] && [ -f "$BENCH_DIR/httplib/httplib.h" ]; then
    HTTPLIB_KIND=single
    HTTPLIB_CXXFLAGS="-I$BENCH_DIR/httplib"
    HTTPLIB_LIBS=""
  else
    HTTPLIB_KIND=split
    HTTPLIB_CXXFLAGS=""
    HTTPLIB_LIBS="-lcpp-httplib"
  fi
  HTTPLIB_VERSION=$(dpkg-query -W -f='${Version}' libcpp-httplib-dev 2>/dev/null || echo unknown)
}

# Builds build/bench/httplib_bench (cpp-httplib peer) when its source changed; bench_httplib_setup first.
bench_build_httplib() {
  local out=$BENCH_DIR/httplib_bench stamp=$BENCH_DIR/httplib_bench.kind
  bench_httplib_setup
  if [ ! -x "$out" ] || [ bench/servers/httplib_bench.cpp -nt "$out" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$HTTPLIB_KIND" ]; then
    echo "bench: building $out (cpp-httplib $HTTPLIB_VERSION, $HTTPLIB_KIND)" >&2
    # shellcheck disable=SC2086
    $BENCH_CXX $BENCH_CXXFLAGS -DCPPHTTPLIB_USE_POLL $HTTPLIB_CXXFLAGS bench/servers/httplib_bench.cpp -o "$out" \
      $HTTPLIB_LIBS -lsimdjson -pthread
    echo "$HTTPLIB_KIND" >"$stamp"
  fi
}

# The build command of bench_build_httplib, for results files.
bench_httplib_command() {
  echo "$BENCH_CXX $BENCH_CXXFLAGS -DCPPHTTPLIB_USE_POLL${HTTPLIB_CXXFLAGS:+ $HTTPLIB_CXXFLAGS} bench/servers/httplib_bench.cpp -o build/bench/httplib_bench${HTTPLIB_LIBS:+ $HTTPLIB_LIBS} -lsimdjson -pthread"
}

# Starts the cpp-httplib peer pinned to core 0 on port $1 (more flags after it: --tcp-nodelay); sets HTTPLIB_PID.
bench_start_httplib() {
  local port=$1
  shift
  taskset -c 0 "$BENCH_DIR/httplib_bench" --host 127.0.0.1 --port "$port" "$@" >"$BENCH_DIR/httplib.log" 2>&1 &
  HTTPLIB_PID=$!
  BENCH_PIDS+=("$HTTPLIB_PID")
  bench_wait_port "$port"
}

# Starts peer $1 on port $2 and sets PEER_PID. Peers: ours (1 worker, core 0), ours-w2 (2 workers, cores
# 0-1), ours-mw (1 worker, plus one empty user middleware), nginx, fastapi-h11, fastapi-uvloop, httplib.
bench_start_peer() {
  local peer=$1 port=$2
  case "$peer" in
    ours) bench_start_ours "$port" 1; PEER_PID=$OURS_PID ;;
    ours-w2) bench_start_ours "$port" 2; PEER_PID=$OURS_PID ;;
    ours-mw) bench_start_ours "$port" 1 --empty-middleware; PEER_PID=$OURS_PID ;;
    nginx) bench_start_nginx "$port"; PEER_PID=$NGINX_PID ;;
    fastapi-h11) bench_start_fastapi "$port" h11; PEER_PID=$FASTAPI_PID ;;
    fastapi-uvloop) bench_start_fastapi "$port" uvloop; PEER_PID=$FASTAPI_PID ;;
    httplib) bench_start_httplib "$port"; PEER_PID=$HTTPLIB_PID ;;
    httplib-nodelay) bench_start_httplib "$port" --tcp-nodelay; PEER_PID=$HTTPLIB_PID ;;
    *) echo "bench: unknown peer $peer" >&2; return 2 ;;
  esac
}

# Connections established to 127.0.0.1:$1 seen from the server side (its accept queue included).
bench_server_connections() {
  ss -tnH state established "( sport = :$1 )" 2>/dev/null | wc -l
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
