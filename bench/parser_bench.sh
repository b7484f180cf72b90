#!/usr/bin/env bash
# bench/parser_bench.sh: fastapi::RequestParser vs Node's http_parser 2.9 (Debian libhttp-parser-dev).
# Usage: bash bench/parser_bench.sh      (~1 minute)
#   1. ns per request, wall clock (best of 7 batches; noisy on a shared machine);
#   2. instructions per request under valgrind --tool=callgrind, collected only inside the parse loop
#      (deterministic: the number to compare across commits), plus our parser's hottest functions.
# Writes bench/results/<date>-<machine>-parser.md (printed too). Target: ours >= 3x faster than http_parser.
# Machine-readable lines: BENCH parser corpus=... ours_ns=... http_parser_ns=... ratio=...
#                         BENCH parser-ir corpus=... parser=... ir_per_request=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh bench
source bench/lib.sh

iters=${PARSER_BENCH_ITERS:-5000}
bin=$BENCH_DIR/parser_bench
build_cmd="$BENCH_CXX $BENCH_CXXFLAGS -g -Iinclude bench/parser_bench.cpp -o $bin -lhttp_parser"
echo "bench: $build_cmd" >&2
# shellcheck disable=SC2086
$build_cmd

wall=$BENCH_DIR/parser-wall.txt
taskset -c 0 "$bin" >"$wall"
grep '^BENCH' "$wall"

corpora=(browser-get api-post pipelined-16)
parsers=(ours http_parser http_parser+url)
declare -A ir
for c in "${corpora[@]}"; do
  for p in "${parsers[@]}"; do
    out=$BENCH_DIR/callgrind-$p-$c.out
    log=$BENCH_DIR/callgrind-$p-$c.log
    timeout 300 valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
      "$bin" --callgrind "$p" "$c" "$iters" >"$log.stdout" 2>"$log"
    collected=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$log" | tail -1)
    requests=$(sed -n 's/^requests=//p' "$log.stdout")
    ir[$p,$c]=$(awk -v a="$collected" -v n="$requests" 'BEGIN { printf "%.0f", a / n }')
    echo "BENCH parser-ir corpus=$c parser=$p ir_per_request=${ir[$p,$c]}"
  done
done

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-parser.md
{
  echo "# Request parser: fastapi::RequestParser vs http_parser ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/parser_bench.sh\` on $machine (nproc $(nproc), $(bench_cpu_model)),"
  echo "$(g++ --version | head -1), http_parser $(dpkg-query -W -f='${Version}' libhttp-parser-dev 2>/dev/null || echo '?'), $(valgrind --version)."
  echo
  echo '```'
  echo "$build_cmd"
  echo "taskset -c 0 $bin"
  echo "valgrind --tool=callgrind --collect-atstart=no $bin --callgrind PARSER CORPUS $iters"
  echo '```'
  echo
  echo "Corpus (bench/parser_bench.cpp): **browser-get**, a Firefox GET with 11 headers and a query;"
  echo "**api-post**, an API POST with 8 headers and a 100-byte JSON body (Content-Length);"
  echo "**pipelined-16**, 16 small GETs (4 headers) in one buffer, per request."
  echo "Both parsers record the request line and every header as views and find the body. Ours also"
  echo "validates the head strictly (RFC 9112), percent-decodes the path and splits the query;"
  echo "*http_parser+url* adds \`http_parser_parse_url\` (which splits but does not decode) to http_parser."
  echo
  echo "## Instructions per request (callgrind, deterministic)"
  echo
  echo "| request | ours | http_parser | http_parser+url | http_parser / ours |"
  echo "|---|---:|---:|---:|---:|"
  for c in "${corpora[@]}"; do
    ratio=$(awk -v a="${ir[http_parser,$c]}" -v b="${ir[ours,$c]}" 'BEGIN { printf "%.2fx", a / b }')
    echo "| $c | ${ir[ours,$c]} | ${ir[http_parser,$c]} | ${ir[http_parser+url,$c]} | $ratio |"
  done
  echo
  echo "## Wall clock, ns per request (best of 7 batches, pinned to core 0; shared machine: noisy)"
  echo
  grep '^|' "$wall"
  echo
  echo "## Targets"
  echo
  echo "Target: ours >= 3x faster than http_parser (ns per request; instructions as the steady proxy)."
  echo
  for c in "${corpora[@]}"; do
    ns_ratio=$(sed -n "s/^BENCH parser corpus=$c .* ratio=\([0-9.]*\).*/\1/p" "$wall")
    awk -v c="$c" -v a="${ir[http_parser,$c]}" -v b="${ir[ours,$c]}" -v t="$ns_ratio" \
      'BEGIN { r = a / b; printf "- %s: %.2fx faster (ns), %s; %.2fx fewer instructions, %s\n", c, t, (t >= 3) ? "met" : "**missed**", r, (r >= 3) ? "met" : "**missed**" }'
  done
  echo
  echo "## Where our parser spends its instructions (callgrind, browser-get and pipelined-16, exclusive Ir)"
  for c in browser-get pipelined-16; do
    echo
    echo "$c:"
    echo
    echo '```'
    callgrind_annotate "$BENCH_DIR/callgrind-ours-$c.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,12p' |
      sed -e 's/ \[[^]]*\]$//' -e 's/std::basic_string_view<char, std::char_traits<char> >/string_view/g' | cut -c1-160
    echo '```'
  done
} >"$out_md"
cat "$out_md"
echo
echo "bench: results written to $out_md"
