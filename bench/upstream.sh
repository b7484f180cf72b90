#!/usr/bin/env bash
# bench/upstream.sh: "never block the loop" (issue 7), measured. A service whose handler calls a slow upstream
# (400 ms), on ONE worker, under wrk -c200: awaiting the call (fa::HttpClient) against blocking on it.
# Usage: bash bench/upstream.sh      (~1.5 minutes; UPSTREAM_BENCH_SECONDS=3 for a quick look)
#   ours: examples/13_calling_services --workers 1 (its upstream, a second fa::App answering after 400 ms,
#         runs in the same process); the whole process pinned to core 0.
#   twin: FastAPI on uvicorn (uvloop + httptools, one process) with httpx.AsyncClient for /price and requests
#         for /price-blocking (bench/servers/upstream_app.py), its upstream a second uvicorn process answering
#         after 400 ms; both pinned to core 0. Skipped when Debian's python3-fastapi, -uvicorn, -httpx or
#         -requests is missing.
#   Per server: wrk 2 s on /price (warm-up: the upstream connections open), then wrk -t1 -c200 -d10s --latency
#   --timeout 10s on /price, wrk -c1 -d4s on /price-blocking (one client: the baseline), then -c200 -d10s on
#   /price-blocking (last: a blocked server keeps working through its backlog after wrk leaves, so it is
#   stopped right after). wrk pinned to core 1.
# Targets: /price >= 400 req/s (the ceiling is 200 connections / 0.4 s = 500 req/s); /price-blocking collapses
# to about 1 / 0.4 s = 2.5 req/s whatever the hardware.
# Writes bench/results/<date>-<machine>-upstream.md (printed too); one machine-readable line per run:
#   BENCH upstream peer=ours endpoint=/price conns=200 rps=... p50_ms=... p99_ms=... requests=... timeouts=... errors=...
# BENCH_INCLUDE=dir builds against dir/fastapi.hpp instead of the repository's (it must hold fa::HttpClient).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh bench
source bench/lib.sh
bench_raise_nofile 65536

secs=${UPSTREAM_BENCH_SECONDS:-10}
conns=200
py=${BENCH_PYTHON:-/usr/bin/python3}
raw=$BENCH_DIR/upstream-raw.tsv
: >"$raw"

# ---- build ours ----
inc=${BENCH_INCLUDE:-$(bench_include_dir)}
if ! grep -q "class HttpClient" "$inc/fastapi.hpp"; then
  echo "bench: $inc/fastapi.hpp has no fa::HttpClient (is client/ in include/fastapi.hpp and the header regenerated?)" >&2
  exit 1
fi
example=$BENCH_DIR/13_calling_services
build_cmd="$BENCH_CXX $BENCH_CXXFLAGS -I$inc examples/13_calling_services.cpp -o $example -lsimdjson -pthread"
echo "bench: $build_cmd" >&2
# shellcheck disable=SC2086
$build_cmd

# Waits (at most 15 s) until http://127.0.0.1:$1$2 answers 200.
wait_ready() {
  local port=$1 path=$2 i
  for i in $(seq 150); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$path")" = 200 ]; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing answers on 127.0.0.1:$port$path" >&2
  return 1
}

# wrk output -> "rps p50_ms p99_ms requests timeouts errors"
parse_wrk() {
  awk '
    function ms(v,  u) { u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                         if (u == "us") return v / 1000; if (u == "s") return v * 1000; if (u == "m") return v * 60000; return v }
    /^ *50%/ { p50 = ms($2) }
    /^ *99%/ { p99 = ms($2) }
    /requests in/ { req = $1 }
    /Socket errors:/ { gsub(",", ""); errs = $4 + $6 + $8; tmo = $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    /^Requests\/sec:/ { rps = $2 }
    END { if (rps == "" || req == "") exit 1;
          printf "%s %.1f %.1f %s %d %d\n", rps, p50, p99, req, tmo + 0, errs + non2xx }'
}

# measure PEER PORT ENDPOINT SECONDS CONNECTIONS -> a BENCH line, and a row in $raw
measure() {
  local peer=$1 port=$2 endpoint=$3 s=$4 c=$5 out vals
  out=$(timeout $((s + 40)) taskset -c 1 wrk -t1 -c"$c" -d"${s}s" --latency --timeout 10s "http://127.0.0.1:$port$endpoint")
  echo "$out" >"$BENCH_DIR/upstream-wrk-$peer-${endpoint//\//}-c$c.txt"
  vals=$(echo "$out" | parse_wrk) || { echo "bench: could not read wrk's output for $peer $endpoint" >&2; return 1; }
  read -r rps p50 p99 req tmo errs <<<"$vals"
  echo "BENCH upstream peer=$peer endpoint=$endpoint conns=$c rps=$rps p50_ms=$p50 p99_ms=$p99 requests=$req timeouts=$tmo errors=$errs"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$peer" "$endpoint" "$c" "$rps" "$p50" "$p99" "$req" "$tmo" "$errs" >>"$raw"
}

# The story on one server: warm-up, /price, /price-blocking with one client (the baseline), then with 200.
story() {
  local peer=$1 port=$2
  echo "bench: $peer: warm-up (2 s on /price)" >&2
  timeout 40 taskset -c 1 wrk -t1 -c"$conns" -d2s --timeout 10s "http://127.0.0.1:$port/price" >/dev/null
  measure "$peer" "$port" /price "$secs" "$conns"
  measure "$peer" "$port" /price-blocking 4 1
  measure "$peer" "$port" /price-blocking "$secs" "$conns"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- ours ----
port=$(bench_free_port)
ours_cmd="taskset -c 0 $example --host 127.0.0.1 --port PORT --workers 1"
taskset -c 0 "$example" --host 127.0.0.1 --port "$port" --workers 1 >"$BENCH_DIR/upstream-ours.log" 2>&1 &
ours_pid=$!
BENCH_PIDS+=("$ours_pid")
wait_ready "$port" /health
story ours "$port"
bench_stop "$ours_pid"

# ---- the FastAPI twin ----
twin=0
twin_versions=""
if "$py" -c 'import fastapi, uvicorn, httpx, requests, uvloop, httptools' 2>/dev/null; then
  twin=1
  twin_versions=$("$py" -c 'import sys, fastapi, uvicorn, httpx, requests; print(f"Python {sys.version.split()[0]}, FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}, httpx {httpx.__version__}, requests {requests.__version__}")')
  up_port=$(bench_free_port)
  front_port=$(bench_free_port)
  uv_opts=(--app-dir bench/servers --host 127.0.0.1 --loop uvloop --http httptools --no-access-log --log-level warning)
  taskset -c 0 "$py" -m uvicorn upstream_app:slow "${uv_opts[@]}" --port "$up_port" >"$BENCH_DIR/upstream-twin-slow.log" 2>&1 &
  up_pid=$!
  BENCH_PIDS+=("$up_pid")
  UPSTREAM_URL="http://127.0.0.1:$up_port" taskset -c 0 "$py" -m uvicorn upstream_app:app "${uv_opts[@]}" --port "$front_port" \
    >"$BENCH_DIR/upstream-twin.log" 2>&1 &
  front_pid=$!
  BENCH_PIDS+=("$front_pid")
  wait_ready "$up_port" /slow
  wait_ready "$front_port" /health
  story fastapi "$front_port"
  bench_stop "$front_pid"
  bench_stop "$up_pid"
else
  echo "bench: FastAPI twin skipped (python3-fastapi, -uvicorn, -httpx, -requests, uvloop or httptools missing)" >&2
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----
# value PEER ENDPOINT CONNECTIONS -> req/s
value() { awk -F'\t' -v p="$1" -v e="$2" -v c="$3" '$1 == p && $2 == e && $3 == c { print $4 }' "$raw"; }
date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-upstream.md
{
  echo "# Calling a slow upstream: awaiting vs blocking, one worker ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/upstream.sh\` on $machine (nproc $(nproc), $(bench_cpu_model)), $(g++ --version | head -1),"
  echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)${twin_versions:+; $twin_versions}."
  echo "Load average before: $load_before; after: $load_after (a shared machine: other builds may run beside)."
  echo
  echo '```'
  echo "$build_cmd"
  echo "$ours_cmd"
  if [ "$twin" -eq 1 ]; then
    echo "taskset -c 0 $py -m uvicorn upstream_app:slow ${uv_opts[*]} --port UPSTREAM_PORT"
    echo "UPSTREAM_URL=http://127.0.0.1:UPSTREAM_PORT taskset -c 0 $py -m uvicorn upstream_app:app ${uv_opts[*]} --port PORT"
  fi
  echo "taskset -c 1 wrk -t1 -c$conns -d2s --timeout 10s http://127.0.0.1:PORT/price              # warm-up"
  echo "taskset -c 1 wrk -t1 -c$conns -d${secs}s --latency --timeout 10s http://127.0.0.1:PORT/price"
  echo "taskset -c 1 wrk -t1 -c1 -d4s --latency --timeout 10s http://127.0.0.1:PORT/price-blocking"
  echo "taskset -c 1 wrk -t1 -c$conns -d${secs}s --latency --timeout 10s http://127.0.0.1:PORT/price-blocking"
  echo '```'
  echo
  echo "Each request to \`/price\` or \`/price-blocking\` makes one call to the upstream's \`/slow\`, which answers"
  echo "after 400 ms. \`/price\` awaits it (\`co_await client->get(...)\` with fa::HttpClient; httpx.AsyncClient"
  echo "in the twin), so the one worker overlaps the waits: the ceiling is $conns connections / 0.4 s = 500 req/s."
  echo "\`/price-blocking\` makes the same call with a blocking socket (\`requests.get\` in the twin's \`async def\`):"
  echo "the loop serves nothing else while it waits, so one worker completes 1 / 0.4 s = 2.5 req/s, and the other"
  echo "199 connections wait (wrk's 10 s timeout counts those that waited longer). With one client (-c1) both"
  echo "servers show the honest 400 ms per call. Under 200 clients asyncio does worse than 2.5 req/s: every"
  echo "blocked handler, once its call returns, awaits the send of its response and goes to the back of the"
  echo "ready queue, behind all the other requests that will each block 400 ms, so no response may leave for"
  echo "200 x 0.4 s = 80 s. fastapi.hpp writes each response as soon as its handler returns (the write to a"
  echo "non-blocking socket completes at once), so it keeps its 2.5 req/s: collapsed, but not to zero."
  echo
  echo "| server | endpoint | connections | req/s | p50 ms | p99 ms | completed | timeouts | other errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r p e c r a b n t x; do
    name=$p; [ "$p" = ours ] && name="fastapi.hpp (fa::HttpClient)"; [ "$p" = fastapi ] && name="FastAPI/uvicorn (httpx, requests)"
    [ "$n" = 0 ] && a=- && b=-  # nothing completed: no latency to show
    echo "| $name | \`$e\` | $c | $r | $a | $b | $n | $t | $x |"
  done <"$raw"
  echo
  echo "## Targets"
  echo
  ours_async=$(value ours /price "$conns")
  ours_block=$(value ours /price-blocking "$conns")
  awk -v r="$ours_async" 'BEGIN { printf "- ours, /price >= 400 req/s: %.1f req/s, %s\n", r, (r >= 400) ? "met" : "**missed**" }'
  awk -v r="$ours_block" 'BEGIN { printf "- ours, /price-blocking about 2.5 req/s: %.2f req/s, %s\n", r, (r > 1.5 && r < 3.5) ? "as expected" : "**unexpected**" }'
  awk -v a="$ours_async" -v b="$ours_block" 'BEGIN { if (b > 0) printf "- awaiting serves %.0fx more than blocking on the same worker\n", a / b }'
  if [ "$twin" -eq 1 ]; then
    awk -v a="$ours_async" -v f="$(value fastapi /price "$conns")" -v fb="$(value fastapi /price-blocking "$conns")" \
      -v f1="$(value fastapi /price-blocking 1)" \
      'BEGIN { printf "- FastAPI/uvicorn: %.1f req/s on /price with httpx.AsyncClient (ours: %.2fx that); with requests, %.2f req/s for one client and %.2f req/s under 200\n", f, (f > 0 ? a / f : 0), f1, fb }'
  fi
} >"$out_md"
cat "$out_md"
echo
echo "bench: results written to $out_md"
