#!/usr/bin/env bash
# tests/cmake/run.sh: configures, builds and runs tests/cmake/consumer with add_subdirectory and, after
# `cmake --install` into a scratch prefix, with find_package(fastapi CONFIG); with add_subdirectory also
# against fastapi::impl (separate compilation).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="$root/build/cmake-consumer"
rm -rf "$out"
mkdir -p "$out"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# The two consumers are built side by side (one translation unit each).
# 1. add_subdirectory
(cmake -S tests/cmake/consumer -B "$out/subdir" -G Ninja "${launcher[@]}" -DFASTAPI_MODE=add_subdirectory \
  -DFASTAPI_SOURCE="$root" >/dev/null && cmake --build "$out/subdir" >/dev/null) &
subdir_pid=$!
trap 'wait' EXIT   # a failure below still lets the background build end before the script does
# 2. install, then find_package
cmake -S . -B "$out/lib" -G Ninja -DFASTAPI_BUILD_TESTS=OFF -DFASTAPI_BUILD_EXAMPLES=OFF >/dev/null
cmake --install "$out/lib" --prefix "$out/prefix" >/dev/null
test -f "$out/prefix/include/fastapi.hpp"
cmake -S tests/cmake/consumer -B "$out/pkg" -G Ninja "${launcher[@]}" -DFASTAPI_MODE=find_package \
  -DCMAKE_PREFIX_PATH="$out/prefix" >/dev/null
cmake --build "$out/pkg" >/dev/null
wait "$subdir_pid" || { echo "cmake consumer: the add_subdirectory build failed"; exit 1; }
"$out/subdir/consumer"
"$out/subdir/consumer_separate"
"$out/pkg/consumer"
echo "cmake consumer: add_subdirectory (header-only and fastapi::impl) and find_package build and run"
