#!/usr/bin/env bash
# scripts/syntax_cache.sh: a compiler launcher that remembers which `-fsyntax-only` compiles passed, the way
# ccache remembers objects (ccache cannot: such a compile writes no object). It goes between
# scripts/cpu_launcher.sh and ccache in CMAKE_CXX_COMPILER_LAUNCHER (scripts/test.sh); any other compile is
# passed through untouched.
#
# A syntax-only compile that passed, with nothing on stderr, is stored as an empty file named by the SHA-256 of
# the compiler's identity, its flags (the repository's path taken out, as CCACHE_BASEDIR does for ccache) and the
# preprocessed source (`-E`: every header the file sees, as it sees it). The same compile again finds it and only
# pays the preprocessor (~0.4 s for the largest module against ~12 s for the compile). A compile that failed or
# warned is never stored: it runs, and says so, every time. The named output (-o) is created either way, so the
# build tool sees the step done and skips it until a header it depends on changes (the depfile is written by the
# preprocessor run). Used by the self-contained check (each module compiled alone, CMakeLists.txt).
#
# FASTAPI_SYNTAX_CACHE: the directory (default ~/.cache/fastapi-syntax); FASTAPI_SYNTAX_CACHE=off disables it.
set -u
syntax_only=0
for a in "$@"; do [ "$a" = -fsyntax-only ] && syntax_only=1; done
dir="${FASTAPI_SYNTAX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fastapi-syntax}"
[ "$syntax_only" = 1 ] && [ "$dir" != off ] && command -v sha256sum >/dev/null || exec "$@"

compiler=("$@")
[ "$(basename "$1")" = ccache ] && compiler=("${@:2}")   # the preprocessor run needs no ccache
out=""
preprocess=()
flags=()
prev=""
for a in "${compiler[@]}"; do
  case "$prev" in
    -o) out=$a prev="" && continue ;;
    -MF | -MT | -MQ) preprocess+=("$a") prev="" && continue ;;   # the depfile's options: not in the key
  esac
  prev=$a
  case "$a" in
    -o) continue ;;
    -fsyntax-only) preprocess+=(-E -P) && continue ;;
    -MF | -MT | -MQ | -MD | -MMD) preprocess+=("$a") && continue ;;
  esac
  preprocess+=("$a")
  case "$a" in *.cpp | *.cc | *.cxx) continue ;; esac   # the source is in the key as its preprocessed text
  flags+=("${a//"${CCACHE_BASEDIR:-$PWD}"/}")
done

# A precompiled header (clang: `-Xclang -include-pch -Xclang X.pch`, beside the `-include` of its header; the
# self-contained check's layers, CMakeLists.txt) is left out of the preprocessor run, so the header's text, as it
# is now, is in the key: the .pch file is the compiled form of that text, never read by the key.
text=()
i=0
while [ "$i" -lt "${#preprocess[@]}" ]; do
  a=${preprocess[$i]}
  if [ "$a" = -Xclang ] && [ "${preprocess[$((i + 1))]:-}" = -include-pch ]; then
    i=$((i + 4)) && continue
  fi
  [ "$a" = -include-pch ] && i=$((i + 2)) && continue
  text+=("$a")
  i=$((i + 1))
done
preprocess=("${text[@]}")

base="${CCACHE_BASEDIR:-$PWD}"
key=$({
  "${compiler[0]}" --version 2>/dev/null | head -n 1
  printf '%s\n' "${flags[@]}"
  # The checkout's path taken out of the text too: __FILE__ (in assert) expands to it.
  { "${preprocess[@]}" -o - 2>/dev/null || echo "preprocessing failed $RANDOM$RANDOM"; } | sed "s#${base}##g"
} | sha256sum | cut -c1-64)
if [ -f "$dir/$key" ]; then
  [ -z "$out" ] || : >"$out"
  exit 0
fi
err=$(mktemp)
"$@" 2>"$err"
status=$?
cat "$err" >&2
if [ "$status" = 0 ] && [ ! -s "$err" ]; then
  mkdir -p "$dir" && : >"$dir/$key"
  [ -z "$out" ] || : >"$out"
fi
rm -f "$err"
exit "$status"
