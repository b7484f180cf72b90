#!/usr/bin/env bash
# tests/compile_fail/run.sh: every tests/compile_fail/*.cpp must FAIL to compile, and the compiler's output
# must contain the sentence on its first line: `// expect: <text>`.
# Usage: tests/compile_fail/run.sh [parallel jobs, default nproc]
# FASTAPI_COMPILE_FAIL_COMPILERS (default "g++ clang++"; the suite passes "clang++" to stay within its time).
# With clang++ the umbrella include/fastapi.hpp is precompiled once and every check loads it (-include-pch):
# a check then takes about 2.5 s instead of 6 (parsing Asio, simdjson and our headers is most of it). The
# checks are about the messages; whether each module includes what it uses is the self-contained check's job.
# (g++ cannot do the same: its PCH forgets our headers' #pragma once, so they would be defined twice.)
set -uo pipefail
cd "$(dirname "$0")/../.."
jobs="${1:-$(nproc)}"
compilers="${FASTAPI_COMPILE_FAIL_COMPILERS:-g++ clang++}"

pch_dir=$(mktemp -d)
trap 'rm -rf "$pch_dir"' EXIT
export FASTAPI_CLANG_PCH=""
if [[ " $compilers " == *" clang++ "* ]] &&
   clang++ -std=c++20 -Iinclude -x c++-header include/fastapi.hpp -o "$pch_dir/fastapi.pch" 2>"$pch_dir/pch.log"; then
  FASTAPI_CLANG_PCH="$pch_dir/fastapi.pch"
fi

check_one() {  # src compiler -> prints one line; exit 1 on a failed check
  local src=$1 cxx=$2 expect out pch=()
  [ "$cxx" = clang++ ] && [ -n "$FASTAPI_CLANG_PCH" ] && pch=(-include-pch "$FASTAPI_CLANG_PCH")
  expect=$(head -n 1 "$src" | sed -n 's|^// expect: ||p')
  if [ -z "$expect" ]; then
    echo "FAIL $src: no '// expect: ...' first line"; return 1
  fi
  if out=$($cxx -std=c++20 -fsyntax-only "${pch[@]}" -Iinclude "$src" 2>&1); then
    echo "FAIL $src compiled with $cxx but must not"; return 1
  elif ! grep -qF -- "$expect" <<<"$out"; then
    echo "FAIL $src failed with $cxx but without the expected message: $expect"
    echo "$out" | grep -E "error" | head -n 5
    return 1
  fi
  echo "ok   $src ($cxx)"
}
export -f check_one

results=$(for src in tests/compile_fail/*.cpp; do
  [ -e "$src" ] || continue
  for cxx in $compilers; do printf '%s\n' "$src $cxx"; done
done | xargs -P "$jobs" -L 1 bash -c 'check_one $0 $1')
count=$(grep -cE '^(ok|FAIL)' <<<"$results")
failures=$(grep -c '^FAIL' <<<"$results")
grep -v '^ok' <<<"$results" || true
echo "compile_fail: $count checks, $failures failed"
[ "$failures" -eq 0 ]
