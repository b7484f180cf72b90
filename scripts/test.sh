#!/usr/bin/env bash
# scripts/test.sh: quick-start command 2, the whole test suite (CI runs exactly this through .ci/run).
# Installs what is missing, then: the single header is fresh, and so is json/reflect.hpp's generated ladder; the
# C++ follows .clang-format (scripts/format.sh --check); no header includes a later station
# (scripts/include_graph.py); the amalgamator's own tests; the tests built against the single header with
# g++ (the library compiled once at -O2 -DNDEBUG), the README's CMake build (the examples, linking that library;
# the tutorial's pages g++ -fsyntax-only), and against the modular headers with clang++ in Debug under
# AddressSanitizer + UndefinedBehaviorSanitizer (-Wall -Wextra -Werror; with each module compiled alone);
# compile-fail checks (clang++ all, g++ most; each with a precompiled header; and the old spellings that must
# compile with a warning naming the new one); a CMake consumer both ways; the
# fuzzers for a bounded time; Starlette's CORS table; the OpenAPI checks (npm validator, FastAPI twin, headless
# Chromium); the interop checks (npm's ws and Chromium against the realtime and files examples,
# scripts/interop_checks.sh); the documented recipes, the deployment files, the edit loop; both test binaries
# run, the sanitized one last. Ends with doctest's summary line. Every C++ block of README.md and docs/ compiles
# or is marked a fragment (tests/docs/check_doc_snippets.py; docs/tutorial/: check_tutorial_snippets.py).
# Budget: 15 minutes on 2 quiet cores (docs/testing.md: where the time goes, scripts/suite_times.sh to see it).
# The steps that do not wait for each other run side by side: a step started in the background says so on
# its start line, and its whole output is shown when it ends (also in build/logs/<step>.log); a failed one fails
# the run, and the last line names it. Each test binary runs as FASTAPI_TEST_SHARDS processes (default 4), each
# the tests of some folders (doctest -sf / -sfe), their outputs shown one after the other.
# CPU seconds of every step and of every compiled file land in build/times/ (scripts/suite_times.sh prints them).
# Environment: FASTAPI_FUZZ_SECONDS (default 2 per target, after the replay of its whole corpus; a longer search:
# `bash tests/fuzz/run.sh`, 60 s each),
# FASTAPI_JOBS (default: nproc),
# FASTAPI_TEST_TIME_SCALE (default 2 here, as steps run side by side; 1 when a test binary is run alone):
# multiplies every wall-clock bound the tests check ("answered within 1 s"; tests/support/time_scale.hpp), e.g.
# 3 on a busy 2-core machine; the tests wait for events, not sleeps.
# FASTAPI_COMPILE_FAIL_COMPILERS (default "g++ clang++").
# CI=true: a check that cannot run fails the run instead of being skipped (the OpenAPI validator, the FastAPI
# twin, Chromium, Node's ws, Starlette's CORS comparison, the gzip tests, which need zlib, and the clang-format check).
# Without it a missing tool gives a loud SKIPPED line and the run goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
mkdir -p build/logs build/times
rm -f build/times/*.tsv build/times/*.times
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }
# timed NAME CMD...: runs CMD in a subshell and appends "NAME<TAB>cpu-seconds<TAB>start<TAB>end" to
# build/times/steps.tsv (user+sys of everything it ran: fork resets a subshell's children's times).
timed() {
  local name=$1 t0=$((SECONDS - start))
  shift
  (
    # `times` itself, not in a pipe (a forked shell starts again from zero).
    trap 'times >"build/times/$name.times"; awk -v n="$name" -v t0="$t0" -v t1=$((SECONDS - start)) '"'"'
      function s(x) { split(x, p, "m"); return p[1] * 60 + p[2] }
      { cpu += s($1) + s($2) } END { printf "%s\t%.1f\t%d\t%d\n", n, cpu, t0, t1 }'"'"' \
      "build/times/$name.times" >>build/times/steps.tsv' EXIT
    "$@"
  )
}
# Background steps: `background NAME TITLE CMD...` starts one (its output in build/logs/NAME.log); `collect
# NAME...` waits for them and shows each one's output whole. A failed one is remembered, and fails the run at the end.
declare -A bg_pid=() bg_title=()
failed_steps=()
background() {
  local name=$1 title=$2
  shift 2
  step "$title [in the background; its output is shown when it ends]"
  timed "$name" "$@" >"build/logs/$name.log" 2>&1 &
  bg_pid[$name]=$!
  bg_title[$name]=$title
}
collect() {
  local name status
  for name; do
    [ -n "${bg_pid[$name]:-}" ] || continue
    if wait "${bg_pid[$name]}"; then status=passed; else status="FAILED (exit $?)"; failed_steps+=("$name"); fi
    printf '\n== %s: %s, ended by %ds; its output (build/logs/%s.log):\n' "${bg_title[$name]}" "$status" \
      $((SECONDS - start)) "$name"
    cat "build/logs/$name.log" 2>/dev/null || true
    unset "bg_pid[$name]"
  done
}
# A run that stops early (set -e) ends the background steps it started, each by its pid and its children by theirs.
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
on_exit() {
  local name
  for name in "${!bg_pid[@]}"; do
    echo "!! stopping the background step ${bg_title[$name]} (its output so far: build/logs/$name.log)"
    kill_tree "${bg_pid[$name]}"
  done
}
trap on_exit EXIT

step "setup"
bash scripts/setup.sh test
# Steps run side by side (a test binary beside a build, two test processes at once): every wall-clock bound the
# tests check is doubled unless FASTAPI_TEST_TIME_SCALE says otherwise.
export FASTAPI_TEST_TIME_SCALE="${FASTAPI_TEST_TIME_SCALE:-2}"
jobs="${FASTAPI_JOBS:-$(nproc)}"
# Every compile goes through scripts/cpu_launcher.sh, which logs its CPU seconds when FASTAPI_CPU_LOG is set
# (build/times/<tree>.tsv; scripts/suite_times.sh), then through scripts/syntax_cache.sh (a -fsyntax-only compile
# that passed before, with the same flags and the same preprocessed source, passes again without compiling: each
# module alone), then through ccache when there is one.
launcher="$PWD/scripts/cpu_launcher.sh;$PWD/scripts/syntax_cache.sh"
if command -v ccache >/dev/null; then
  launcher="$launcher;ccache"
  # Paths relative to the checkout and precompiled headers accepted, so a fresh clone reuses the cache.
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
  export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
fi

step "the committed fastapi.hpp matches include/"
python3 single_include_build.py --check

step "reflect.hpp's visit_members ladder matches its generator"
python3 scripts/gen_reflect_ladder.py --check

step "the C++ follows .clang-format (clang-format 14)"
if command -v clang-format-14 >/dev/null || command -v clang-format >/dev/null; then
  bash scripts/format.sh --check
elif [ "${CI:-}" = true ]; then
  echo "clang-format not found (CI=true: no check may be skipped; bash scripts/setup.sh test installs it)"; exit 1
else
  echo "!! SKIPPED (would fail with CI=true): clang-format not found, the layout is not checked"
fi

step "no header includes one of a later station (the include graph, by station)"
python3 scripts/include_graph.py --stations

# The tools' own tests (~45 s of one core): beside the builds (background, below) instead of before them.
tool_tests() {
  local status=0 t
  for t in tests/tools/test_single_include_build.py tests/tools/test_include_graph.py tests/tools/test_macros.py \
    tests/tools/test_syntax_cache.py tests/tools/test_self_contained_layers.py tests/tools/test_asio_split.py \
    tests/tools/test_key_functions.py \
    tests/docs/test_check_doc_snippets.py; do
    echo "-- $t"
    { nice -n 5 python3 "$t" 2>&1 | tail -n 3; } || { echo "FAIL $t (its last lines above)"; status=1; }
  done
  return $status
}

step "the tutorial's C++ excerpts are verbatim in its programs (tests/docs/check_tutorial_snippets.py)"
python3 tests/docs/check_tutorial_snippets.py

# With CI=true the gzip tests may not be compiled out: FASTAPI_ENABLE_GZIP=ON makes CMake fail without zlib.
gzip=()
[ "${CI:-}" = true ] && gzip=(-DFASTAPI_ENABLE_GZIP=ON -DFASTAPI_ENABLE_TLS=ON)  # and TLS: CMake fails without OpenSSL
configure() {  # tree compiler build-type extra-args...
  local tree=$1 cxx=$2 type=$3
  shift 3
  # Linked by lld (Debian's lld, scripts/setup.sh test): the sanitized test binary links in ~1.6 s of CPU instead
  # of ~6 with GNU ld (17.7 s -> 3.6 s of wall on a busy machine), and each tree's link is the last step of its build.
  local lld=()
  command -v ld.lld >/dev/null && lld=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld)
  cmake -S . -B "build/$tree" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" "${gzip[@]}" "${lld[@]}" "$@" >/dev/null
  if grep -q '^FASTAPI_ENABLE_GZIP:BOOL=OFF' "build/$tree/CMakeCache.txt"; then
    echo "!! SKIPPED (would fail with CI=true): zlib not found, the gzip tests are compiled out of build/$tree"
  fi
  if grep -q '^FASTAPI_ENABLE_TLS:BOOL=OFF' "build/$tree/CMakeCache.txt"; then
    echo "!! SKIPPED (would fail with CI=true): OpenSSL not found, the TLS tests are compiled out of build/$tree"
  fi
}

# Each face of the headers is built once, each by one compiler: the single header by g++ (with the
# examples), the modular headers by clang++ under the sanitizers (and every module alone). The steps that need
# neither build run beside them, at a lower priority (nice), so the builds are what the cores do first.
# The steps that need none of our builds: at a lower priority (nice), so they fill what the builds leave idle.
independent_checks() {
  local status=0
  step "compile-fail checks (g++ and clang++: the static_assert's own message; an old spelling's warning)"
  FASTAPI_COMPILE_FAIL_COMPILERS="${FASTAPI_COMPILE_FAIL_COMPILERS:-g++ clang++}" \
    nice -n 5 bash tests/compile_fail/run.sh "$jobs" || status=1
  step "CMake consumer: add_subdirectory and find_package"
  nice -n 5 bash tests/cmake/run.sh || status=1
  step "fuzzers"   # not niced: each runs for a wall-clock time, and should get its CPU in it
  # Built at -O0 (FASTAPI_FUZZ_OPT): 26 CPU-s instead of 64 at -O1, for a 2 s search a target.
  FASTAPI_FUZZ_OPT="${FASTAPI_FUZZ_OPT:--O0}" bash tests/fuzz/run.sh "${FASTAPI_FUZZ_SECONDS:-2}" || status=1
  step "CORS: our case table is Starlette's behaviour"
  python3 tests/middleware/cors_vs_starlette.py || status=1
  return $status
}
# The steps that drive the g++ tree's programs (the examples, the OpenAPI feature app).
program_checks() {
  local status=0
  step "OpenAPI: the documents validate, match FastAPI's twin, and /docs and /redoc work in Chromium"
  bash scripts/openapi_checks.sh build/gcc || status=1
  step "interop: Node's ws client and headless Chromium (WebSocket, EventSource, a form upload) against examples 20 and 21"
  bash scripts/interop_checks.sh build/gcc || status=1
  step "deployment: deploy/ matches docs/deployment.md and its tools; a rolling restart behind nginx loses no request"
  { bash tests/deploy/check_deploy.sh && python3 tests/deploy/rolling_restart.py build/gcc &&
    python3 tests/deploy/rolling_restart.py build/gcc --uds; } || status=1
  step "the documented build recipes (README.md, docs/compile_time.md), run as written; their programs serve a model"
  FASTAPI_RECIPE_JOBS=1 FASTAPI_RECIPE_CCACHE=1 bash tests/docs/run_recipes.sh || status=1
  step "the edit loop: scripts/dev.sh rebuilds and restarts the app on save, and a broken build keeps the old one serving"
  python3 tests/tools/test_dev_loop.py || status=1
  return $status
}

# A test binary runs as FASTAPI_TEST_SHARDS processes (1, 2 or 4; default 4), side by side, each the tests of some
# folders (doctest -sf), the last every other test (-sfe): together each test exactly once. Part of a run is
# waiting (timeouts, slow clients, drains), so four processes on two cores end sooner than two: the sanitized
# run, the suite's last step, 76 s -> 61 s of wall in a cold run (docs/testing.md, session 13; the groups below
# are balanced by scripts/suite_times.sh's folder shares: http 22% of the ASan run, core 19%, regression 13%...).
# The tutorial's tests are in the sanitized binary only (CMakeLists.txt: fastapi_tutorial_syntax compiles the pages
# in the g++ tree): its folder is named for that run alone, with the lightest group (1-2% of a run).
shard_groups() {  # LABEL: one line per process but the last: its folders
  local tutorial=" tutorial"
  [ "$1" = single ] && tutorial=""
  case "${FASTAPI_TEST_SHARDS:-4}" in
    1) ;;
    2) echo "examples http client websocket" ;;
    *) printf '%s\n' "http params middleware" "core di openapi security routing testing$tutorial" "regression examples json" ;;
  esac
}
folder_filter() { local f filter=""; for f in $1; do filter+="${filter:+,}*/tests/$f/*"; done; echo "$filter"; }
run_tests() {  # LABEL BINARY: outputs in build/logs/tests_LABEL.N.log, exit codes in .N.status; fails if any fails
  local label=$1 binary=$2 all="" group pids=() status=0 i parts=()
  rm -f "build/logs/tests_$label".*
  while read -r group; do
    [ -n "$group" ] || continue
    parts+=("-sf=$(folder_filter "$group")")
    all+="${all:+ }$group"
  done < <(shard_groups "$label")
  parts+=("${all:+-sfe=$(folder_filter "$all")}")
  for i in "${!parts[@]}"; do
    { "$binary" --duration=true ${parts[$i]:+"${parts[$i]}"} >"build/logs/tests_$label.$((i + 1)).log" 2>&1 &&
        echo 0 || echo $?; } >"build/logs/tests_$label.$((i + 1)).status" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i"; done
  for i in "build/logs/tests_$label".*.status; do [ "$(cat "$i")" = 0 ] || status=1; done
  return $status
}
show_tests() {  # LABEL: each process's output (without --duration's "<seconds> s: <test>" lines), then one
  local label=$1 log part bad n=0 groups=()  # summary for all of them, in doctest's words
  mapfile -t groups < <(shard_groups "$label")
  for log in "build/logs/tests_$label".*.log; do
    n=$((n + 1))
    part="every test"
    [ ${#groups[@]} -gt 0 ] && part="the tests of every other folder"
    [ $n -le ${#groups[@]} ] && part="the tests of tests/{${groups[$((n - 1))]// /,}}/"
    printf '\n-- %s: %s\n' "$log" "$part"
    grep -vE '^[0-9]+\.[0-9]+ s: ' "$log" || true
  done
  [ ${#groups[@]} -gt 0 ] || return 0
  printf '\n-- %s, all its processes together:\n' "$label"
  # A process that died (a sanitizer's report, a crash) prints no summary: its exit status fails the whole.
  for log in "build/logs/tests_$label".*.status; do
    [ "$(cat "$log")" = 0 ] || echo "[doctest] ${log%.status}.log: the process exited with status $(cat "$log")"
  done
  cat "build/logs/tests_$label".*.status | awk '$1 != 0 { bad = 1 } END { exit bad }' && bad=0 || bad=1
  awk -v bad="$bad" '/^\[doctest\] test cases:/ { gsub(/\|/, " "); n += $4; p += $5; f += $7; all = $4 + $9 }
       /^\[doctest\] assertions:/ { gsub(/\|/, " "); an += $3; ap += $4; af += $6 }
       END { printf "[doctest] test cases: %d | %d passed | %d failed | %d skipped\n", n, p, f, all - n
             printf "[doctest] assertions: %d | %d passed | %d failed |\n", an, ap, af
             printf "[doctest] Status: %s\n", (bad || f > 0 || n == 0) ? "FAILURE!" : "SUCCESS!" }' \
    "build/logs/tests_$label".*.log
}
# The failures once more, at the very end (a CI page shows a run's last lines, and a test binary's output is long):
# each failed assertion, crash or sanitizer report of any log, with the test case it happened in and 6 lines after.
show_failures() {
  printf '\n== the failures, from build/logs/ (the whole output of each step is above)\n'
  awk 'FNR == 1 { tc = ""; shown = 0 }
       /^TEST CASE:/ { tc = $0 }
       /\.(cpp|hpp|h):[0-9]+: (FATAL )?ERROR:|^==[0-9]+==ERROR:|runtime error:|^FAIL |FAILED: |invariant broken|^!! .*(crashed|failed)|^\[doctest\] .*: the process exited/ {
         if (shown++ < 12) { print "-- " FILENAME (tc != "" ? " (" tc ")" : ""); after = 6 }
       }
       after > 0 { print; after-- }' build/logs/*.log 2>/dev/null | head -n 200 || true
}
run_single_tests() { run_tests single build/gcc/fastapi_tests_single; }
run_asan_tests() {
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
  run_tests asan build/asan/fastapi_tests_modular
}

background tool_tests "amalgamator and include-graph tests, the header's internal macros are undone, the tools' tests" \
  tool_tests
background independent "compile-fail checks, a CMake consumer, the fuzzers, Starlette's CORS table" \
  independent_checks
# One clang++ -fsyntax-only of the umbrella and every C++ block of README.md and docs/ (~20 s of CPU), beside the builds.
background doc_snippets "the C++ blocks of README.md and docs/ compile, or are marked fragments" \
  env FASTAPI_DOCS_CXX="$PWD/scripts/syntax_cache.sh clang++" nice -n 5 python3 tests/docs/check_doc_snippets.py

step "build with g++ (tests against the single header, examples)"
# At -O2 (its warnings): the examples that between them use every station (models, dependencies, security, the
# client, middleware) and the OpenAPI feature app; the others at -O0. Every program links the library compiled
# once (fastapi::fastapi, the README's CMake build; the library itself at -O2 with every warning): a header-only
# program compiles the whole library again (~61 s at -O2, ~35 s at -O0), and header-only builds are proven
# elsewhere, as written: the README's `g++ -std=c++20 -O2 app.cpp` recipe (tests/docs/run_recipes.sh) and the
# CMake consumer's fastapi::header_only program (tests/cmake/run.sh). users_api was built header-only here until
# session 15 (75 s of CPU; ~25 s linking the library).
# The single header's suite (separate compilation): the library (fastapi_impl) at -O2 -DNDEBUG -g0, as users
# build it (FASTAPI_TESTS_O2); the tests' own files at -O0 (FASTAPI_TESTS_OPT): a batch of test files costs half
# the CPU of -O2 (docs/testing.md), and the code under test is the library's, at -O2.
# The sanitized modular suite keeps the Debug build and its assertions.
# No debug information in this tree (-g0): nothing here is debugged; the sanitized tree has line tables.
# 24 test files a batch, as the ASan tree: each batch parses the whole header again (~11 s of g++).
# The tutorial's pages: g++ -fsyntax-only, all in one file (fastapi_tutorial_syntax, which fastapi_tests_single
# depends on); their tests are built and run in the sanitized tree only.
configure gcc g++ Debug -DFASTAPI_SELF_CONTAINED_CHECK=OFF -DFASTAPI_TESTS_O2=ON -DFASTAPI_TESTS_OPT=-O0 \
  -DCMAKE_CXX_FLAGS_DEBUG=-g0 -DFASTAPI_UNITY_BATCH_SIZE=24 \
  -DFASTAPI_EXAMPLES_O2="users_api;13_calling_services;10_middleware" \
  -DFASTAPI_EXAMPLES_HEADER_ONLY=""
timed build_gcc env FASTAPI_CPU_LOG="$PWD/build/times/gcc.tsv" \
  cmake --build "build/gcc" -j "$jobs" --target fastapi_tests_single openapi_feature_app

background single_tests "tests: gcc/fastapi_tests_single (FASTAPI_TEST_SHARDS processes)" run_single_tests
background programs "OpenAPI, deployment, the documented recipes, the edit loop (the g++ tree's programs)" \
  program_checks

step "build with clang++ -fsanitize=address,undefined (tests against the modular headers, each module alone)"
# The examples are not built twice: the sanitized tests drive the g++ tree's binaries. Debug information is
# line tables only (-gline-tables-only): what the sanitizers' stack traces need, at a fraction of -g's cost.
# 24 test files a batch. The tree is header-only, but no batch compiles the library's inline code again: the
# target's precompiled header (tests/support/modular_pch.hpp, -fpch-codegen) has an object that holds it once
# (CMakeLists.txt; docs/testing.md, session 13: the target 450 -> 363 CPU-s).
configure asan clang++ Debug -DFASTAPI_SANITIZE=ON -DFASTAPI_BUILD_EXAMPLES=OFF \
  -DFASTAPI_EXAMPLES_BIN_DIR="$PWD/build/gcc" -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DFASTAPI_UNITY_BATCH_SIZE=24
timed build_asan env FASTAPI_CPU_LOG="$PWD/build/times/asan.tsv" \
  cmake --build "build/asan" -j "$jobs" --target fastapi_tests_modular fastapi_self_contained

step "tests: asan/fastapi_tests_modular (FASTAPI_TEST_SHARDS processes; shown last: its summary closes the output)"
asan_status=0
timed tests_asan run_asan_tests || asan_status=$?

collect tool_tests independent doc_snippets programs single_tests
show_tests single
step "tests: asan/fastapi_tests_modular"
show_tests asan
[ "$asan_status" = 0 ] || failed_steps+=(tests_asan)
if [ ${#failed_steps[@]} -gt 0 ]; then
  show_failures
  printf '\n== FAILED: %s (their output above; build/logs/)\n' "${failed_steps[*]}"
  exit 1
fi
