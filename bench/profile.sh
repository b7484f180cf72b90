#!/usr/bin/env bash
# bench/profile.sh: where our server's CPU goes under load, beside nginx's: perf (cpu-clock sampling,
# which works in VMs without hardware counters) of each server while wrk drives /plaintext (or $1:
# /json, /items/1?q=foo, or /users, which is sent as POST with bench/post_users.lua's valid body).
# Usage: bash bench/profile.sh [/plaintext|/json|/items/1?q=foo|/users] [--seconds N]      (~30 s)
# Writes bench/results/<date>-<machine>-profile-<first path segment>.md (printed too): user vs kernel
# share, top symbols, system calls per request.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

endpoint=/plaintext
secs=8
while [ $# -gt 0 ]; do
  case "$1" in
    /*) endpoint=$1; shift ;;
    --seconds) secs=$2; shift 2 ;;
    *) echo "usage: bash bench/profile.sh [/plaintext|/json|/items/1?q=foo|/users] [--seconds N]" >&2; exit 2 ;;
  esac
done
slug=${endpoint#/}; slug=${slug%%/*}; slug=${slug%%\?*}
wrk_script=()
[ "$endpoint" = /users ] && wrk_script=(-s bench/post_users.lua)

bash scripts/setup.sh bench
need=()
command -v perf >/dev/null || need+=(linux-perf)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
source bench/lib.sh
bench_build_server

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-profile-$slug.md
report() {  # perf.data, how many lines, a grep -v pattern -> top symbols
  perf report -i "$1" -g none --no-children --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
    grep -v -e "$3" | head -"$2" | sed -e 's/std::basic_string_view<char, std::char_traits<char> >/string_view/g' |
    cut -c1-150 | sed -e 's/[ -]*$//' || true
}
{
  echo "# Profile under load: $endpoint, c64 ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/profile.sh $endpoint\`: each server pinned to core 0 (ours \`--workers 1\`), wrk -t1 -c64"
  echo "on core 1 for $((secs + 2)) s, \`perf record -e cpu-clock -p PID\` for $secs s of it. $(perf version 2>/dev/null)."
  echo
} >"$out_md"
for peer in ours nginx; do
  port=$(bench_free_port)
  if [ "$peer" = ours ]; then bench_start_ours "$port"; spid=$OURS_PID; targets=$spid; else
    bench_start_nginx "$port"; spid=$NGINX_PID; targets=$(pgrep -P "$spid" | head -1); fi
  timeout $((secs + 30)) taskset -c 1 wrk -t1 -c64 -d$((secs + 2))s "${wrk_script[@]}" "http://127.0.0.1:$port$endpoint" >"$BENCH_DIR/profile-wrk-$peer.txt" &
  wpid=$!
  BENCH_PIDS+=("$wpid")
  sleep 1
  timeout $((secs + 30)) perf record -q -e cpu-clock -g -o "$BENCH_DIR/perf-$peer.data" -p "$targets" -- sleep "$secs" 2>/dev/null || true
  wait "$wpid" || true
  bench_forget "$wpid"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$BENCH_DIR/profile-wrk-$peer.txt")
  # System calls per request: strace -c on the server (-f: every thread) during a 3 s wrk run.
  strace -c -q -f -p "$targets" -o "$BENCH_DIR/strace-$peer.txt" 2>"$BENCH_DIR/strace-$peer.log" &
  spid_strace=$!
  BENCH_PIDS+=("$spid_strace")
  sleep 1
  timeout 60 taskset -c 1 wrk -t1 -c64 -d3s "${wrk_script[@]}" "http://127.0.0.1:$port$endpoint" >"$BENCH_DIR/strace-wrk-$peer.txt"
  kill -INT "$spid_strace" 2>/dev/null || true
  wait "$spid_strace" 2>/dev/null || true
  bench_forget "$spid_strace"
  sreq=$(awk '/requests in/ {print $1}' "$BENCH_DIR/strace-wrk-$peer.txt")
  bench_stop "$spid"
  kernel=$(perf report -i "$BENCH_DIR/perf-$peer.data" -g none --no-children --sort dso --stdio 2>/dev/null |
    awk '/kernel/ { gsub("%", "", $1); s += $1 } END { printf "%.1f", s }')
  echo "BENCH profile peer=$peer endpoint=$endpoint rps=$rps kernel_pct=$kernel"
  {
    echo "## $peer: $rps req/s during the profile, ${kernel}% of samples in the kernel"
    echo
    echo "All samples, top 20:"
    echo
    echo '```'
    report "$BENCH_DIR/perf-$peer.data" 20 '^$'
    echo '```'
    echo
    echo "System calls per request (\`strace -c\` over a 3 s run of $sreq requests; strace slows the server, the counts stand):"
    echo
    echo '```'
    awk -v n="$sreq" '$1 ~ /^[0-9.]+$/ && NF >= 5 { printf "%-16s %6.2f per request\n", $NF, $4 / n }' \
      "$BENCH_DIR/strace-$peer.txt" | head -12 || true
    echo '```'
    echo
    echo "User space only (share of all samples), top 20:"
    echo
    echo '```'
    report "$BENCH_DIR/perf-$peer.data" 20 'kernel.kallsyms'
    echo '```'
    echo
  } >>"$out_md"
done
cat "$out_md"
echo
echo "bench: results written to $out_md"
