#!/usr/bin/env bash
# tests/compile_fail/run.sh: every tests/compile_fail/*.cpp must FAIL to compile, with each compiler, and
# one of the compiler's static_assert messages must contain the sentence on its first line: `// expect: <text>`.
# The message is the static_assert's own text, taken from the diagnostic (g++ and clang >= 16:
# `static assertion failed[ due to requirement '...']: MSG`; clang <= 15: `static_assert failed[ due to
# requirement '...'] "MSG"`), not anywhere in the output: a sentence that only shows up in a source excerpt or
# an unrelated error does not pass. An optional second line `// expect-context: <text>` must appear anywhere in
# the output (e.g. the instantiation line that names a parameter's position).
# tests/compile_fail/warnings/*.cpp are the other kind: each must COMPILE (exit 0, -Wall -Wextra) with each
# compiler, g++ always, and one of its warnings' messages must contain the sentence on its first line,
# `// expect-warning: <text>` (an old spelling that still compiles names the new one), with `// expect-context:`
# as above. They have the same precompiled headers; docs/compile_errors.md (misuses that stop the build) has
# no section for them.
# Usage: tests/compile_fail/run.sh [--update-docs] [parallel jobs, default nproc]
# FASTAPI_COMPILE_FAIL_COMPILERS (default "g++ clang++", what the suite runs). FASTAPI_COMPILE_FAIL_ONLY="GLOB..."
# runs the checks whose names match (`app_* di_*`; with --update-docs the page keeps its lines for the others).
# docs/compile_errors.md is generated from these checks (their `// misuse:` and `// fix:` lines, their code) and
# the compilers' output (tests/compile_fail/gen_docs.py says which lines, and why those). Every run compares the
# page with what it compiled (no compiler run of its own: the outputs the checks already made) and fails with
# `FAIL ` lines when the page is stale. --update-docs compiles every check with both compilers (g++ too, as
# FASTAPI_COMPILE_FAIL_GXX=all) and writes the page.
# clang++ runs every check. g++ runs every check that does not include the app (fastapi/app/: a model's, a rule's,
# a settings' misuse, ~1 s each) and, of those that do (~8 s each with g++, against ~2.5 s with clang++'s umbrella
# PCH), the first of each family (app_, di_, params_, security_): every message is proven with clang++, and g++
# is proven to reject each kind of misuse through the same static_asserts. FASTAPI_COMPILE_FAIL_GXX=all: g++ runs
# every check too.
# Since session 15 each compiler first compiles its checks together, in one unit (tests/compile_fail/combine.py:
# our headers parsed once, not once a check; g++'s checks ~128 -> ~48 CPU-s), and splits the output per check;
# a check is proven on its own part of the output exactly as on a compile of it alone, or compiled alone (below).
# Each compiler gets a precompiled header, built once, that every check loads: clang++ the umbrella
# include/fastapi.hpp (-include-pch); g++ the standard and third-party headers our modules include (Asio,
# simdjson: most of the parsing), since g++'s PCH forgets our headers' #pragma once, so they would be defined
# twice. Measured on 2 busy cores: clang ~0.2-0.5 s a check (its PCH instantiates the header's templates once,
# below; ~5 s each before), g++ ~5.5 s for an app's (9.7 s without its PCH), ~1 s for a model's. The checks are
# about the messages; whether each module includes what it uses is the self-contained check's job.
set -uo pipefail
cd "$(dirname "$0")/../.."
docs_mode=--check
if [ "${1:-}" = --update-docs ]; then
  docs_mode=--write
  shift
  export FASTAPI_COMPILE_FAIL_COMPILERS="g++ clang++" FASTAPI_COMPILE_FAIL_GXX=all
fi
jobs="${1:-$(nproc)}"
compilers="${FASTAPI_COMPILE_FAIL_COMPILERS:-g++ clang++}"

pch_dir=$(mktemp -d)
trap 'rm -rf "$pch_dir"' EXIT
# Each check's output, NAME.COMPILER.txt, for gen_docs.py; and the compilers' versions (the page records one).
export FASTAPI_COMPILE_FAIL_OUT="$pch_dir/out"
mkdir -p "$FASTAPI_COMPILE_FAIL_OUT"
for cxx in $compilers; do echo "$cxx $($cxx -dumpversion)"; done >"$FASTAPI_COMPILE_FAIL_OUT/versions.txt"
export FASTAPI_CLANG_PCH="" FASTAPI_GCC_PCH=""
# The g++ header precompiles <simdjson.h> before core/config.hpp pins its configuration: pin it on the command
# line too (as the CMake target does), or config.hpp's #error would be every check's first message.
export FASTAPI_SIMDJSON_PIN="-DSIMDJSON_THREADS_ENABLED=1 -DSIMDJSON_DEVELOPMENT_CHECKS=0"
build_pch() {  # compiler: builds its precompiled header (both are built side by side)
  case $1 in
    # -fpch-instantiate-templates: the header's own template instantiations are made once, in the PCH; without
    # it every check made them again at its end (~5 s of CPU for an empty file, against ~0.1 s).
    clang++) clang++ -std=c++20 -Iinclude -fpch-instantiate-templates -x c++-header include/fastapi.hpp \
               -o "$pch_dir/fastapi.pch" \
               2>"$pch_dir/clang.log" && echo "$pch_dir/fastapi.pch" >"$pch_dir/clang.ok" ;;
    # Each behind __has_include: a platform's own header (<process.h> under _WIN32) is not there to precompile.
    g++) grep -rh '^#include <' include/fastapi | sort -u | grep -v zlib |
           sed 's/^#include \(<.*>\)/#if __has_include(\1)\n&\n#endif/' >"$pch_dir/third_party.hpp" &&
         g++ -std=c++20 $FASTAPI_SIMDJSON_PIN -x c++-header "$pch_dir/third_party.hpp" -o "$pch_dir/third_party.hpp.gch" \
           2>"$pch_dir/gcc.log" && echo "$pch_dir/third_party.hpp" >"$pch_dir/gcc.ok" ;;
  esac
}
for cxx in $compilers; do build_pch "$cxx" & done
wait
[ -f "$pch_dir/clang.ok" ] && FASTAPI_CLANG_PCH=$(cat "$pch_dir/clang.ok")
[ -f "$pch_dir/gcc.ok" ] && FASTAPI_GCC_PCH=$(cat "$pch_dir/gcc.ok")
for cxx in $compilers; do   # a precompiled header that does not build is said (the checks still run, slower)
  case $cxx in clang++) name=clang ;; g++) name=gcc ;; *) continue ;; esac
  if [ ! -f "$pch_dir/$name.ok" ]; then
    echo "!! the $cxx precompiled header did not build; each $cxx check compiles everything:"
    head -n 5 "$pch_dir/$name.log"
  fi
done

# The static_assert messages of a compiler's output, one a line.
static_assert_messages() {
  grep -oP "static assertion failed(?: due to requirement '.*?')?: \K.*|static_assert failed(?: due to requirement '.*')? \"\K.*(?=\"$)"
}
export -f static_assert_messages

compiler_flags() {  # compiler -> its flags for a check, one a line (the precompiled header)
  [ "$1" = clang++ ] && [ -n "$FASTAPI_CLANG_PCH" ] && printf '%s\n' -include-pch "$FASTAPI_CLANG_PCH"
  [ "$1" = g++ ] && [ -n "$FASTAPI_GCC_PCH" ] && printf '%s\n' $FASTAPI_SIMDJSON_PIN -include "$FASTAPI_GCC_PCH" \
    -Winvalid-pch
  return 0
}
export -f compiler_flags

check_one() {  # src compiler -> prints one line; exit 1 on a failed check
  local src=$1 cxx=$2 out pch=() warning=""
  mapfile -t pch < <(compiler_flags "$cxx")
  [[ $src == */warnings/* ]] && warning=-warning
  [ -n "$warning" ] && pch+=(-Wall -Wextra)
  out=$($cxx -std=c++20 -fsyntax-only "${pch[@]}" -Iinclude "$src" 2>&1)
  local status=$?
  printf '%s\n' "$out" >"$FASTAPI_COMPILE_FAIL_OUT/${warning:+warning-}$(basename "$src" .cpp).$cxx.txt"
  check_output "$src" "$cxx" "$status" "$out"
}
export -f check_one

check_output() {  # src compiler exit-status output -> prints one line; exit 1 on a failed check
  local src=$1 cxx=$2 status=$3 out=$4 expect context warning=""
  [[ $src == */warnings/* ]] && warning=-warning
  expect=$(head -n 1 "$src" | sed -n "s|^// expect$warning: ||p")
  context=$(sed -n '2s|^// expect-context: ||p' "$src")
  if [ -z "$expect" ]; then
    echo "FAIL $src: no '// expect$warning: ...' first line"; return 1
  fi
  # A misuse must fail, and one of its static_assert messages hold the sentence; a warnings/ check must compile,
  # and one of its warnings hold it.
  local messages kind verb
  if [ -n "$warning" ]; then
    if [ "$status" -ne 0 ]; then
      echo "FAIL $src did not compile with $cxx but must (with a warning):"
      echo "$out" | grep -E "error" | head -n 5
      return 1
    fi
    messages=$(grep -oP "warning: \K.*" <<<"$out" | sed 's/\\"/"/g') kind=warning verb=compiled
  else
    if [ "$status" -eq 0 ]; then
      echo "FAIL $src compiled with $cxx but must not"; return 1
    fi
    messages=$(static_assert_messages <<<"$out") kind=error verb=failed
  fi
  if ! grep -qF -- "$expect" <<<"$messages"; then
    echo "FAIL $src $verb with $cxx but no ${kind/error/static_assert} message contains: $expect"
    echo "$out" | grep -E "$kind" | head -n 5
    return 1
  elif [ -n "$context" ] && ! grep -qF -- "$context" <<<"$out"; then
    echo "FAIL $src $verb with $cxx with the message, but the output does not show: $context"
    return 1
  fi
  echo "ok   $src ($cxx)"
}
export -f check_output

declare -A gxx_family_done=()
gxx_runs() {  # src: whether g++ checks it (above)
  local family
  [ "${FASTAPI_COMPILE_FAIL_GXX:-}" = all ] && return 0
  [[ $1 == */warnings/* ]] && return 0
  grep -q '^#include "fastapi/app/' "$1" || return 0
  family=$(basename "$1" | cut -d_ -f1)
  [ -z "${gxx_family_done[$family]:-}" ] || return 1
  gxx_family_done[$family]=1
}
read -ra only <<<"${FASTAPI_COMPILE_FAIL_ONLY:-*}"  # (read: the globs are matched below, not expanded here)
selected() {  # src: whether its name matches one of FASTAPI_COMPILE_FAIL_ONLY's globs
  local name glob
  name=$(basename "$1" .cpp)
  for glob in "${only[@]}"; do [[ $name == $glob ]] && return 0; done
  return 1
}
checks=$(for src in tests/compile_fail/*.cpp tests/compile_fail/warnings/*.cpp; do
  [ -e "$src" ] && selected "$src" || continue
  for cxx in $compilers; do
    [ "$cxx" = g++ ] && ! gxx_runs "$src" && continue
    printf '%s\n' "$src $cxx"
  done
done)
# The fast path: each compiler's checks (not warnings/) in ONE compile, the headers parsed once (g++ ~15 s of CPU for
# all of them, against ~3 s a check alone, ~8 s an app's; clang++ ~4 s, against ~0.5 s a check), in the background
# while the other checks run; the output split per check by tests/compile_fail/combine.py (its docstring says how,
# and which checks stay alone). Each check is then proven on its own diagnostics as on a compile of it alone (and
# its lines must be the page's); one that is not is compiled alone. FASTAPI_COMPILE_FAIL_COMBINE=0 compiles every
# check alone; so does --update-docs (the page is written from compiles of each check alone).
declare -A combined=()
for cxx in $compilers; do
  [ "${FASTAPI_COMPILE_FAIL_COMBINE:-1}" != 0 ] && [ "$docs_mode" = --check ] || break
  names=$(python3 tests/compile_fail/combine.py combinable \
    $(grep " $cxx\$" <<<"$checks" | grep -v '/warnings/' | sed "s|^tests/compile_fail/\(.*\)\.cpp $cxx\$|\1|"))
  [ "$(grep -c . <<<"$names")" -ge 2 ] || continue
  combined[$cxx]=$names
  python3 tests/compile_fail/combine.py source "$pch_dir/combined.$cxx.cpp" $names
  (mapfile -t flags < <(compiler_flags "$cxx")
   # (-Wno-return-type: a check's `main`, renamed, would be a function that returns int without a return;
   # -ferror-limit=0: clang++ stops after 20 errors, g++ has no limit.)
   [ "$cxx" = clang++ ] && flags+=(-ferror-limit=0)
   $cxx -std=c++20 -fsyntax-only "${flags[@]}" -Wno-return-type -Iinclude -I. "$pch_dir/combined.$cxx.cpp" \
     >"$pch_dir/combined.$cxx.txt" 2>&1
   echo $? >"$pch_dir/combined.$cxx.status") &
  for name in $names; do checks=$(grep -vxF "tests/compile_fail/$name.cpp $cxx" <<<"$checks"); done
done
results=$(xargs -r -P "$jobs" -L 1 bash -c 'check_one $0 $1' <<<"$checks")
wait
alone=""
for cxx in "${!combined[@]}"; do
  [ "$(cat "$pch_dir/combined.$cxx.status")" != 0 ] &&
    python3 tests/compile_fail/combine.py split "$cxx" "$pch_dir/combined.$cxx.txt" "$FASTAPI_COMPILE_FAIL_OUT" \
      "$($cxx -dumpversion)" ${combined[$cxx]} >/dev/null
  again=""
  for name in ${combined[$cxx]}; do
    src=tests/compile_fail/$name.cpp own="$FASTAPI_COMPILE_FAIL_OUT/$name.$cxx.txt"
    if [ -f "$own" ] && line=$(check_output "$src" "$cxx" 1 "$(cat "$own")"); then
      results+=$'\n'"$line"
    else
      rm -f "$own"
      alone+="$src $cxx"$'\n' again+=" $name"
    fi
    checks+=$'\n'"$src $cxx"
  done
  echo "compile_fail: $cxx compiled $(wc -w <<<"${combined[$cxx]}") checks in one unit; $(wc -w <<<"$again") of them" \
    "again alone${again:+:$again}"
done
[ -n "$alone" ] && results+=$'\n'$(xargs -r -P "$jobs" -L 1 bash -c 'check_one $0 $1' <<<"$alone")
count=$(grep -cE '^(ok|FAIL)' <<<"$results")
failures=$(grep -c '^FAIL' <<<"$results")
grep -v -e '^ok' -e '^$' <<<"$results" || true
echo "compile_fail: $count checks ($(grep -c '/warnings/' <<<"$checks") of them must compile with a warning; $(grep -c ' clang++$' <<<"$checks") with clang++, $(grep -c ' g++$' <<<"$checks") with g++), $failures failed"
python3 tests/compile_fail/gen_docs.py "$docs_mode" "$FASTAPI_COMPILE_FAIL_OUT" || failures=$((failures + 1))
# FASTAPI_COMPILE_FAIL_KEEP=DIR keeps the outputs (gen_docs.py --check DIR then needs no compiler).
[ -n "${FASTAPI_COMPILE_FAIL_KEEP:-}" ] && mkdir -p "$FASTAPI_COMPILE_FAIL_KEEP" &&
  cp "$FASTAPI_COMPILE_FAIL_OUT"/* "$FASTAPI_COMPILE_FAIL_KEEP"/
[ "$failures" -eq 0 ]
