#!/usr/bin/env bash
# bench/run.sh: throughput, p99 latency, server CPU per request and fairness under overload of our server
# beside its peers (nginx, FastAPI on uvicorn in two setups, cpp-httplib), on loopback, in one run.
# Usage: bash bench/run.sh [--quick | --report]
#   full:    warm-up, then 3 rounds of 5 s wrk runs, every peer interleaved inside each round:
#              GET /plaintext, GET /json, GET /items/1?q=foo, POST /users   at c64   (all peers, + ours --workers 2)
#              GET /plaintext at c256 and c1024 (all peers), pipelined 16 deep at c64 (all peers, + ours -w2)
#              GET /plaintext at c8 (ours, nginx and cpp-httplib: its best case)
#              cpp-httplib with TCP_NODELAY (httplib-nodelay) beside its default, on /plaintext at c64 and c8
#            -> bench/results/<date>-<machine>.md and .svg, bench/results/README-table.md   (~13.5 minutes)
#   --quick: 1 round of 2 s runs, no c256 and no ours --workers 2 -> build/bench/quick-<date>-<machine>.*
#            (~1.5 minutes: proves the whole thing runs; its numbers are not results)
#   --report: no new wrk runs: rewrite the results from the last run's raw values (build/bench/run-raw.tsv)
# Budget of a full run: 43 runs per round x ~5.5 s x 3 rounds = 11.5 min, + warm-up (~35 s) and start-up,
# + a profile (bench/profile.sh, ~30 s each) of each endpoint whose target was missed (at most 2;
# BENCH_NO_PROFILE=1 skips them): ~13.5 min. BENCH_ROUNDS=N and BENCH_DURATION=S override.
# BENCH_PEERS="ours nginx" restricts the peers (for a look; the report then leaves the others out).
# Every server is pinned to core 0 (ours --workers 2: cores 0-1), wrk -t1 to core 1.
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

raw=$BENCH_DIR/run-raw.tsv
meta=$BENCH_DIR/run-meta.tsv

if [ "$report_only" -eq 0 ]; then
if [ "$quick" -eq 1 ]; then rounds=1; duration=2; warmup=1; else rounds=3; duration=5; warmup=2; fi
rounds=${BENCH_ROUNDS:-$rounds}
duration=${BENCH_DURATION:-$duration}

all="ours nginx fastapi-h11 fastapi-uvloop httplib"
# name, endpoint key, connections, pipeline depth, peers (in the order they run inside a round)
configs=(
  "plaintext-c64 plaintext 64 1 $all httplib-nodelay ours-w2 ours-mw"
  "json-c64 json 64 1 $all ours-w2"
  "items-c64 items 64 1 $all ours-w2"
  "users-c64 users 64 1 $all ours-w2"
  "deps-c64 deps 64 1 ours"
  "plaintext-c256 plaintext 256 1 $all"
  "plaintext-c1024 plaintext 1024 1 $all"
  "pipelined-c64 plaintext 64 16 $all ours-w2"
  "plaintext-c8 plaintext 8 1 ours nginx httplib httplib-nodelay"
)
if [ "$quick" -eq 1 ]; then
  keep=()
  for cfg in "${configs[@]}"; do
    case "$cfg" in plaintext-c256*) continue ;; esac
    cfg="${cfg/ ours-w2/}"
    keep+=("$cfg")
  done
  configs=("${keep[@]}")
fi
declare -A path=([plaintext]=/plaintext [json]=/json [items]="/items/1?q=foo" [users]=/users [deps]=/deps)
declare -A method=([plaintext]=GET [json]=GET [items]=GET [users]=POST [deps]=GET)

# The peers this run needs (BENCH_PEERS restricts them), in order of first use.
wanted=" ${BENCH_PEERS:-$all httplib-nodelay ours-w2 ours-mw} "
peers=()
for cfg in "${configs[@]}"; do
  read -r _ _ _ _ list <<<"$cfg"
  for p in $list; do
    [[ "$wanted" == *" $p "* ]] || continue
    [[ " ${peers[*]} " == *" $p "* ]] || peers+=("$p")
  done
done

bench_build_server
if [[ " ${peers[*]} " == *" httplib "* || " ${peers[*]} " == *" httplib-nodelay "* ]]; then bench_build_httplib; else bench_httplib_setup; fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A port pid
for p in "${peers[@]}"; do
  port[$p]=$(bench_free_port)
  bench_start_peer "$p" "${port[$p]}"
  pid[$p]=$PEER_PID
done
clk_tck=$(getconf CLK_TCK)

# wrk output -> "rps p99_ms requests non2xx socket_errors"
parse_wrk() {
  awk '
    /^ *99%/ { v=$2; u=v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
               if (u=="us") v/=1000; else if (u=="s") v*=1000; else if (u=="m") v*=60000; p99=v }
    /requests in/ { req=$1 }
    /^Requests\/sec:/ { rps=$2 }
    /Non-2xx or 3xx responses:/ { non2xx=$NF }
    /Socket errors:/ { gsub(",", ""); errs="connect=" $4 ",read=" $6 ",write=" $8 ",timeout=" $10 }
    END { if (rps=="" || req=="") exit 1; if (p99=="") p99=0;
          printf "%s %.3f %s %d %s\n", rps, p99, req, non2xx, (errs=="" ? "-" : errs) }'
}

# run_wrk PEER KEY CONNS DEPTH SECONDS -> wrk's output on stdout
run_wrk() {
  local peer=$1 key=$2 conns=$3 depth=$4 secs=$5 args=()
  local url="http://127.0.0.1:${port[$peer]}${path[$key]}"
  if [ "$depth" -gt 1 ]; then args=(-s bench/pipeline.lua "$url" -- "$depth")
  elif [ "$key" = users ]; then args=(-s bench/post_users.lua "$url")
  else args=("$url"); fi
  timeout $((secs + 30)) taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "${args[@]}"
}

# The client side of every connection established to the server's port: "local-address bytes_received".
sample_ss() {
  taskset -c 1 ss -tinH state established "( dport = :$1 )" 2>/dev/null |
    awk '!/^[ \t]/ { key = $3; seen[key] = 0; next }
         { if (match($0, /bytes_received:[0-9]+/)) seen[key] = substr($0, RSTART + 15, RLENGTH - 15) }
         END { for (k in seen) print k, seen[k] }'
}

echo "bench: peers ${peers[*]}; $rounds round(s) of ${duration} s runs; load average $load_before" >&2
echo "bench: warm-up (${warmup} s of /plaintext, 1 s of each other endpoint, per peer)" >&2
for p in "${peers[@]}"; do
  run_wrk "$p" plaintext 64 1 "$warmup" >/dev/null 2>&1 || true
  for key in json items users; do run_wrk "$p" "$key" 64 1 1 >/dev/null 2>&1 || true; done
done

t1=$(awk -v d="$duration" 'BEGIN { printf "%.2f", d * 0.3 }')
t2=$(awk -v d="$duration" 'BEGIN { printf "%.2f", d * 0.5 }')
printf 'peer\tname\tkey\tendpoint\tconns\tdepth\tround\trps\tp99_ms\trequests\tcpu_s_per_100k\tnon2xx\tsocket_errors\topen\tanswered\n' >"$raw"
for round in $(seq "$rounds"); do
  for cfg in "${configs[@]}"; do
    read -r name key conns depth list <<<"$cfg"
    for p in $list; do
      [[ " ${peers[*]} " == *" $p "* ]] || continue
      out=$BENCH_DIR/wrk-$p-$name-r$round.txt
      before=$(bench_cpu_ticks "${pid[$p]}")
      open=-; answered=-
      if [ "$conns" -ge 1024 ]; then
        # Fairness: two samples of every connection's bytes_received, a few seconds apart, during the run.
        run_wrk "$p" "$key" "$conns" "$depth" "$duration" >"$out" 2>&1 &
        wpid=$!
        BENCH_PIDS+=("$wpid")
        sleep "$t1"; sample_ss "${port[$p]}" >"$BENCH_DIR/ss-$p-r$round-1.txt"
        sleep "$t2"; sample_ss "${port[$p]}" >"$BENCH_DIR/ss-$p-r$round-2.txt"
        wait "$wpid" || true
        bench_forget "$wpid"
        read -r open answered < <(awk 'NR == FNR { b[$1] = $2; next }
            { n++; if ($2 + 0 > (($1 in b) ? b[$1] : 0) + 0) a++ } END { print n + 0, a + 0 }' \
          "$BENCH_DIR/ss-$p-r$round-1.txt" "$BENCH_DIR/ss-$p-r$round-2.txt")
      else
        run_wrk "$p" "$key" "$conns" "$depth" "$duration" >"$out" 2>&1 || true
      fi
      after=$(bench_cpu_ticks "${pid[$p]}")
      if ! read -r rps p99 requests non2xx errs < <(parse_wrk <"$out"); then
        echo "bench: wrk failed for $p $name:" >&2; cat "$out" >&2; exit 1
      fi
      cpu=$(awk -v d=$((after - before)) -v hz="$clk_tck" -v n="$requests" 'BEGIN { printf "%.3f", n ? (d / hz) / n * 100000 : 0 }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$name" "$key" \
        "${method[$key]} ${path[$key]}" "$conns" "$depth" "$round" "$rps" "$p99" "$requests" "$cpu" "$non2xx" "$errs" \
        "$open" "$answered" >>"$raw"
      echo "BENCH run peer=$p endpoint=${path[$key]} method=${method[$key]} conns=$conns pipeline=$depth round=$round rps=$rps p99_ms=$p99 requests=$requests cpu_s_per_100k=$cpu non2xx=$non2xx socket_errors=$errs$([ "$open" = - ] || echo " open=$open answered=$answered")"
      # Let the server go idle (queued connections drained) before the next peer runs on its core.
      for _ in $(seq 20); do
        a=$(bench_cpu_ticks "${pid[$p]}"); sleep 0.1; b=$(bench_cpu_ticks "${pid[$p]}")
        [ "$a" != "$b" ] || break
      done
    done
  done
done

bench_cleanup
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- what the report needs to say how the numbers were made ----
deb() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
inc=$(bench_include_dir 2>/dev/null)
{
  printf 'date\t%s\n' "$(date +%F)"
  printf 'machine\t%s\n' "$(bench_machine)"
  printf 'quick\t%s\n' "$quick"
  printf 'rounds\t%s\n' "$rounds"
  printf 'duration\t%s\n' "$duration"
  printf 'warmup\t%s\n' "$warmup"
  printf 'load_before\t%s\n' "$load_before"
  printf 'load_after\t%s\n' "$load_after"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu\t%s\n' "$(bench_cpu_model)"
  printf 'kernel\t%s\n' "$(uname -r)"
  printf 'os\t%s\n' "$(. /etc/os-release; echo "${PRETTY_NAME:-linux}")"
  printf 'version\tg++\t%s\n' "$($BENCH_CXX --version | head -1)"
  printf 'version\twrk\t%s\n' "$(deb wrk)"
  printf 'version\tnginx\t%s (Debian nginx-light %s)\n' "$(nginx -v 2>&1 | sed 's/^nginx version: //')" "$(deb nginx-light)"
  printf 'version\tpython3\t%s\n' "$("$BENCH_PYTHON" --version 2>&1)"
  printf 'version\tFastAPI\t%s (Debian python3-fastapi)\n' "$(deb python3-fastapi)"
  printf 'version\tpydantic\t%s (Debian python3-pydantic; EmailStr via python3-email-validator %s)\n' "$(deb python3-pydantic)" "$(deb python3-email-validator)"
  printf 'version\tstarlette\t%s\n' "$(deb python3-starlette)"
  printf 'version\tuvicorn\t%s (Debian python3-uvicorn)\n' "$(deb python3-uvicorn)"
  printf 'version\tuvloop, httptools\t%s, %s\n' "$(deb python3-uvloop)" "$(deb python3-httptools)"
  printf 'version\tcpp-httplib\t%s, %s\n' "$HTTPLIB_VERSION" \
    "$([ "$HTTPLIB_KIND" = single ] && echo "the single header httplib.h from Debian's source package ($(cat "$BENCH_DIR/httplib/SOURCE" 2>/dev/null || echo cpp-httplib), apt-get source cpp-httplib)" || echo "Debian's split build: libcpp-httplib-dev's header + libcpp-httplib.so (the single header could not be fetched)")"
  printf 'version\tsimdjson, asio\t%s, %s\n' "$(deb libsimdjson-dev)" "$(deb libasio-dev)"
  printf 'version\tfastapi.hpp\t%s %s%s\n' "$(sed -n 's/.*FASTAPI_VERSION_STRING "\(.*\)".*/\1/p' include/fastapi/core/version.hpp | head -1)" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo "(no commit)")" "$([ -n "$(git status --porcelain 2>/dev/null | head -1)" ] && echo ", work tree with changes")"
  printf 'httplib_kind\t%s\n' "$HTTPLIB_KIND"
  printf 'command\t%s\n' "$BENCH_CXX $BENCH_CXXFLAGS -I$inc bench/servers/fastapi_bench.cpp -o build/bench/fastapi_bench -lsimdjson -pthread"
  printf 'command\t%s\n' "$(bench_httplib_command)"
  printf 'command\t%s\n' "taskset -c 0 build/bench/fastapi_bench --host 127.0.0.1 --port PORT --workers 1      # ours"
  printf 'command\t%s\n' "taskset -c 0-1 build/bench/fastapi_bench --host 127.0.0.1 --port PORT --workers 2    # ours-w2"
  printf 'command\t%s\n' "taskset -c 0 nginx -p build/bench/nginx -c build/bench/nginx/nginx.conf   # from bench/servers/nginx.conf: 1 worker, access_log off"
  printf 'command\t%s\n' "$(bench_fastapi_command h11)"
  printf 'command\t%s\n' "$(bench_fastapi_command uvloop)"
  printf 'command\t%s\n' "taskset -c 0 build/bench/httplib_bench --host 127.0.0.1 --port PORT"
  printf 'command\t%s\n' "taskset -c 1 wrk -t1 -cC -d${duration}s --latency http://127.0.0.1:PORT/plaintext     # also /json, /items/1?q=foo"
  printf 'command\t%s\n' "taskset -c 1 wrk -t1 -cC -d${duration}s --latency -s bench/post_users.lua http://127.0.0.1:PORT/users"
  printf 'command\t%s\n' "taskset -c 1 wrk -t1 -c64 -d${duration}s --latency -s bench/pipeline.lua http://127.0.0.1:PORT/plaintext -- 16"
  printf 'command\t%s\n' "taskset -c 1 ss -tinH state established '( dport = :PORT )'   # at ${t1} s and $(awk -v a="$t1" -v b="$t2" 'BEGIN { print a + b }') s into each c1024 run"
} >"$meta"
fi

# ---- report ----
[ -s "$raw" ] && [ -s "$meta" ] || { echo "bench: no previous run in $BENCH_DIR" >&2; exit 1; }
date_s=$(awk -F'\t' '$1 == "date" { print $2 }' "$meta")
machine=$(awk -F'\t' '$1 == "machine" { print $2 }' "$meta")
was_quick=$(awk -F'\t' '$1 == "quick" { print $2 }' "$meta")
if [ "$was_quick" = 1 ]; then
  base=$BENCH_DIR/quick-$date_s-$machine; table=$BENCH_DIR/quick-README-table.md
else
  base=bench/results/$date_s-$machine; table=bench/results/README-table.md
fi
python3 bench/report.py --raw "$raw" --meta "$meta" --md "$base.md" --svg "$base.svg" --table "$table" \
  --results-dir bench/results --missed "$BENCH_DIR/missed.txt" >/dev/null

# Where the CPU goes (and so what limits a missed target): a profile of each endpoint that missed, appended.
if [ "$was_quick" != 1 ] && [ "$report_only" -eq 0 ] && [ "${BENCH_NO_PROFILE:-0}" != 1 ]; then
  while read -r endpoint; do
    [ -n "$endpoint" ] || continue
    slug=${endpoint#/}; slug=${slug%%/*}; slug=${slug%%\?*}
    BENCH_NO_BUILD=1 bash bench/profile.sh "$endpoint" | grep '^BENCH' || true
    {
      echo
      echo "## Where the CPU goes on $endpoint (from \`bash bench/profile.sh $endpoint\`)"
      echo
      echo "Each server pinned to core 0, wrk -t1 -c64 on core 1; perf samples (cpu-clock) and strace counts."
      echo
      sed -n -e '/^## /,$p' "bench/results/$date_s-$machine-profile-$slug.md" | sed -e 's/^## /### /'
    } >>"$base.md"
  done < <(head -2 "$BENCH_DIR/missed.txt" 2>/dev/null)
  {
    echo
    echo "Deterministic user-space instructions per request of our server, by function:"
    echo "\`bash bench/server_instructions.sh\` -> bench/results/<date>-$machine-instructions.md."
  } >>"$base.md"
fi

cat "$base.md"
echo
echo "bench: results written to $base.md and $base.svg"
echo "bench: the README's table (paste it): $table"
echo
cat "$table"
