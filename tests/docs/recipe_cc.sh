#!/usr/bin/env bash
# tests/docs/recipe_cc.sh REAL-COMPILER ARGS...: what `g++` / `clang++` run as inside a documented recipe
# (tests/docs/run_recipes.sh puts a shim first on PATH that calls this). The recipe's command is run as written;
# this only watches or caches it:
# - With FASTAPI_RECIPE_H_LOG set, a compile of app.cpp also lists the headers it read (-H) into that file: the
#   proof that a recipe's precompiled header was used.
# - With FASTAPI_RECIPE_CCACHE=1 (scripts/test.sh) and ccache installed, a compile that involves no precompiled
#   header goes through ccache, so a rerun of the suite with the same header does not compile the same program
#   again. ccache keeps objects only: a command that compiles and links one source (`g++ -O2 app.cpp -o app
#   -lsimdjson -pthread`, the README's) is run as its two halves, the compile through ccache (with every flag
#   of the command but the linker's) and the link (the same command with the object in the source's place).
#   A precompiled header is left alone: ccache sees an implicit .gch only with -fpch-preprocess.
set -u
real=$1
shift
if [ -n "${FASTAPI_RECIPE_H_LOG:-}" ] && [[ " $* " == *" app.cpp "* ]] && [[ " $* " == *" -c "* ]]; then
  exec "$real" "$@" -H 2>>"$FASTAPI_RECIPE_H_LOG"
fi
if [ "${FASTAPI_RECIPE_CCACHE:-0}" != 1 ] || ! command -v ccache >/dev/null || [[ " $* " == *" c++-header "* ]] ||
   [[ " $* " == *"-include-pch"* ]] || compgen -G '*.gch' >/dev/null || compgen -G '*.pch' >/dev/null; then
  exec "$real" "$@"
fi
export CCACHE_BASEDIR="$PWD"
sources=()
for a in "$@"; do [[ "$a" == *.cpp || "$a" == *.cc ]] && sources+=("$a"); done
if [[ " $* " == *" -c "* || " $* " == *" -E "* || " $* " == *" -S "* ]] || [ ${#sources[@]} != 1 ]; then
  exec ccache "$real" "$@"   # a compile (ccache's own case), or a command we do not split
fi
obj=$(mktemp "${TMPDIR:-/tmp}/recipe-XXXXXX.o")
trap 'rm -f "$obj"' EXIT
compile=() link=() prev=""
for a in "$@"; do
  if [ "$prev" = -o ]; then link+=("$a") prev="" && continue; fi
  prev=$a
  case "$a" in
    -o) link+=("$a") ;;
    -l* | -L* | -Wl,* | *.o | *.a | *.so) link+=("$a") ;;
    *.cpp | *.cc) link+=("$obj") ;;
    -pthread | -f* | -m*) compile+=("$a") link+=("$a") ;;
    *) compile+=("$a") ;;
  esac
done
ccache "$real" "${compile[@]}" -c "${sources[0]}" -o "$obj" && "$real" "${link[@]}"
