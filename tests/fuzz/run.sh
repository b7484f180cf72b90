#!/usr/bin/env bash
# tests/fuzz/run.sh: build every libFuzzer target under tests/fuzz/ and run each for N seconds.
# Usage: tests/fuzz/run.sh [seconds-per-target, default 60]
# The targets, tests/fuzz/fuzz_<name>.cpp (each declared with FASTAPI_FUZZ_TARGET, tests/fuzz/fuzz_target.hpp),
# are built as ONE program, build/fuzz/fuzzers: tests/fuzz/main.cpp compiled once with `-include` of every file
# the glob finds (a new target is picked up without an edit), then linked once; the library's headers are parsed
# and instrumented once for all of them (built one by one, the ten cost 89 CPU-s; as one program, ~60).
# build/fuzz/fuzz_<name> is a link to it, and the program runs the target its name names: each target still
# runs as its own libFuzzer process, on its own corpus, with its own dictionary, artifacts and timeout.
# Each runs on a corpus kept between runs, build/fuzz-corpus/<name>/, into
# which the committed seeds (tests/fuzz/corpus/<name>/, never changed) are merged before each run: what one
# run found, the next starts from. Past FASTAPI_FUZZ_CORPUS_MAX files (default 4000) the kept corpus is first
# minimized (libFuzzer -merge=1). FASTAPI_FUZZ_KEEP_CORPUS=0 starts each run from the seeds alone (a fresh copy).
# A target's dictionary, tests/fuzz/<name>.dict, is passed with -dict. One input running longer than
# FASTAPI_FUZZ_TIMEOUT seconds (default 10) is a hang: libFuzzer stops with a "timeout" artifact and the run fails.
# Exits non-zero if any target crashes, hangs, fails to build, or has not replayed its whole corpus (the committed
# seeds and what earlier runs kept: the regression proof) by the end of its time.
# FASTAPI_FUZZ_OPT (default -O1, libFuzzer's advice for a search) is the optimization of the build: the suite's
# short run (scripts/test.sh, 2 s a target after the replay) builds at -O0, 26 CPU-s instead of 64, where fewer
# executions a second matter less than the build (the sanitizers find as much at -O0).
set -euo pipefail

seconds="${1:-60}"
cd "$(dirname "$0")/../.."
out=build/fuzz
mkdir -p "$out"

# The targets run side by side (FASTAPI_JOBS at a time, default nproc); each writes its own log, and the
# summary is printed in a fixed order.
jobs="${FASTAPI_JOBS:-$(nproc)}"
run_one() {  # name seconds
  local name=$1 corpus_name=${1#fuzz_} work dict=() count
  work="build/fuzz-corpus/$corpus_name"
  [ "${FASTAPI_FUZZ_KEEP_CORPUS:-1}" = 0 ] && rm -rf "$work"
  rm -rf "build/fuzz/artifacts_$corpus_name"
  mkdir -p "$work" "build/fuzz/artifacts_$corpus_name"
  if [ -d "tests/fuzz/corpus/$corpus_name" ]; then
    cp -R "tests/fuzz/corpus/$corpus_name/." "$work/"   # the seeds, merged in (same names: the seed wins)
  fi
  count=$(find "$work" -type f | wc -l)
  if [ "$count" -gt "${FASTAPI_FUZZ_CORPUS_MAX:-4000}" ]; then  # minimize: keep the inputs that add coverage
    rm -rf "$work.min" && mkdir -p "$work.min"
    "build/fuzz/$name" -merge=1 -timeout="${FASTAPI_FUZZ_TIMEOUT:-10}" "$work.min" "$work" \
      2>"build/fuzz/$name.merge.log" && rm -rf "$work" && mv "$work.min" "$work"
  fi
  [ -f "tests/fuzz/$corpus_name.dict" ] && dict=(-dict="tests/fuzz/$corpus_name.dict")
  "build/fuzz/$name" -max_total_time="$2" -timeout="${FASTAPI_FUZZ_TIMEOUT:-10}" -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="build/fuzz/artifacts_$corpus_name/" "$work" 2>"build/fuzz/$name.log"
  echo $? >"build/fuzz/$name.status"
}
export -f run_one

names=()
for src in tests/fuzz/fuzz_*.cpp; do names+=("$(basename "$src" .cpp)"); done   # fuzz_parser ...
echo "== building ${names[*]} (one program)"
status=0
# Compiled, then linked, so that ccache (when there is one) keeps the object: a rerun with the same sources only
# links. FASTAPI_ENABLE_GZIP on the command line, not in a file: the websocket headers are included once for all
# the targets, and fuzz_ws_deflate needs their permessage-deflate half.
sanitize=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
cache=() includes=()
command -v ccache >/dev/null && cache=(ccache)
for name in "${names[@]}"; do includes+=(-include "tests/fuzz/$name.cpp"); done
if ! { "${cache[@]}" clang++ -std=c++20 "${FASTAPI_FUZZ_OPT:--O1}" -g "${sanitize[@]}" -DFASTAPI_ENABLE_GZIP -Iinclude "${includes[@]}" \
         -c tests/fuzz/main.cpp -o "$out/fuzzers.o" &&
       clang++ "${sanitize[@]}" "$out/fuzzers.o" -o "$out/fuzzers" -lsimdjson -lz; } >"$out/build.log" 2>&1; then
  echo "FAIL fuzzers: the fuzz targets did not build (build/fuzz/build.log):"
  tail -n 40 "$out/build.log"
  exit 1
fi
for name in "${names[@]}"; do ln -sfn fuzzers "$out/$name"; done   # build/fuzz/fuzz_parser -> fuzzers
echo "== running each for ${seconds}s"
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c "run_one {} $seconds"
for name in "${names[@]}"; do
  corpus_name="${name#fuzz_}"
  if [ "$(cat "build/fuzz/$name.status" 2>/dev/null)" != 0 ]; then
    echo "!! $name crashed or hung (timeout); see build/fuzz/$name.log and build/fuzz/artifacts_$corpus_name/"
    tail -n 40 "build/fuzz/$name.log"
    status=1
  elif ! grep -q 'INITED' "build/fuzz/$name.log"; then
    # The replay of the whole corpus (the committed seeds and what earlier runs found) is the regression proof:
    # libFuzzer says INITED once every input ran. A run too short to get there proves less than it says.
    echo "FAIL $name: the corpus was not replayed whole in ${seconds}s (no INITED line in build/fuzz/$name.log)"
    status=1
  else
    echo "== $name: $(grep -E 'stat::number_of_executed_units' "build/fuzz/$name.log" | tail -n 1)"
    grep -E 'cov:' "build/fuzz/$name.log" | tail -n 1 || true
    echo "   corpus kept in build/fuzz-corpus/$corpus_name: $(find "build/fuzz-corpus/$corpus_name" -type f | wc -l) inputs"
  fi
done
exit "$status"
