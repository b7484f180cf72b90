#!/usr/bin/env bash
# tests/docs/run_recipes.sh: runs every ```sh / ```bash block of README.md and docs/compile_time.md exactly
# as written, each in a fresh scratch directory laid out as the README says (fastapi.hpp beside app.cpp,
# plus the fastapi_impl.cpp of docs/compile_time.md), then starts the program it built with --port 0 and
# sends it a model: a recipe that builds a binary which crashes, or that silently skips its precompiled
# header, fails here.
#
# A block is preceded by a marker line that says what to do with it:
#   <!-- recipe-test: run build/app -->                       run the block, then test build/app
#   <!-- recipe-test: run build/app; pch-used fastapi.hpp.gch --> and check that g++ used that .gch (-H)
#   <!-- recipe-test: run build/app; impl-check build/fastapi_impl.o -->  and check that a file built with
#        another simdjson configuration than that object fails to link, with the sentence
#   <!-- recipe-test: skip (why) -->                         not meant to run here (apt-get, the repo's scripts)
# A sh/bash block without a marker is an error: every recipe says what it is.
#
# Usage: bash tests/docs/run_recipes.sh [file.md ...]      (default: README.md docs/compile_time.md)
#   FASTAPI_RECIPE_HEADER=path   the header to test (default: the generated fastapi.hpp)
#   FASTAPI_RECIPE_JOBS=N        blocks built side by side (default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
header="${FASTAPI_RECIPE_HEADER:-$root/fastapi.hpp}"
jobs="${FASTAPI_RECIPE_JOBS:-2}"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(README.md docs/compile_time.md)

work="$(mktemp -d "${TMPDIR:-/tmp}/fastapi-recipes.XXXXXX")"
cleanup() {
  local f
  for f in "$work"/block*/pid; do   # an app left running by a block that failed half-way, by its pid
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the blocks, their markers, and fastapi_impl.cpp, read from the markdown --------------------------
python3 - "$work" "${files[@]}" <<'PY'
import os, re, sys
work, files = sys.argv[1], sys.argv[2:]
marker = re.compile(r"^<!--\s*recipe-test:\s*(.*?)\s*-->\s*$")
n, impl, errors = 0, None, []
for f in files:
    lines = open(f, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        lang, start = fence.group(1), i
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        body = lines[start + 1 : j]
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        m = marker.match(lines[k]) if k >= 0 else None
        where = f"{f}:{start + 1}"
        if lang == "cpp" and body and body[0].startswith("// fastapi_impl.cpp"):
            impl = "\n".join(body) + "\n"
        if lang in ("sh", "bash"):
            if not m:
                errors.append(f"{where}: a ```{lang} block without a <!-- recipe-test: run <binary> --> "
                              "or <!-- recipe-test: skip (why) --> line before it")
            elif not m.group(1).startswith("skip"):
                n += 1
                d = os.path.join(work, f"block{n:02d}")
                os.makedirs(d)
                open(os.path.join(d, "recipe.sh"), "w").write("\n".join(body) + "\n")
                open(os.path.join(d, "marker"), "w").write(m.group(1) + "\n")
                open(os.path.join(d, "where"), "w").write(where + "\n")
        i = j + 1
if impl is None:
    errors.append("docs/compile_time.md: no ```cpp block starting with // fastapi_impl.cpp")
else:
    open(os.path.join(work, "fastapi_impl.cpp"), "w").write(impl)
if errors:
    sys.exit("\n".join(errors))
PY

# ---- the app every recipe builds: a model in, a model out, 422 for a bad one --------------------------
# (An optional field, as most models have: its schema's default goes through fa::Json::parse at startup,
# where simdjson parsers of two layouts crashed the separate-compilation recipe.)
cat >"$work/app.cpp" <<'CPP'
#include "fastapi.hpp"
#include <optional>
#include <string>
namespace fa = fastapi;

struct Item {
  std::string name;
  double price = 0;
  fa::Field<int, fa::Rule{.ge = 1}> quantity;
  std::optional<std::string> note;
};
struct Total {
  std::string name;
  double total = 0;
};

int main(int argc, char** argv) {
  fa::App app;
  app.post("/orders/", [](fa::Body<Item> item) { return Total{item->name, item->price * item->quantity}; });
  return app.run(argc, argv);
}
CPP

# ---- compiler shims: the recipe's own command, plus -H where a block promises a .gch (tests/docs/recipe_cc.sh) --
mkdir -p "$work/shim"
for cc in g++ clang++; do
  real="$(command -v "$cc" || true)"
  [ -n "$real" ] || continue
  printf '#!/usr/bin/env bash\nexec "%s" "%s" "$@"\n' "$root/tests/docs/recipe_cc.sh" "$real" >"$work/shim/$cc"
  chmod +x "$work/shim/$cc"
done

# ---- one block: build as written, check the .gch, run the binary with a model --------------------------
run_block() {
  local d="$1" where marker binary pch="" port pid status answer
  where="$(cat "$d/where")"
  marker="$(cat "$d/marker")"
  binary="$(sed -n 's/^run \([^;]*\).*/\1/p' <<<"$marker")"
  [[ "$marker" == *"pch-used "* ]] && pch="$(sed -n 's/.*pch-used \([^ ;]*\).*/\1/p' <<<"$marker")"
  [ -n "$binary" ] || { echo "FAIL $where: marker '$marker' names no binary to run"; return 1; }
  cp "$header" "$d/fastapi.hpp"
  cp "$work/app.cpp" "$work/fastapi_impl.cpp" "$d/"
  local env=(PATH="$work/shim:$PATH")
  [ -n "$pch" ] && env+=(FASTAPI_RECIPE_H_LOG="$d/headers.log")
  if ! (cd "$d" && env "${env[@]}" bash -euo pipefail recipe.sh) >"$d/build.log" 2>&1; then
    echo "FAIL $where: the recipe did not build:"
    sed 's/^/    /' "$d/recipe.sh"
    grep -v '^\.\+ \|^[!x] ' "$d/build.log" | tail -n 30
    return 1
  fi
  if grep -q "warning: .*\.gch" "$d/build.log"; then
    echo "FAIL $where: the precompiled header was not valid:"; grep "\.gch" "$d/build.log"; return 1
  fi
  if [ -n "$pch" ] && ! grep -q "^! .*$pch\$" "$d/headers.log"; then
    echo "FAIL $where: g++ did not use $pch (first lines of -H):"; head -n 3 "$d/headers.log"; return 1
  fi
  # Run it: port 0, bounded wait for its "Listening on" line, a model, a bad model, SIGTERM by pid.
  (cd "$d" && exec "./${binary#./}" --port 0) >"$d/run.log" 2>&1 &
  pid=$!
  echo "$pid" >"$d/pid"
  port=""
  for _ in $(seq 1 400); do   # up to 20 s for the line (a polled file: the app's stdout stays open)
    port="$(sed -n 's|^Listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$d/run.log")"
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$port" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" && status=0 || status=$?
    rm -f "$d/pid"
    echo "FAIL $where: $binary did not start (exit status $status):"; tail -n 20 "$d/run.log"; return 1
  fi
  answer="$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
    -d '{"name":"Foo","price":2.5,"quantity":4}' "http://127.0.0.1:$port/orders/" -w ' %{http_code}' || true)"
  local bad
  bad="$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
    -d '{"name":"Foo","price":"x","quantity":0}' "http://127.0.0.1:$port/orders/" -w ' %{http_code}' || true)"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" && status=0 || status=$?
  rm -f "$d/pid"
  if [ "$answer" != '{"name":"Foo","total":10.0} 200' ]; then
    echo "FAIL $where: POST /orders/ answered '$answer' (exit status $status):"; tail -n 20 "$d/run.log"; return 1
  fi
  if [[ "$bad" != *'"loc":["body","price"]'*'"loc":["body","quantity"]'*' 422' ]]; then
    echo "FAIL $where: a bad model answered '$bad' (exit status $status)"; return 1
  fi
  if [ "$status" != 0 ]; then
    echo "FAIL $where: $binary exited with status $status after SIGTERM:"; tail -n 20 "$d/run.log"; return 1
  fi
  if [[ "$marker" == *"impl-check "* ]]; then
    # The object the recipe built, linked with a file that gives simdjson another configuration.
    local obj
    obj="$(sed -n 's/.*impl-check \([^ ;]*\).*/\1/p' <<<"$marker")"
    printf '#include "fastapi.hpp"\nint main() { return 0; }\n' >"$d/other.cpp"
    if (cd "$d" && g++ -std=c++20 -O0 -DFASTAPI_SEPARATE_COMPILATION -DSIMDJSON_DEVELOPMENT_CHECKS=1 \
          other.cpp "$obj" -o other -lsimdjson -pthread) >"$d/other.log" 2>&1; then
      echo "FAIL $where: a file with SIMDJSON_DEVELOPMENT_CHECKS=1 linked with $obj"; return 1
    fi
    if ! grep -q "configuration_of_fastapi_impl_differs::simdjson_threads_on_development_checks_on" "$d/other.log"; then
      echo "FAIL $where: the configuration mismatch did not fail with its sentence:"; tail -n 5 "$d/other.log"; return 1
    fi
  fi
  echo "ok   $where: $(head -n 1 "$d/recipe.sh" | cut -c1-70)... built, used ${pch:-no .gch}, served a model"
}

blocks=("$work"/block*)
[ -e "${blocks[0]}" ] || { echo "recipes: no runnable block found in ${files[*]}"; exit 1; }
failed=0
running=()
for d in "${blocks[@]}"; do
  run_block "$d" >"$d/result" 2>&1 &
  running+=($!)
  if [ ${#running[@]} -ge "$jobs" ]; then
    wait "${running[0]}" || failed=1
    running=("${running[@]:1}")
  fi
done
for p in "${running[@]}"; do wait "$p" || failed=1; done
for d in "${blocks[@]}"; do cat "$d/result"; done
if [ "$failed" != 0 ]; then
  echo "recipes: some documented build recipes fail (above)"
  exit 1
fi
echo "recipes: ${#blocks[@]} documented build recipes build, and their programs serve a model"
