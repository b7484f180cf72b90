#!/usr/bin/env bash
# tests/compile_fail/run.sh: every tests/compile_fail/*.cpp must FAIL to compile, with g++ and clang++,
# and the compiler's output must contain the sentence on its first line: `// expect: <text>`.
set -uo pipefail
cd "$(dirname "$0")/../.."
failures=0
count=0
for src in tests/compile_fail/*.cpp; do
  [ -e "$src" ] || continue
  expect=$(head -n 1 "$src" | sed -n 's|^// expect: ||p')
  if [ -z "$expect" ]; then
    echo "compile_fail: $src has no '// expect: ...' first line"; failures=$((failures + 1)); continue
  fi
  for cxx in g++ clang++; do
    count=$((count + 1))
    if out=$($cxx -std=c++20 -fsyntax-only -Iinclude "$src" 2>&1); then
      echo "compile_fail: $src compiled with $cxx but must not"; failures=$((failures + 1))
    elif ! grep -qF -- "$expect" <<<"$out"; then
      echo "compile_fail: $src failed with $cxx but without the expected message: $expect"
      echo "$out" | grep -E "error" | head -n 5
      failures=$((failures + 1))
    fi
  done
done
echo "compile_fail: $count checks, $failures failed"
[ "$failures" -eq 0 ]
