#!/usr/bin/env bash
# bench/tls.sh: HTTPS served by our server beside nginx, same certificate (EC P-256, made here by openssl), same
# OpenSSL defaults (TLS 1.3, the cipher both pick is printed), each server on core 0 with one worker, wrk on
# core 1: keep-alive GET /plaintext over TLS (req/s and server CPU per request), then a new connection (a new
# handshake) for every request (`Connection: close`: handshakes per second).
# Then outbound: HTTPS calls per second to that nginx through fa::HttpClient (bench/tls_calls.cpp, one event
# loop) beside python3-httpx's AsyncClient doing the same calls, 16 in flight, each on core 1.
# Usage: bash bench/tls.sh          (TLS_BENCH_SECONDS=5 by default; ~1.5 minutes)
# Writes bench/results/<date>-<machine>-tls.md (printed too); one machine-readable line per run:
#   BENCH tls peer=ours|nginx mode=keepalive|handshake rps=... cpu_us_per_request=...
#   BENCH tls_client peer=ours|httpx calls_per_second=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh bench
source bench/lib.sh
bench_raise_nofile 65536

secs=${TLS_BENCH_SECONDS:-5}
conns=32
dir="$(pwd)/$BENCH_DIR/tls"
mkdir -p "$dir/nginx/logs" "$dir/nginx/tmp"

# ---- a certificate for 127.0.0.1, made now, never committed ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null

# ---- ours, with FASTAPI_ENABLE_TLS ----
inc=$(bench_include_dir)
ours_bin=$BENCH_DIR/fastapi_bench_tls
build_cmd="$BENCH_CXX $BENCH_CXXFLAGS -DFASTAPI_ENABLE_TLS -I$inc bench/servers/fastapi_bench.cpp -o $ours_bin -lsimdjson -lssl -lcrypto -pthread"
if [ ! -x "$ours_bin" ] || [ bench/servers/fastapi_bench.cpp -nt "$ours_bin" ] || [ "$inc/fastapi.hpp" -nt "$ours_bin" ]; then
  echo "bench: $build_cmd" >&2
  $build_cmd
fi

wait_tls() {  # port: waits (10 s at most) until /plaintext answers over TLS
  local i
  for i in $(seq 100); do
    curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$1/plaintext" && return 0
    sleep 0.1
  done
  echo "bench: nothing answers https://127.0.0.1:$1" >&2
  return 1
}

cpu_ticks() {  # pid: utime + stime in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

ours_port=$(bench_free_port)
taskset -c 0 "$ours_bin" --host 127.0.0.1 --port "$ours_port" --workers 1 \
  --ssl-certfile "$dir/cert.pem" --ssl-keyfile "$dir/key.pem" >"$BENCH_DIR/ours-tls.log" 2>&1 &
OURS_PID=$!
BENCH_PIDS+=("$OURS_PID")
wait_tls "$ours_port"

nginx_port=$(bench_free_port)
user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$dir/nginx/nginx.conf" <<EOF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/nginx/tmp/body;
  proxy_temp_path $dir/nginx/tmp/proxy;
  fastcgi_temp_path $dir/nginx/tmp/fastcgi;
  uwsgi_temp_path $dir/nginx/tmp/uwsgi;
  scgi_temp_path $dir/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port ssl backlog=4096;
    ssl_certificate $dir/cert.pem;
    ssl_certificate_key $dir/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
  }
}
EOF
taskset -c 0 nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log" \
  >"$BENCH_DIR/nginx-tls.log" 2>&1 &
NGINX_PID=$!
BENCH_PIDS+=("$NGINX_PID")
wait_tls "$nginx_port"
nginx_worker=$(pgrep -P "$NGINX_PID" | head -1)

negotiated() {  # port: "TLSv1.3 TLS_AES_256_GCM_SHA384"
  openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null |
    awk '/^New, /{print $2, $NF}' | head -1
}

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-tls.md
declare -A rps cpu
run() {  # peer port pid mode
  local peer=$1 port=$2 pid=$3 mode=$4 extra=() before after out requests
  [ "$mode" = handshake ] && extra=(-H "Connection: close")
  taskset -c 1 wrk -t1 -c"$conns" -d1s "${extra[@]}" "https://127.0.0.1:$port/plaintext" >/dev/null 2>&1  # warm-up
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" "${extra[@]}" "https://127.0.0.1:$port/plaintext")
  after=$(cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  rps[$peer.$mode]=$(echo "$out" | awk '/Requests\/sec/{printf "%d", $2}')
  cpu[$peer.$mode]=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))
  echo "BENCH tls peer=$peer mode=$mode rps=${rps[$peer.$mode]} cpu_us_per_request=${cpu[$peer.$mode]}"
}
for mode in keepalive handshake; do
  run ours "$ours_port" "$OURS_PID" "$mode"
  run nginx "$nginx_port" "$nginx_worker" "$mode"
done

# ---- outbound: calls through fa::HttpClient beside httpx, to the nginx above ----
calls_bin=$BENCH_DIR/tls_calls
calls_cmd="$BENCH_CXX $BENCH_CXXFLAGS -DFASTAPI_ENABLE_TLS -I$inc bench/tls_calls.cpp -o $calls_bin -lsimdjson -lssl -lcrypto -pthread"
if [ ! -x "$calls_bin" ] || [ bench/tls_calls.cpp -nt "$calls_bin" ] || [ "$inc/fastapi.hpp" -nt "$calls_bin" ]; then
  echo "bench: $calls_cmd" >&2
  $calls_cmd
fi
in_flight=16
target="https://127.0.0.1:$nginx_port/plaintext"
ours_calls=$(SSL_CERT_FILE="$dir/cert.pem" taskset -c 1 "$calls_bin" "$target" "$in_flight" "$secs" | awk '{print $1}')
echo "BENCH tls_client peer=ours calls_per_second=$ours_calls"
httpx_calls=$(taskset -c 1 "${BENCH_PYTHON}" - "$target" "$in_flight" "$secs" "$dir/cert.pem" <<'PY'
import asyncio, sys, time
import httpx
url, in_flight, secs, ca = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
async def main():
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with httpx.AsyncClient(verify=ca, limits=limits) as client:
        start, calls = time.monotonic(), 0
        end = start + secs
        async def caller():
            nonlocal calls
            while time.monotonic() < end:
                r = await client.get(url)
                calls += r.status_code == 200
        await asyncio.gather(*[caller() for _ in range(in_flight)])
        print(round(calls / (time.monotonic() - start)))
asyncio.run(main())
PY
)
echo "BENCH tls_client peer=httpx calls_per_second=$httpx_calls"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
{
  echo "# HTTPS: our server beside nginx ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/tls.sh\` (one run; the machine may be shared and noisy). Both servers: one worker"
  echo "pinned to core 0, the same EC P-256 certificate, OpenSSL's defaults (negotiated: ours"
  echo "\`$(negotiated "$ours_port")\`, nginx \`$(negotiated "$nginx_port")\`). Client: \`taskset -c 1 wrk -t1"
  echo "-c$conns -d${secs}s https://127.0.0.1:PORT/plaintext\`, with \`-H 'Connection: close'\` for a new connection"
  echo "(a full handshake) per request. Ours: \`$build_cmd\`, run with \`--workers 1 --ssl-certfile --ssl-keyfile\`;"
  echo "nginx $(nginx -v 2>&1 | sed 's/.*: //'): \`listen ssl\`, \`return 200\` of the same body. CPU per request:"
  echo "the server process's (nginx: its worker's) user + system time over the run / requests."
  echo
  echo "| test | ours req/s | nginx req/s | ours / nginx | ours CPU us/req | nginx CPU us/req |"
  echo "|---|---|---|---|---|---|"
  for mode in keepalive handshake; do
    echo "| $mode | ${rps[ours.$mode]} | ${rps[nginx.$mode]} | $(ratio "${rps[ours.$mode]}" "${rps[nginx.$mode]}") |" \
      "${cpu[ours.$mode]} | ${cpu[nginx.$mode]} |"
  done
  echo
  echo "Outbound: HTTPS calls per second to that nginx (keep-alive, $in_flight in flight, ${secs} s, on core 1), trust"
  echo "from \`SSL_CERT_FILE\`. Ours: \`bench/tls_calls.cpp\` (\`fa::HttpClient\` on one event loop; \`$calls_cmd\`);"
  echo "httpx $("$BENCH_PYTHON" -c 'import httpx; print(httpx.__version__)') (python3-httpx): \`AsyncClient\` with the same limits."
  echo
  echo "| client | calls/s | ratio |"
  echo "|---|---|---|"
  echo "| fa::HttpClient | $ours_calls | $(ratio "$ours_calls" "$httpx_calls") |"
  echo "| httpx | $httpx_calls | 1.00 |"
} >"$out_md"
cat "$out_md"
