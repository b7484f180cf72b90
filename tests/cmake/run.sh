#!/usr/bin/env bash
# tests/cmake/run.sh: the CMake package and the pkg-config file, on a consumer project (tests/cmake/consumer):
#   1. add_subdirectory: fastapi::fastapi builds the library once (its compile command has
#      -DFASTAPI_SEPARATE_COMPILATION, and it links libfastapi.a), fastapi::header_only does not;
#   2. `cmake --install` into a scratch prefix, which is then moved (the package must be relocatable: no path of
#      the machine that built it in its CMake files), then find_package(fastapi CONFIG) with fastapi::fastapi and
#      fastapi::impl (the installed libfastapi.a);
#   3. pkg-config: `g++ app.cpp $(pkg-config --cflags --libs fastapi)` with PKG_CONFIG_PATH into the moved prefix.
# Every program built is run: it answers its own route through the test client and exits 0.
# With ccache, the library is compiled once: both builds compile cmake/fastapi_impl.cpp with the same flags (the
# consumer gives the add_subdirectory library the features the package's build turns on), so the one that comes
# second (add_subdirectory's, started after the package's) is a cache hit; the package's two programs too.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="$root/build/cmake-consumer"
rm -rf "$out"
mkdir -p "$out"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# compiled_with TREE TARGET: the compile command of TARGET's main.cpp, from compile_commands.json.
compiled_with() {
  python3 - "$1/compile_commands.json" "$2" <<'PY'
import json, sys
cmds = [c["command"] for c in json.load(open(sys.argv[1])) if f"/{sys.argv[2]}.dir/" in c.get("output", c["command"])]
print(cmds[0] if cmds else "")
PY
}
# The add_subdirectory consumer's header-only program (no library) is built beside the package's library.
(cmake -S tests/cmake/consumer -B "$out/subdir" -G Ninja "${launcher[@]}" -DFASTAPI_MODE=add_subdirectory \
  -DFASTAPI_SOURCE="$root" >/dev/null && cmake --build "$out/subdir" --target consumer_header_only >/dev/null) &
subdir_pid=$!
trap 'wait' EXIT   # a failure below still lets the background build end before the script does
# The package as a distribution would build it: the library (with FASTAPI_ENABLE_GZIP when zlib is found, which
# fastapi::impl and fastapi.pc then pass on to their users, with zlib).
cmake -S . -B "$out/lib" -G Ninja "${launcher[@]}" -DFASTAPI_BUILD_TESTS=OFF -DFASTAPI_BUILD_EXAMPLES=OFF \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$out/lib" >/dev/null
wait "$subdir_pid" ||
  { echo "FAIL cmake consumer: the add_subdirectory configuration or its header-only build failed"; exit 1; }
# The library is in ccache now: the add_subdirectory consumer's (the same compile) and its program, beside the rest.
(cmake --build "$out/subdir" >/dev/null) &
subdir_pid=$!
# The same compile in both (a flag of one build only would compile the library twice, ~40 CPU-s).
first="$(compiled_with "$out/lib" fastapi_impl | sed 's/ -o [^ ]*//')"
second="$(compiled_with "$out/subdir" fastapi_impl | sed 's/ -o [^ ]*//')"
if [ -z "$first" ] || [ "$first" != "$second" ]; then
  printf '%s\n%s\n' "$first" "$second"
  echo "FAIL cmake consumer: the package's build and add_subdirectory compile fastapi_impl differently (above):" \
    "the library would be compiled twice"
  exit 1
fi
cmake --install "$out/lib" --prefix "$out/prefix" >/dev/null
mv "$out/prefix" "$out/moved"
prefix="$out/moved"
test -f "$prefix/include/fastapi.hpp"
lib="$(find "$prefix" -name libfastapi.a)"
pc_dir="$(dirname "$(find "$prefix" -name fastapi.pc)")"
[ -n "$lib" ] && [ -n "$pc_dir" ] ||
  { echo "FAIL cmake consumer: libfastapi.a or fastapi.pc was not installed"; exit 1; }
if grep -rn -e "$root" -e "$out" -e '/usr/include' -e '/usr/lib' "$prefix"/lib*/cmake "$pc_dir"; then
  echo "FAIL cmake consumer: the installed package names paths of the machine that built it (above)"; exit 1
fi
cmake -S tests/cmake/consumer -B "$out/pkg" -G Ninja "${launcher[@]}" -DFASTAPI_MODE=find_package \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
# One program first: the second's compile is the same, a ccache hit after it (not beside it).
cmake --build "$out/pkg" --target consumer >/dev/null
cmake --build "$out/pkg" >/dev/null
mkdir -p "$out/pc"
# shellcheck disable=SC2046
g++ -std=c++20 tests/cmake/consumer/main.cpp -o "$out/pc/consumer" \
  $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs fastapi)
wait "$subdir_pid" || { echo "FAIL cmake consumer: the add_subdirectory build failed"; exit 1; }
for t in "subdir consumer" "pkg consumer" "pkg consumer_impl"; do
  set -- $t
  [[ "$(compiled_with "$out/$1" "$2")" == *-DFASTAPI_SEPARATE_COMPILATION* ]] ||
    { echo "FAIL cmake consumer: $1/$2 was not built against the library compiled once"; exit 1; }
done
[[ "$(compiled_with "$out/subdir" consumer_header_only)" != *-DFASTAPI_SEPARATE_COMPILATION* ]] ||
  { echo "FAIL cmake consumer: fastapi::header_only compiled with -DFASTAPI_SEPARATE_COMPILATION"; exit 1; }
for program in subdir/consumer subdir/consumer_header_only pkg/consumer pkg/consumer_impl pc/consumer; do
  "$out/$program" >"$out/$program.log" 2>&1 ||
    { cat "$out/$program.log"; echo "FAIL cmake consumer: $program failed"; exit 1; }
done
echo "cmake consumer: add_subdirectory (fastapi::fastapi compiled once, fastapi::header_only), the installed" \
  "package moved elsewhere (find_package: fastapi::fastapi, fastapi::impl) and pkg-config build and run"
