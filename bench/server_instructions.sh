#!/usr/bin/env bash
# bench/server_instructions.sh: user-space instructions per request of our server, deterministic
# (valgrind --tool=callgrind), for /plaintext, /json, /items/1?q=foo and /deps (issue 5's binding cost, free
# of the machine's noise), with the functions that cost the most.
# Usage: bash bench/server_instructions.sh [--requests N]      (~1 minute; BENCH_ENDPOINTS="/json /deps" for a few)
# The server runs under callgrind with instrumentation off; after a warm-up, `callgrind_control -i on`
# starts counting, one keep-alive connection sends N requests one after the other (a python3 client
# on 127.0.0.1), and the total is divided by N. Kernel time is not seen: see bench/profile.sh for that.
# Writes bench/results/<date>-<machine>-instructions.md (printed too).
# Lines: BENCH instructions endpoint=/plaintext ir_per_request=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requests=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    *) echo "usage: bash bench/server_instructions.sh [--requests N]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh bench
source bench/lib.sh
bench_build_server

client() {  # port path count: sends count GETs on one keep-alive connection, reads every response
  python3 - "$@" <<'PY'
import socket, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port), timeout=60)
req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n".encode()
buf = b""
for _ in range(n):
    s.sendall(req)
    while True:
        head, sep, rest = buf.partition(b"\r\n\r\n")
        if sep:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
            if len(rest) >= length:
                buf = rest[length:]
                break
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("server closed the connection")
        buf += chunk
s.close()
PY
}

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-instructions.md
{
  echo "# Our server: user-space instructions per request ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/server_instructions.sh\`: build/bench/fastapi_bench \`--workers 1\` under"
  echo "\`valgrind --tool=callgrind --instr-atstart=no\`; after 200 warm-up requests, counting is switched on"
  echo "and one keep-alive connection sends $requests requests, one at a time. $(valgrind --version)."
  echo "Everything the server process executes in user space is counted (Asio, libc, libstdc++); the kernel is not."
  echo
} >"$out_md"
declare -A irs
for endpoint in ${BENCH_ENDPOINTS:-/plaintext /json /items/1?q=foo /deps}; do   # BENCH_ENDPOINTS: a few, for a look
  port=$(bench_free_port)
  slug=${endpoint#/}
  out=$BENCH_DIR/callgrind-server-${slug//[^a-z0-9]/_}.out
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
    "$BENCH_DIR/fastapi_bench" --host 127.0.0.1 --port "$port" --workers 1 >"$BENCH_DIR/callgrind-server.log" 2>&1 &
  vpid=$!
  BENCH_PIDS+=("$vpid")
  for _ in $(seq 300); do grep -q Listening "$BENCH_DIR/callgrind-server.log" && break; sleep 0.1; done
  client "$port" "$endpoint" 200
  callgrind_control -i on "$vpid" >/dev/null
  client "$port" "$endpoint" "$requests"
  callgrind_control -i off "$vpid" >/dev/null
  bench_stop "$vpid"
  total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  irs[$endpoint]=$(awk -v t="$total" -v n="$requests" 'BEGIN { printf "%.0f", t / n }')
  echo "BENCH instructions endpoint=$endpoint ir_per_request=${irs[$endpoint]}"
  {
    echo "## GET $endpoint: ${irs[$endpoint]} instructions per request"
    echo
    echo "Top functions, exclusive instructions per request:"
    echo
    echo '```'
    callgrind_annotate --inclusive=no "$out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,27p' |
      awk -v n="$requests" '{ if (!match($0, /^ *[0-9,]+/)) next; v = substr($0, RSTART, RLENGTH); gsub(/[ ,]/, "", v);
        rest = substr($0, RSTART + RLENGTH); sub(/^ *\( *[0-9.]+%\) */, "", rest); printf "%8.0f  %s\n", v / n, rest }' |
      sed -e 's/ \[[^]]*\]$//' -e 's/^\( *[0-9]*  \)???:/\1/' -e 's/(fastapi::[^ ]*Frame\*) \[clone \.actor\]/ (coroutine body)/' \
        -e 's/std::basic_string_view<char, std::char_traits<char> >/string_view/g' \
        -e 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' | cut -c1-170 || true
    echo '```'
    echo
  } >>"$out_md"
done
{
  echo "## Binding and dependencies against /json (issue 5)"
  echo
  awk -v j="${irs[/json]:-0}" -v i="${irs[/items/1?q=foo]:-0}" -v d="${irs[/deps]:-0}" 'BEGIN {
    if (j > 0 && i > 0) printf "- GET /items/1?q=foo (a Path int, an optional Query string, a struct out): %.2fx the instructions of /json\n", i / j
    if (j > 0 && d > 0) printf "- GET /deps (three chained Depends, one a Yield torn down after the send): %.2fx the instructions of /json\n", d / j }'
  echo
  echo "User space only: bench/run.sh's CPU per request adds the kernel's share (about three quarters of it on"
  echo "loopback), which is the same for every endpoint, so these ratios are upper bounds of the req/s cost."
} >>"$out_md"
cat "$out_md"
echo
echo "bench: results written to $out_md"
