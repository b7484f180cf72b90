#!/usr/bin/env bash
# bench/memory.sh: resident memory of our server beside its peers (nginx, FastAPI on uvicorn with uvloop +
# httptools, cpp-httplib): idle, and holding 10,000 idle keep-alive connections that each sent one request
# and read its response (bench/idle_clients.py, loopback only).
# Usage: bash bench/memory.sh [--count N] [--peers "ours nginx fastapi-uvloop httplib"]      (~2 minutes)
# Writes bench/results/<date>-<machine>-memory.md (printed too) and one line per peer:
#   BENCH memory peer=ours idle_kib=... loaded_kib=... answered=10000 held=10000 kib_per_conn=...
# Target: <= 4 KiB per idle connection for us (goal 2 KiB). RSS = VmRSS from /proc/PID/status (nginx:
# master + worker). A peer that cannot hold the connections (cpp-httplib: 8 pool threads, each serving one
# connection at a time, listen backlog 5) gets 30 s to answer what it can; the file says what it did.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count=10000
peers=(ours nginx fastapi-uvloop httplib)
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --peers) read -r -a peers <<<"$2"; shift 2 ;;
    *) echo "usage: bash bench/memory.sh [--count N] [--peers \"ours nginx fastapi-uvloop httplib\"]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh bench
source bench/lib.sh
bench_raise_nofile 65536
bench_build_server
if [[ " ${peers[*]} " == *" httplib "* ]]; then bench_build_httplib; fi

declare -A idle loaded after answered failed held kib
for peer in "${peers[@]}"; do
  port=$(bench_free_port)
  bench_start_peer "$peer" "$port"
  spid=$PEER_PID
  curl -s -o /dev/null "http://127.0.0.1:$port/plaintext"   # one request first: lazily built state is in "idle"
  sleep 1
  idle[$peer]=$(bench_rss_kib "$spid")

  setup=60
  [ "$peer" = httplib ] && setup=30
  log=$BENCH_DIR/idle-clients-$peer.txt
  python3 bench/idle_clients.py "$port" --count "$count" --hold 120 --setup-timeout "$setup" >"$log" 2>&1 &
  cpid=$!
  BENCH_PIDS+=("$cpid")
  for _ in $(seq $(((setup + 30) * 10))); do grep -q '^READY' "$log" && break; sleep 0.1; done
  if ! grep -q '^READY' "$log"; then echo "bench: idle_clients did not get ready for $peer:" >&2; cat "$log" >&2; exit 1; fi
  read -r _ answered[$peer] failed[$peer] < <(grep '^READY' "$log")
  sleep 2   # let the server settle (timers armed, buffers shrunk)
  loaded[$peer]=$(bench_rss_kib "$spid")
  held[$peer]=$(bench_server_connections "$port")   # what the server side holds now (accept queue included)
  bench_stop "$cpid"
  sleep 2
  after[$peer]=$(bench_rss_kib "$spid")
  bench_stop "$spid"
  kib[$peer]=$(awk -v a="${loaded[$peer]}" -v b="${idle[$peer]}" -v n="${held[$peer]}" -v c="$count" \
    'BEGIN { if (n >= c / 2) printf "%.2f", (a - b) / n; else print "n/a" }')
  echo "BENCH memory peer=$peer idle_kib=${idle[$peer]} loaded_kib=${loaded[$peer]} answered=${answered[$peer]} failed=${failed[$peer]} held=${held[$peer]} after_close_kib=${after[$peer]} kib_per_conn=${kib[$peer]}"
done

label() {
  case "$1" in
    ours) echo "fastapi.hpp (--workers 1)" ;;
    nginx) echo "nginx (1 worker)" ;;
    fastapi-uvloop) echo "FastAPI, uvicorn uvloop+httptools" ;;
    fastapi-h11) echo "FastAPI, uvicorn asyncio+h11" ;;
    httplib) echo "cpp-httplib" ;;
    *) echo "$1" ;;
  esac
}

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-memory.md
{
  echo "# Memory: fastapi.hpp beside nginx, FastAPI and cpp-httplib ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/memory.sh\` on $machine (nproc $(nproc), $(bench_cpu_model)), $(nginx -v 2>&1 | sed 's/^nginx version: //'),"
  echo "$(g++ --version | head -1), FastAPI $(dpkg-query -W -f='${Version}' python3-fastapi 2>/dev/null) on uvicorn $(dpkg-query -W -f='${Version}' python3-uvicorn 2>/dev/null),"
  echo "cpp-httplib $(dpkg-query -W -f='${Version}' libcpp-httplib-dev 2>/dev/null) (${HTTPLIB_KIND:-not built}), load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Servers as in bench/run.sh (one worker each, pinned to core 0), each started fresh, sent one request, then"
  echo "measured idle; then \`python3 bench/idle_clients.py PORT --count $count\` opened $count keep-alive connections"
  echo "(at most 128 being set up at once), each sent \`GET /plaintext\` and read the response, and held them idle"
  echo "while VmRSS was read (nginx: master + worker). *Answered*: connections whose response arrived within the"
  echo "set-up time (60 s; cpp-httplib 30 s); *held*: connections established on the server's port when RSS was read"
  echo "(\`ss\`, accept queue included). Per connection = (loaded - idle) / held, when it holds at least half of them."
  echo
  echo "| peer | idle RSS KiB | RSS with the connections KiB | answered | held | KiB per connection | RSS after they closed KiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for peer in "${peers[@]}"; do
    echo "| $(label "$peer") | ${idle[$peer]} | ${loaded[$peer]} | ${answered[$peer]} of $count | ${held[$peer]} | ${kib[$peer]} | ${after[$peer]} |"
  done
  echo
  if [ -n "${held[httplib]:-}" ]; then
    echo "cpp-httplib cannot hold $count connections: a pool of 8 threads serves one connection each until it has been"
    echo "idle for its keep-alive timeout (5 s), and its listen backlog is 5, so the other connections wait in the"
    echo "kernel (SYN retries) and get no answer. In the 30 s it answered ${answered[httplib]} and held ${held[httplib]}; its RSS is"
    echo "that of those few threads and connections, not a per-connection figure."
    echo
  fi
  echo "## Targets"
  echo
  if [ -n "${kib[ours]:-}" ]; then
    echo "- <= 4 KiB per idle connection (goal 2 KiB): ${kib[ours]} KiB per connection, $(awk -v k="${kib[ours]}" 'BEGIN { if (k == "n/a") print "**missed** (the connections were not held)"; else if (k <= 2.0) print "met (and the goal)"; else if (k <= 4.0) print "met (the 2 KiB goal not yet)"; else print "**missed**" }')"
  fi
} >"$out_md"
cat "$out_md"
echo
echo "bench: results written to $out_md"
