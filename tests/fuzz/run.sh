#!/usr/bin/env bash
# tests/fuzz/run.sh: build every libFuzzer target under tests/fuzz/ and run each for N seconds.
# Usage: tests/fuzz/run.sh [seconds-per-target, default 60]
# Targets are built into build/fuzz/ and run on a copy of their corpus (tests/fuzz/corpus/<name>/),
# so the committed corpus never changes. Exits non-zero if any target crashes or fails to build.
set -euo pipefail

seconds="${1:-60}"
cd "$(dirname "$0")/../.."
out=build/fuzz
mkdir -p "$out"

status=0
for src in tests/fuzz/fuzz_*.cpp; do
  name="$(basename "$src" .cpp)"   # fuzz_parser
  corpus_name="${name#fuzz_}"      # parser
  echo "== $name: building"
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Iinclude "$src" -o "$out/$name" -lsimdjson
  work="$out/corpus_$corpus_name"
  rm -rf "$work" "$out/artifacts_$corpus_name"
  mkdir -p "$work" "$out/artifacts_$corpus_name"
  if [ -d "tests/fuzz/corpus/$corpus_name" ]; then
    cp -R "tests/fuzz/corpus/$corpus_name/." "$work/"
  fi
  echo "== $name: running for ${seconds}s"
  if ! "$out/$name" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$out/artifacts_$corpus_name/" "$work" 2>"$out/$name.log"; then
    echo "!! $name crashed; see $out/$name.log and $out/artifacts_$corpus_name/"
    tail -n 40 "$out/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' "$out/$name.log" | tail -n 2 || true
  fi
done
exit "$status"
