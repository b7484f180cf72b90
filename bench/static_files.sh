#!/usr/bin/env bash
# bench/static_files.sh: fa::StaticFiles serving a 1 KiB and a 1 MiB file beside nginx serving the same files, in
# one run: requests per second (wrk, 1 thread, 8 keep-alive connections) and server CPU per request (utime +
# stime from /proc, the whole process family), each server with one worker pinned to core 0, wrk on core 1.
# Ours is examples/21_files at -O2 (STATIC_DIR=build/bench/static, GET /static/<file>); nginx (nginx-light) a
# `location /static/` alias with sendfile on, its best case. Writes bench/results/<date>-<machine>-static.md.
# Usage: bash bench/static_files.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

secs=${1:-10}
static="$(pwd)/$BENCH_DIR/static"
mkdir -p "$static"
[ -s "$static/1k.bin" ] || head -c 1024 /dev/urandom >"$static/1k.bin"
[ -s "$static/1m.bin" ] || head -c 1048576 /dev/urandom >"$static/1m.bin"

inc=$(bench_include_dir)
if [ ! -x "$BENCH_DIR/21_files" ] || [ examples/21_files.cpp -nt "$BENCH_DIR/21_files" ] ||
   [ "$inc/fastapi.hpp" -nt "$BENCH_DIR/21_files" ]; then  # else the binary of the same sources: kept
  echo "bench: building $BENCH_DIR/21_files ($BENCH_CXX $BENCH_CXXFLAGS -I$inc)" >&2
  # shellcheck disable=SC2086
  $BENCH_CXX $BENCH_CXXFLAGS -I"$inc" examples/21_files.cpp -o "$BENCH_DIR/21_files" -lsimdjson -pthread
fi

start_ours() {  # port
  STATIC_DIR="$static" taskset -c 0 "$BENCH_DIR/21_files" --host 127.0.0.1 --port "$1" >"$BENCH_DIR/static-ours.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  bench_wait_port "$1"
}

start_nginx() {  # port
  local prefix user_line=""
  prefix="$(pwd)/$BENCH_DIR/nginx-static"
  mkdir -p "$prefix/logs" "$prefix/tmp"
  if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
  cat >"$prefix/nginx.conf" <<EOF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { application/octet-stream bin; }
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  server {
    listen 127.0.0.1:$1 backlog=4096;
    location /static/ { alias $static/; }
    location = /plaintext { return 200 "ok"; }
  }
}
EOF
  taskset -c 0 nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$BENCH_DIR/nginx-static.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  bench_wait_port "$1"
}

# One measurement: prints "req/s<TAB>us of server CPU per request".
measure() {  # port file
  local url="http://127.0.0.1:$1/static/$2" before after out rps requests tck
  curl -s -o /dev/null "$url"                                          # warm the page cache and the server
  taskset -c 1 wrk -t1 -c8 -d2s "$url" >/dev/null 2>&1 || true         # warm-up
  before=$(bench_cpu_ticks "$SERVER_PID")
  out=$(taskset -c 1 wrk -t1 -c8 -d"${secs}s" "$url")
  after=$(bench_cpu_ticks "$SERVER_PID")
  rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  tck=$(getconf CLK_TCK)
  awk -v r="$rps" -v n="$requests" -v t=$((after - before)) -v h="$tck" \
    'BEGIN { printf "%.0f\t%.1f\n", r, (n > 0 ? t / h * 1e6 / n : 0) }'
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A result
for server in ours nginx; do
  port=$(bench_free_port)
  "start_$server" "$port"
  for file in 1k.bin 1m.bin; do
    result[$server-$file]=$(measure "$port" "$file")
    echo "bench: $server $file: $(echo "${result[$server-$file]}" | tr '\t' ' ') (req/s, us CPU/request)" >&2
  done
  bench_stop "$SERVER_PID"
done

out="bench/results/$(date -u +%Y-%m-%d)-$(bench_machine)-static.md"
{
  echo "# StaticFiles beside nginx: 1 KiB and 1 MiB files ($(date -u +%Y-%m-%d), $(bench_machine))"
  echo
  echo "CPU: $(bench_cpu_model). Command: \`bash bench/static_files.sh $secs\`: wrk -t1 -c8 -d${secs}s on core 1,"
  echo "each server one worker on core 0; ours examples/21_files (-O2, StaticFiles), nginx $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "(\`location /static/ { alias ...; }\`, sendfile on). CPU per request: the server's utime+stime over the run."
  echo
  echo "| file | ours req/s | nginx req/s | ratio | ours us CPU/req | nginx us CPU/req | CPU ratio (nginx/ours) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for file in 1k.bin 1m.bin; do
    IFS=$'\t' read -r o_rps o_cpu <<<"${result[ours-$file]}"
    IFS=$'\t' read -r n_rps n_cpu <<<"${result[nginx-$file]}"
    awk -v f="$file" -v a="$o_rps" -v b="$n_rps" -v c="$o_cpu" -v d="$n_cpu" \
      'BEGIN { printf "| %s | %d | %d | %.2fx | %.1f | %.1f | %.2fx |\n", f, a, b, (b ? a / b : 0), c, d, (c ? d / c : 0) }'
  done
  echo
  echo "Load average at the start: $load_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: read the ratios, not the absolute numbers)."
} >"$out"
cat "$out"
