#!/usr/bin/env bash
# bench/memory.sh: resident memory of our server beside nginx: idle, and holding 10,000 idle keep-alive
# connections that each sent one request and read its response (bench/idle_clients.py, loopback only).
# Usage: bash bench/memory.sh [--count N]      (~1 minute)
# Writes bench/results/<date>-<machine>-memory.md (printed too) and one line per peer:
#   BENCH memory peer=ours idle_kib=... loaded_kib=... connections=10000 kib_per_conn=...
# Target: <= 4 KiB per idle connection for us. RSS = VmRSS from /proc/PID/status (nginx: master + worker).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    *) echo "usage: bash bench/memory.sh [--count N]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh bench
source bench/lib.sh
bench_raise_nofile 65536
bench_build_server

declare -A idle loaded after opened kib
for peer in ours nginx; do
  port=$(bench_free_port)
  if [ "$peer" = ours ]; then bench_start_ours "$port"; spid=$OURS_PID; else bench_start_nginx "$port"; spid=$NGINX_PID; fi
  curl -s -o /dev/null "http://127.0.0.1:$port/plaintext"   # one request first: lazily built state is in "idle"
  sleep 1
  idle[$peer]=$(bench_rss_kib "$spid")

  log=$BENCH_DIR/idle-clients-$peer.txt
  python3 bench/idle_clients.py "$port" --count "$count" --hold 90 >"$log" 2>&1 &
  cpid=$!
  BENCH_PIDS+=("$cpid")
  for _ in $(seq 900); do grep -q '^READY' "$log" && break; sleep 0.1; done
  if ! grep -q '^READY' "$log"; then echo "bench: idle_clients did not get ready for $peer:" >&2; cat "$log" >&2; exit 1; fi
  read -r _ open failed < <(grep '^READY' "$log")
  sleep 2   # let the server settle (timers armed, buffers shrunk)
  loaded[$peer]=$(bench_rss_kib "$spid")
  opened[$peer]=$open
  bench_stop "$cpid"
  sleep 2
  after[$peer]=$(bench_rss_kib "$spid")
  bench_stop "$spid"
  kib[$peer]=$(awk -v a="${loaded[$peer]}" -v b="${idle[$peer]}" -v n="$open" 'BEGIN { printf "%.2f", n ? (a - b) / n : 0 }')
  echo "BENCH memory peer=$peer idle_kib=${idle[$peer]} loaded_kib=${loaded[$peer]} connections=$open failed=$failed after_close_kib=${after[$peer]} kib_per_conn=${kib[$peer]}"
done

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-memory.md
verdict=$(awk -v k="${kib[ours]}" 'BEGIN { print (k <= 4.0) ? "met" : "**missed**" }')
{
  echo "# Memory: fastapi.hpp vs nginx ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/memory.sh\` on $machine (nproc $(nproc), $(bench_cpu_model)), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(g++ --version | head -1)."
  echo "Servers as in bench/run.sh (ours \`--workers 1\`, nginx 1 worker), each started fresh, sent one request,"
  echo "then measured idle; then \`python3 bench/idle_clients.py PORT --count $count\` opened $count keep-alive"
  echo "connections, each sent \`GET /plaintext\` and read the response, and held them idle while VmRSS was read"
  echo "(nginx: master + worker). Per connection = (loaded - idle) / connections."
  echo
  echo "| peer | idle RSS KiB | RSS with idle connections KiB | connections | KiB per connection | RSS after they closed KiB |"
  echo "|---|---:|---:|---:|---:|---:|"
  for peer in ours nginx; do
    echo "| $peer | ${idle[$peer]} | ${loaded[$peer]} | ${opened[$peer]} | ${kib[$peer]} | ${after[$peer]} |"
  done
  echo
  echo "Target: <= 4 KiB per idle connection for us: ${kib[ours]} KiB, $verdict."
} >"$out_md"
cat "$out_md"
echo
echo "bench: results written to $out_md"
