#!/usr/bin/env bash
# tests/compile_fail/run.sh: every tests/compile_fail/*.cpp must FAIL to compile, and the compiler's output
# must contain the sentence on its first line: `// expect: <text>`.
# Usage: tests/compile_fail/run.sh [parallel jobs, default nproc]
# FASTAPI_COMPILE_FAIL_COMPILERS (default "g++ clang++"; the suite passes "g++" to stay within its time).
set -uo pipefail
cd "$(dirname "$0")/../.."
jobs="${1:-$(nproc)}"
compilers="${FASTAPI_COMPILE_FAIL_COMPILERS:-g++ clang++}"

check_one() {  # src compiler -> prints one line; exit 1 on a failed check
  local src=$1 cxx=$2 expect out
  expect=$(head -n 1 "$src" | sed -n 's|^// expect: ||p')
  if [ -z "$expect" ]; then
    echo "FAIL $src: no '// expect: ...' first line"; return 1
  fi
  if out=$($cxx -std=c++20 -fsyntax-only -Iinclude "$src" 2>&1); then
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
