#!/usr/bin/env bash
# bench/run.sh: throughput, p99 latency and server CPU per request of our server beside nginx, on loopback.
# Usage: bash bench/run.sh [--quick]
#   full:    warm-up 2 s per peer, then 3 rounds (peers interleaved in each round) of 10 s wrk runs:
#            /plaintext c64, /json c64, /plaintext c256, /plaintext c1024, /plaintext c64 pipelined 16 deep
#            -> bench/results/<date>-<machine>.md (printed too)   (~6 minutes)
#   --quick: 1 round, 3 s runs, c64 only -> build/bench/quick-<date>-<machine>.md (~1 minute)
#   --report: no new wrk runs: rewrite the results file from the last run's raw values (build/bench/)
# A full run then profiles our server and nginx (bench/profile.sh) and appends where the CPU goes
# (BENCH_NO_PROFILE=1 skips that).
# Servers are pinned to core 0 (ours with --workers 1, nginx with 1 worker), wrk -t1 to core 1.
# One machine-readable line per wrk run on stdout:
#   BENCH run peer=ours endpoint=/plaintext conns=64 pipeline=1 round=1 rps=... p99_ms=... requests=... cpu_s_per_100k=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
report_only=0
case "${1:-}" in
  --quick) quick=1 ;;
  --report) report_only=1 ;;
  "") ;;
  *) echo "usage: bash bench/run.sh [--quick | --report]" >&2; exit 2 ;;
esac

bash scripts/setup.sh bench
source bench/lib.sh
bench_raise_nofile 65536

if [ "$quick" -eq 1 ]; then rounds=1; duration=3; else rounds=3; duration=10; fi
# name endpoint conns pipeline-depth
configs=("plaintext-c64 /plaintext 64 1" "json-c64 /json 64 1")
if [ "$quick" -eq 0 ]; then
  configs+=("plaintext-c256 /plaintext 256 1" "plaintext-c1024 /plaintext 1024 1" "pipelined-c64 /plaintext 64 16")
else
  configs+=("pipelined-c64 /plaintext 64 16")
fi
peers=(ours nginx)

raw=$BENCH_DIR/run-raw.tsv
meta=$BENCH_DIR/run-meta.sh
if [ "$report_only" -eq 1 ]; then
  [ -s "$raw" ] && [ -s "$meta" ] || { echo "bench: no previous run in $BENCH_DIR" >&2; exit 1; }
  # shellcheck source=/dev/null
  source "$meta"
else
bench_build_server
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$raw"

ours_port=$(bench_free_port)
bench_start_ours "$ours_port"
nginx_port=$(bench_free_port)
bench_start_nginx "$nginx_port"
declare -A port=([ours]=$ours_port [nginx]=$nginx_port)
declare -A pid=([ours]=$OURS_PID [nginx]=$NGINX_PID)
clk_tck=$(getconf CLK_TCK)

# wrk output -> "rps p99_ms requests"
parse_wrk() {
  awk '
    /^ *99%/ { v=$2; u=v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
               if (u=="us") v/=1000; else if (u=="s") v*=1000; else if (u=="m") v*=60000; p99=v }
    /requests in/ { req=$1 }
    /^Requests\/sec:/ { rps=$2 }
    END { if (rps=="" || req=="") exit 1; printf "%s %.3f %s\n", rps, p99, req }'
}

# run_wrk PEER ENDPOINT CONNS DEPTH SECONDS -> wrk's output on stdout
run_wrk() {
  local peer=$1 endpoint=$2 conns=$3 depth=$4 secs=$5
  local url="http://127.0.0.1:${port[$peer]}$endpoint"
  if [ "$depth" -gt 1 ]; then
    timeout $((secs + 30)) taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency -s bench/pipeline.lua "$url" -- "$depth"
  else
    timeout $((secs + 30)) taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$url"
  fi
}

echo "bench: warm-up (2 s per peer)"
for peer in "${peers[@]}"; do
  run_wrk "$peer" /plaintext 64 1 2 >/dev/null
  run_wrk "$peer" /json 64 1 2 >/dev/null
done

for round in $(seq "$rounds"); do
  for cfg in "${configs[@]}"; do
    read -r name endpoint conns depth <<<"$cfg"
    for peer in "${peers[@]}"; do
      out=$BENCH_DIR/wrk-$peer-$name-r$round.txt
      before=$(bench_cpu_ticks "${pid[$peer]}")
      run_wrk "$peer" "$endpoint" "$conns" "$depth" "$duration" >"$out" 2>&1
      after=$(bench_cpu_ticks "${pid[$peer]}")
      if ! read -r rps p99 requests < <(parse_wrk <"$out"); then
        echo "bench: wrk failed for $peer $name:" >&2; cat "$out" >&2; exit 1
      fi
      errors=$(grep -E 'Socket errors|Non-2xx' "$out" | tr -s ' ' | tr '\n' ';' || true)
      cpu=$(awk -v d=$((after - before)) -v hz="$clk_tck" -v n="$requests" 'BEGIN { printf "%.3f", (d / hz) / n * 100000 }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$peer" "$name" "$endpoint" "$conns" "$depth" "$round" \
        "$rps" "$p99" "$requests" "$cpu" "$errors" >>"$raw"
      echo "BENCH run peer=$peer endpoint=$endpoint conns=$conns pipeline=$depth round=$round rps=$rps p99_ms=$p99 requests=$requests cpu_s_per_100k=$cpu${errors:+ errors=\"$errors\"}"
    done
  done
done

bench_cleanup
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'quick=%q\nrounds=%q\nduration=%q\nload_before=%q\nload_after=%q\n' \
  "$quick" "$rounds" "$duration" "$load_before" "$load_after" >"$meta"
fi

# ---- report ----
date_s=$(date +%F)
machine=$(bench_machine)
if [ "$quick" -eq 1 ]; then out_md=$BENCH_DIR/quick-$date_s-$machine.md; else out_md=bench/results/$date_s-$machine.md; fi
inc=$(bench_include_dir 2>/dev/null)
{
  echo "# Throughput: fastapi.hpp vs nginx ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/run.sh$([ "$quick" -eq 1 ] && echo " --quick")\`."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| machine | $machine, nproc $(nproc), $(bench_cpu_model) |"
  echo "| kernel | $(uname -r) |"
  echo "| g++ | $(g++ --version | head -1) |"
  echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{print $1" "$2}') |"
  echo "| nginx | $(nginx -v 2>&1 | sed 's/^nginx version: //') |"
  echo "| fastapi.hpp | $(sed -n 's/.*FASTAPI_VERSION_STRING "\(.*\)".*/\1/p' include/fastapi/core/version.hpp | head -1) $(git rev-parse --short HEAD 2>/dev/null || echo "(no commit)")$([ -n "$(git status --porcelain 2>/dev/null | head -1)" ] && echo ", work tree with changes") |"
  echo "| load average | $load_before before, $load_after after (before a run, above ~1 means other work was using the cores) |"
  echo "| rounds | $rounds x ${duration} s per run, warm-up 2 s per peer, peers interleaved inside each round |"
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "$BENCH_CXX $BENCH_CXXFLAGS -I$inc bench/servers/fastapi_bench.cpp -o build/bench/fastapi_bench -lsimdjson -pthread"
  echo "taskset -c 0 build/bench/fastapi_bench --host 127.0.0.1 --port PORT --workers 1"
  echo "taskset -c 0 nginx -p build/bench/nginx -c build/bench/nginx/nginx.conf   # from bench/servers/nginx.conf: 1 worker, access_log off"
  echo "taskset -c 1 wrk -t1 -cC -d${duration}s --latency http://127.0.0.1:PORT/ENDPOINT"
  echo "taskset -c 1 wrk -t1 -c64 -d${duration}s --latency -s bench/pipeline.lua http://127.0.0.1:PORT/plaintext -- 16"
  echo '```'
  echo
  echo "CPU per request: utime+stime of the server process (nginx: master + worker) from /proc/PID/stat"
  echo "before and after each run, divided by the responses wrk counted; CPU-seconds per 100k requests."
  echo
  python3 - "$raw" "${load_before%% *}" "$(nproc)" <<'PY'
import sys, statistics, collections
load_before, ncpu_machine = float(sys.argv[2]), int(sys.argv[3])
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data = collections.OrderedDict()
errs = []
for peer, name, endpoint, conns, depth, rnd, rps, p99, req, cpu, err in rows:
    key = (name, endpoint, conns, depth)
    data.setdefault(key, {}).setdefault(peer, []).append((float(rps), float(p99), float(cpu)))
    if err.strip():
        errs.append(f"{peer} {name} round {rnd}: {err.strip()}")
med = lambda xs: statistics.median(xs)
print("## Results (medians)")
print()
print("| run | ours req/s | nginx req/s | req/s ours/nginx | ours p99 ms | nginx p99 ms | p99 ours/nginx | ours CPU s/100k | nginx CPU s/100k | CPU ours/nginx |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
summary = []
for (name, endpoint, conns, depth), peers in data.items():
    o, n = peers.get("ours", []), peers.get("nginx", [])
    if not o or not n:
        continue
    orps, nrps = med([x[0] for x in o]), med([x[0] for x in n])
    op99, np99 = med([x[1] for x in o]), med([x[1] for x in n])
    ocpu, ncpu = med([x[2] for x in o]), med([x[2] for x in n])
    label = f"{endpoint} c{conns}" + (f" pipelined {depth}" if depth != "1" else "")
    r = lambda a, b: f"{a / b:.2f}x" if b else "n/a"
    print(f"| {label} | {orps:,.0f} | {nrps:,.0f} | {r(orps, nrps)} | {op99:.2f} | {np99:.2f} | {r(op99, np99)} | {ocpu:.3f} | {ncpu:.3f} | {r(ocpu, ncpu)} |")
    summary.append((name, orps, nrps, op99, np99, ocpu, ncpu))
print()
s = {x[0]: x for x in summary}
print("## Targets")
print()
def verdict(ok): return "met" if ok else "**missed**"
if "plaintext-c64" in s:
    _, orps, nrps, op99, np99, _, _ = s["plaintext-c64"]
    print(f"- /plaintext c64 req/s >= 1.0x nginx: {orps / nrps:.2f}x, {verdict(orps >= nrps)}")
    print(f"- /plaintext c64 p99 <= 1.5x nginx's: {op99 / np99:.2f}x, {verdict(op99 <= 1.5 * np99)}")
if "json-c64" in s and "plaintext-c64" in s:
    jrps, nrps = s["json-c64"][1], s["plaintext-c64"][2]
    print(f"- /json c64 req/s >= 0.95x nginx /plaintext: {jrps / nrps:.2f}x, {verdict(jrps >= 0.95 * nrps)}")
if "pipelined-c64" in s:
    _, orps, nrps, _, _, ocpu, ncpu = s["pipelined-c64"]
    print(f"- pipelined /plaintext (16 deep) req/s: {orps / nrps:.2f}x nginx (informative: shows a server faster than one wrk thread can drive unpipelined)")
for key, label in (("plaintext-c64", "/plaintext c64"), ("json-c64", "/json c64"), ("pipelined-c64", "/plaintext c64 pipelined")):
    if key in s:
        ocpu, ncpu = s[key][5], s[key][6]
        print(f"- server CPU per request, {label}: ours {ocpu / ncpu:.2f}x nginx's (informative; lower is better, and it does not depend on wrk)")
if load_before > 1.0:
    print()
    print(f"**Noisy run**: the load average was {load_before:.2f} on {ncpu_machine} cores when it started (other work shared the")
    print("machine), so req/s and p99 moved by up to 2x between rounds (see the raw values). Verdicts on req/s")
    print("within that noise are not verdicts; the CPU-per-request ratios are the steadier measure. Re-run on a quiet machine.")
print()
print("## Raw values (every round)")
print()
print("| run | peer | round | req/s | p99 ms | requests | CPU s/100k |")
print("|---|---|---:|---:|---:|---:|---:|")
for peer, name, endpoint, conns, depth, rnd, rps, p99, req, cpu, err in rows:
    print(f"| {name} | {peer} | {rnd} | {float(rps):,.0f} | {float(p99):.2f} | {req} | {cpu} |")
if errs:
    print()
    print("wrk reported errors:")
    print()
    for e in errs:
        print(f"- {e}")
PY
} >"$out_md"

# Where the CPU goes (and so what limits a missed target): a profile of each endpoint, appended.
if [ "$quick" -eq 0 ] && [ "${BENCH_NO_PROFILE:-0}" != 1 ]; then
  for endpoint in /plaintext /json; do
    BENCH_NO_BUILD=1 bash bench/profile.sh "$endpoint" | grep '^BENCH' || true
    {
      echo
      echo "## Where the CPU goes on $endpoint (from \`bash bench/profile.sh $endpoint\`)"
      echo
      echo "Each server pinned to core 0, wrk -t1 -c64 on core 1; perf samples (cpu-clock) and strace counts."
      echo
      sed -n -e '/^## /,$p' "bench/results/$date_s-$machine-profile-${endpoint#/}.md" | sed -e 's/^## /### /'
    } >>"$out_md"
  done
  {
    echo
    echo "Deterministic user-space instructions per request of our server, by function:"
    echo "\`bash bench/server_instructions.sh\` -> bench/results/$date_s-$machine-instructions.md."
  } >>"$out_md"
fi

cat "$out_md"
echo
echo "bench: results written to $out_md"
