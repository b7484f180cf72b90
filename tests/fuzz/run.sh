#!/usr/bin/env bash
# tests/fuzz/run.sh: build every libFuzzer target under tests/fuzz/ and run each for N seconds.
# Usage: tests/fuzz/run.sh [seconds-per-target, default 60]
# Targets are built into build/fuzz/ and run on a corpus kept between runs, build/fuzz-corpus/<name>/, into
# which the committed seeds (tests/fuzz/corpus/<name>/, never changed) are merged before each run: what one
# run found, the next starts from. Past FASTAPI_FUZZ_CORPUS_MAX files (default 4000) the kept corpus is first
# minimized (libFuzzer -merge=1). FASTAPI_FUZZ_KEEP_CORPUS=0 starts each run from the seeds alone (a fresh copy).
# A target's dictionary, tests/fuzz/<name>.dict, is passed with -dict. One input running longer than
# FASTAPI_FUZZ_TIMEOUT seconds (default 10) is a hang: libFuzzer stops with a "timeout" artifact and the run fails.
# Exits non-zero if any target crashes, hangs, fails to build, or has not replayed its whole corpus (the committed
# seeds and what earlier runs kept: the regression proof) by the end of its time.
set -euo pipefail

seconds="${1:-60}"
cd "$(dirname "$0")/../.."
out=build/fuzz
mkdir -p "$out"

# The targets are built, then run, side by side (FASTAPI_JOBS at a time, default nproc); each writes its
# own log, and the summary is printed in a fixed order.
jobs="${FASTAPI_JOBS:-$(nproc)}"
# Compiled, then linked, so that ccache (when there is one) keeps the object: a rerun with the same headers
# only links. (Defined inside: the function runs in `bash -c` through xargs, where no array is exported.)
build_one() {  # name
  local cache=() sanitize=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
  command -v ccache >/dev/null && cache=(ccache)
  { "${cache[@]}" clang++ -std=c++20 -O1 -g "${sanitize[@]}" -Iinclude -c "tests/fuzz/$1.cpp" -o "build/fuzz/$1.o" &&
    clang++ "${sanitize[@]}" "build/fuzz/$1.o" -o "build/fuzz/$1" -lsimdjson -lz; } >"build/fuzz/$1.build.log" 2>&1
}
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
export -f build_one run_one

names=()
for src in tests/fuzz/fuzz_*.cpp; do names+=("$(basename "$src" .cpp)"); done   # fuzz_parser ...
echo "== building ${names[*]}"
status=0
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'build_one {} || echo {} >>build/fuzz/build-failed'
if [ -f build/fuzz/build-failed ]; then
  for name in $(cat build/fuzz/build-failed); do
    echo "!! $name did not build:"; tail -n 40 "build/fuzz/$name.build.log"
  done
  rm -f build/fuzz/build-failed
  exit 1
fi
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
