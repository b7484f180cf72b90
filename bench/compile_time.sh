#!/usr/bin/env bash
# bench/compile_time.sh: what the single header costs at build time, and the size it adds.
# Usage: bash bench/compile_time.sh      (~3 minutes: 12 compiles)
#   hyperfine --runs 3 of compiling and linking examples/01_hello.cpp against fastapi.hpp at -O2 and -O0,
#   beside the floor: a file that only includes <asio.hpp> and <simdjson.h> (what any Asio + simdjson
#   program pays); ratios hello/floor; and the stripped size of the -O2 hello binary.
# Writes bench/results/<date>-<machine>-compile.md (printed too). Lines: BENCH compile ... / BENCH size ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh bench
source bench/lib.sh

cxx=${CXX:-g++}
inc=$(bench_include_dir)
work=$BENCH_DIR/compile
mkdir -p "$work"
printf '#include <asio.hpp>\n#include <simdjson.h>\nint main() { return 0; }\n' >"$work/floor.cpp"

cmd() { echo "$cxx -std=c++20 -$1 -I$inc $2 -o $work/$3 -lsimdjson -pthread"; }
hello_o2=$(cmd O2 examples/01_hello.cpp hello-O2)
hello_o0=$(cmd O0 examples/01_hello.cpp hello-O0)
floor_o2=$(cmd O2 "$work/floor.cpp" floor-O2)
floor_o0=$(cmd O0 "$work/floor.cpp" floor-O0)

timeout 1200 hyperfine --runs 3 --style basic --export-json "$work/hyperfine.json" \
  -n hello-O2 "$hello_o2" -n floor-O2 "$floor_o2" -n hello-O0 "$hello_o0" -n floor-O0 "$floor_o0" >"$work/hyperfine.txt"

strip -o "$work/hello-O2.stripped" "$work/hello-O2"
size_unstripped=$(stat -c %s "$work/hello-O2")
size_stripped=$(stat -c %s "$work/hello-O2.stripped")
strip -o "$work/floor-O2.stripped" "$work/floor-O2"
size_floor=$(stat -c %s "$work/floor-O2.stripped")

date_s=$(date +%F)
machine=$(bench_machine)
out_md=bench/results/$date_s-$machine-compile.md
{
  echo "# Compile time and binary size ($date_s, $machine)"
  echo
  echo "Produced by \`bash bench/compile_time.sh\` on $machine (nproc $(nproc), $(bench_cpu_model)),"
  echo "$($cxx --version | head -1), $(hyperfine --version), load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Each command compiles and links one file (one translation unit, one compiler process)."
  echo
  echo '```'
  echo "hyperfine --runs 3 \\"
  echo "  '$hello_o2' \\"
  echo "  '$floor_o2' \\"
  echo "  '$hello_o0' \\"
  echo "  '$floor_o0'"
  echo '```'
  echo "($work/floor.cpp is \`#include <asio.hpp>\`, \`#include <simdjson.h>\`, an empty main.)"
  echo
  python3 - "$work/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print("| build | hello (s) | floor (s) | hello / floor | hello - floor (s) |")
print("|---|---:|---:|---:|---:|")
for o in ("O2", "O0"):
    h, f = r[f"hello-{o}"], r[f"floor-{o}"]
    print(f"| -{o} | {h['mean']:.2f} ± {h['stddev']:.2f} | {f['mean']:.2f} ± {f['stddev']:.2f} | {h['mean'] / f['mean']:.2f}x | {h['mean'] - f['mean']:.2f} |")
print()
for o in ("O2", "O0"):
    h, f = r[f"hello-{o}"], r[f"floor-{o}"]
    print(f"BENCH compile opt={o} hello_s={h['mean']:.2f} floor_s={f['mean']:.2f} ratio={h['mean'] / f['mean']:.2f}", file=sys.stderr)
PY
  echo "| binary (-O2) | bytes |"
  echo "|---|---:|"
  echo "| 01_hello, stripped | $size_stripped ($(awk -v b="$size_stripped" 'BEGIN { printf "%.0f KiB", b / 1024 }')) |"
  echo "| 01_hello, not stripped | $size_unstripped |"
  echo "| floor (asio + simdjson, empty main), stripped | $size_floor |"
} >"$out_md" 2>"$work/bench-lines.txt"
grep '^BENCH' "$work/bench-lines.txt" || true
echo "BENCH size hello_stripped_bytes=$size_stripped hello_bytes=$size_unstripped floor_stripped_bytes=$size_floor"
echo
cat "$out_md"
echo
echo "bench: results written to $out_md"
