#!/usr/bin/env bash
# scripts/dev.sh: the edit loop, as FastAPI's `fastapi dev` (uvicorn --reload): builds app.cpp with the fast
# recipe, runs it, and on every save rebuilds it and restarts it.
#
# Usage: bash scripts/dev.sh [--build-only] app.cpp [the app's arguments: --port 0, --host H, -- its own...]
#
# The fast recipe (docs/compile_time.md): separate compilation (-DFASTAPI_SEPARATE_COMPILATION), the library's
# functions compiled once into fastapi_impl.o, plus a precompiled header of fastapi.hpp (g++: a .gch; clang++: a
# .pch with -fpch-instantiate-templates -fpch-codegen and its object). Both are built once and cached under
# .fastapi-cache/<key>/ beside app.cpp, the key being a hash of fastapi.hpp's bytes, the compiler (path and
# version) and the flags: a changed header, compiler or flag builds them again. A rebuild then compiles only
# app.cpp against the PCH and links (with lld when installed).
#
# The loop: the source files (app.cpp, the headers of its own it includes, as the compiler's -MMD lists them,
# and fastapi.hpp) are watched with inotifywait (Debian's inotify-tools), or polled every half second when it
# is missing. On a change: rebuild; only when the build succeeded is the running app stopped (SIGTERM: its
# graceful drain) and the new one started, on the same port (with --port 0, the port the first run picked). A
# failed build leaves the old app serving and prints the compiler's first error. Ctrl-C (SIGINT or SIGTERM to
# this script) stops the app by its pid, the watcher and any build, then exits.
#
# Environment: CXX (default g++; clang++ works), CXXFLAGS (default -O0 -g1 -Wall -Wextra; -std=c++20, -pthread and
# -DFASTAPI_SEPARATE_COMPILATION are always added: every FASTAPI_* macro, e.g. -DFASTAPI_ENABLE_GZIP, goes
# here, so that the cached object sees it too), LDFLAGS, LDLIBS (e.g. -lz with FASTAPI_ENABLE_GZIP; -lsqlite3 for
# an app that uses SQLite, as examples/users_api.cpp: `LDLIBS=-lsqlite3 bash scripts/dev.sh examples/users_api.cpp`),
# FASTAPI_HPP (the header to use; default: beside app.cpp, else this checkout's fastapi.hpp),
# FASTAPI_DEV_WATCH=poll (poll even when inotifywait is installed), FASTAPI_DEV_CACHE (the cache directory
# instead of .fastapi-cache/ beside app.cpp; the tests share one across runs).
# --build-only: build (or find up to date) and print the binary's path, then exit: what bench/compile_time.sh times.
set -uo pipefail

info() { printf 'INFO:     %s\n' "$*" >&2; }
warn() { printf 'WARNING:  %s\n' "$*" >&2; }
error() { printf 'ERROR:    %s\n' "$*" >&2; }
usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

build_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
[ -f "$1" ] || { error "no such file: $1"; exit 2; }
app_src="$(realpath "$1")"
shift
app_args=("$@")
app_dir="$(dirname "$app_src")"
app_name="$(basename "$app_src" .cpp)"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---- the header, the compiler, the flags, and the cache key ------------------------------------------------
header="${FASTAPI_HPP:-}"
if [ -z "$header" ]; then
  for candidate in "$app_dir/fastapi.hpp" "$script_dir/../fastapi.hpp"; do
    [ -f "$candidate" ] && { header="$candidate"; break; }
  done
fi
[ -n "$header" ] && [ -f "$header" ] || { error "fastapi.hpp not found beside $app_src (or set FASTAPI_HPP)"; exit 2; }
header="$(realpath "$header")"
cxx="${CXX:-g++}"
cxx_path="$(command -v "$cxx")" || { error "compiler not found: $cxx"; exit 2; }
clang=0
"$cxx" --version 2>/dev/null | head -n 1 | grep -q clang && clang=1
read -r -a user_flags <<<"${CXXFLAGS:--O0 -g1 -Wall -Wextra}"
flags=(-std=c++20 "${user_flags[@]}" -pthread -DFASTAPI_SEPARATE_COMPILATION)
read -r -a ldflags <<<"${LDFLAGS:-}"
read -r -a ldlibs <<<"${LDLIBS:-}"
# lld links a -O0 app with its debug information several times faster than ld.bfd.
if command -v ld.lld >/dev/null && [[ " ${LDFLAGS:-} " != *" -fuse-ld="* ]]; then ldflags=(-fuse-ld=lld "${ldflags[@]}"); fi

cache="${FASTAPI_DEV_CACHE:-$app_dir/.fastapi-cache}"
mkdir -p "$cache" && cache="$(realpath "$cache")" || exit 1
key="$({
  echo "fastapi dev recipe 1"
  sha256sum <"$header"
  readlink -f "$cxx_path"
  "$cxx" --version 2>&1 | head -n 1
  printf '%s\n' "${flags[@]}"
} | sha256sum | cut -c1-16)"
kdir="$cache/$key"
# The app's own files: one directory per app (by its path: a shared FASTAPI_DEV_CACHE may see many app.cpp).
adir="$kdir/apps/$app_name-$(echo "$app_src" | sha256sum | cut -c1-8)"
bin="$adir/$app_name"
mkdir -p "$adir" || exit 1
echo "$app_src" >"$adir/source"
for f in "$kdir"/apps/*/source; do   # the files of apps whose source is gone (a deleted scratch directory)
  [ -f "$(cat "$f")" ] || rm -rf "$(dirname "$f")"
done

# ---- processes we started, stopped by their own pid -------------------------------------------------------
app_pid=""
build_pid=""
watch_pid=""
stop_pid() {  # pid: SIGTERM, then wait for it (the app's drain is bounded by its graceful_timeout, 30 s)
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 450; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "process $pid did not stop within 45 s of SIGTERM: killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
}
shutdown() {
  trap '' INT TERM
  [ -n "$build_pid" ] && stop_pid "$build_pid"
  [ -n "$app_pid" ] && stop_pid "$app_pid"
  [ -n "$watch_pid" ] && stop_pid "$watch_pid"
  rm -f "${port_file:-}"
  [ "$build_only" = 1 ] || info "Stopping reloader process [$$]"
  exit "${1:-0}"
}
trap 'shutdown 130' INT
trap 'shutdown 143' TERM

# Runs a command in the background and waits for it, so that Ctrl-C is handled at once (a trap runs during
# `wait`, not during a foreground command) and stops it by its pid.
run() {
  "$@" &
  build_pid=$!
  wait "$build_pid"
  local status=$?
  build_pid=""
  return $status
}

# Prints the compiler's (or linker's) first error from a log: the error line and the lines that belong to it
# (the source line and caret), without the notes and later errors.
first_error() {
  awk '
    !found && /(error|Error|ERROR)[: ]|undefined reference/ { found = 1; n = 0; print; next }
    found && (/^[^ ].*:[0-9]+:[0-9]+: / || /^In file included/ || /^[^ ]+: In / || n >= 8) { exit }
    found { print; n++ }
    END { if (!found) exit 1 }
  ' "$1" || tail -n 10 "$1"
}

# ---- the once-per-key parts: PCH (+ its object with clang) and fastapi_impl.o -------------------------------
build_library() {
  # One builder per key at a time (two apps of one directory share it); the others wait, then find it done.
  local lockfd t0 ok=1 pids=() pid
  exec {lockfd}>"$kdir/.lock"
  flock "$lockfd"
  if [ -f "$kdir/fastapi_impl.o" ] && [ -f "$kdir/library.ok" ]; then
    exec {lockfd}>&-
    return 0
  fi
  t0=$SECONDS
  info "Compiling fastapi.hpp once for $cxx and these flags: a precompiled header and fastapi_impl.o, cached in $(relative "$kdir") (a minute or two)"
  mkdir -p "$kdir/pch" "$kdir/src"
  cp "$header" "$kdir/pch/fastapi.hpp"   # the PCH's twin: g++ looks for fastapi.hpp.gch beside it
  cp "$header" "$kdir/src/fastapi.hpp"   # fastapi_impl.cpp's, without a PCH beside it
  printf '#define FASTAPI_IMPLEMENTATION\n#include "src/fastapi.hpp"\n' >"$kdir/fastapi_impl.cpp"
  (
    if [ "$clang" = 1 ]; then
      "$cxx" "${flags[@]}" -x c++-header "$kdir/pch/fastapi.hpp" -o "$kdir/pch/fastapi.hpp.pch" \
        -fpch-instantiate-templates -fpch-codegen &&
        "$cxx" "${flags[@]}" -c "$kdir/pch/fastapi.hpp.pch" -o "$kdir/pch_code.o"
    else
      "$cxx" "${flags[@]}" -x c++-header "$kdir/pch/fastapi.hpp" -o "$kdir/pch/fastapi.hpp.gch"
    fi
  ) >"$kdir/pch.log" 2>&1 &
  pids+=($!)
  "$cxx" "${flags[@]}" -c "$kdir/fastapi_impl.cpp" -o "$kdir/fastapi_impl.o" >"$kdir/impl.log" 2>&1 &
  pids+=($!)
  for pid in "${pids[@]}"; do
    build_pid=$pid
    wait "$pid" || ok=0
  done
  build_pid=""
  if [ "$ok" = 1 ]; then
    : >"$kdir/library.ok"
    info "Compiled fastapi.hpp's PCH and fastapi_impl.o in $((SECONDS - t0)) s"
  else
    error "Compiling fastapi.hpp failed (logs: $(relative "$kdir")/pch.log, impl.log). The first error:"
    cat "$kdir/pch.log" "$kdir/impl.log" >"$kdir/library.log"
    first_error "$kdir/library.log" >&2
    rm -f "$kdir/fastapi_impl.o"
  fi
  exec {lockfd}>&-
  # Keep the three most recently used keys (a .gch is ~300 MB): another compiler or flags make a new one.
  ls -1dt "$cache"/[0-9a-f]*/ 2>/dev/null | tail -n +4 | while read -r old; do
    [[ "$(basename "$old")" =~ ^[0-9a-f]{16}$ ]] && rm -rf "$old"
  done
  [ "$ok" = 1 ]
}

relative() {  # a path as the user reads it: relative below the current directory, else absolute
  case "$1" in "$PWD"/*) echo "${1#"$PWD"/}" ;; *) echo "$1" ;; esac
}

# ---- the app: compile app.cpp against the PCH, link, swap the binary in -----------------------------------
build_app() {
  local t0 pch_flags extra=() log="$adir/$app_name.log"
  build_library || return 1
  touch "$kdir"
  build_ms=0
  up_to_date && return 0
  t0=$(date +%s%N)
  if [ "$clang" = 1 ]; then
    pch_flags=(-include-pch "$kdir/pch/fastapi.hpp.pch")
    extra=("$kdir/pch_code.o")
  else
    pch_flags=(-Winvalid-pch -include "$kdir/pch/fastapi.hpp")
  fi
  # -I the header's directory: app.cpp's own #include "fastapi.hpp" must find a file (the PCH's include guard
  # then skips it).
  if run "$cxx" "${flags[@]}" "${pch_flags[@]}" -I"$(dirname "$header")" -MMD -MF "$adir/$app_name.d" \
       -c "$app_src" -o "$adir/$app_name.o" >"$log" 2>&1 &&
     run "$cxx" "${flags[@]}" "${ldflags[@]}" "$adir/$app_name.o" "$kdir/fastapi_impl.o" "${extra[@]}" \
       -o "$bin.new" -lsimdjson "${ldlibs[@]}" >>"$log" 2>&1 &&
     mv -f "$bin.new" "$bin"; then
    grep -v '^$' "$log" >&2   # the warnings, if any
    build_ms=$((($(date +%s%N) - t0) / 1000000))
    return 0
  fi
  return 1
}

# The binary is newer than fastapi_impl.o and every file its last build read (the -MMD list).
up_to_date() {
  local f
  [ -f "$bin" ] && [ -f "$adir/$app_name.d" ] && [ ! "$kdir/fastapi_impl.o" -nt "$bin" ] || return 1
  while read -r f; do
    [ -f "$f" ] && [ ! "$f" -nt "$bin" ] || return 1
  done < <(sed -e 's/^[^:]*://' -e 's/\\$//' "$adir/$app_name.d" | tr ' ' '\n' | grep -v '^$')
}

# The files to watch: app.cpp, fastapi.hpp, and the non-system headers the last good build read.
watched_files() {
  {
    echo "$app_src"
    echo "$header"
    if [ -f "$adir/$app_name.d" ]; then
      sed -e 's/^[^:]*://' -e 's/\\$//' "$adir/$app_name.d" | tr ' ' '\n' | grep -v '^$'
    fi
  } | while read -r f; do
    f="$(realpath -m "$f")"
    case "$f" in "$cache"/*) continue ;; esac
    echo "$f"
  done | sort -u
}

if [ "$build_only" = 1 ]; then
  if build_app; then
    echo "$bin"
    exit 0
  fi
  first_error "$adir/$app_name.log" >&2
  exit 1
fi

# In a checkout of fastapi.hpp, the Debian packages the build needs, as scripts/demo.sh does (quick when present).
[ -f "$script_dir/setup.sh" ] && { bash "$script_dir/setup.sh" build >&2 || exit 1; }

# ---- the watcher: inotifywait on the directories (editors save by rename), or polling ---------------------
mode=inotify
command -v inotifywait >/dev/null || mode=polling
[ "${FASTAPI_DEV_WATCH:-}" = poll ] && mode=polling
declare -A watched=()
watch_dirs=()
watch_fd=""
poll_signature=""

set_watch_list() {  # recomputes the list; restarts inotifywait when the directories changed
  local f dirs=() old="${watch_dirs[*]:-}"
  watched=()
  while read -r f; do watched["$f"]=1; done < <(watched_files)
  mapfile -t dirs < <(for f in "${!watched[@]}"; do dirname "$f"; done | sort -u)
  watch_dirs=("${dirs[@]}")
  [ "${watch_dirs[*]}" = "$old" ] && return 0
  info "Will watch for changes in these directories: [$(printf "'%s', " "${watch_dirs[@]}" | sed 's/, $//')]"
  if [ "$mode" = inotify ]; then
    [ -n "$watch_pid" ] && stop_pid "$watch_pid"
    coproc WATCHER { exec inotifywait -m -e close_write -e moved_to -e create -e delete --format '%w%f' \
      "${watch_dirs[@]/%//}" 2>&1; }
    watch_pid=$WATCHER_PID
    watch_fd=${WATCHER[0]}
    local line
    while IFS= read -r -t 10 -u "$watch_fd" line; do   # bounded: inotifywait says when it watches
      [[ "$line" == "Watches established." ]] && break
    done
  else
    poll_signature="$(signature)"
  fi
}
signature() { stat -c '%n %y %s' "${!watched[@]}" 2>/dev/null | sort; }

# Waits up to 1 s for a change to a watched file; prints the changed names (relative to the current directory).
changed=""
wait_for_change() {
  changed=""
  if [ "$mode" = inotify ]; then
    local path names=()
    IFS= read -r -t 1 -u "$watch_fd" path || return 1
    while :; do
      path="${path//\/\///}"
      [ -n "${watched[$path]:-}" ] && names+=("$(relative "$path")")
      IFS= read -r -t 0.2 -u "$watch_fd" path || break   # an editor's save is several events: take them all
    done
    [ ${#names[@]} -gt 0 ] || return 1
    changed="$(printf '%s\n' "${names[@]}" | sort -u | paste -sd, | sed "s/,/', '/g")"
  else
    sleep 0.5
    local now
    now="$(signature)"
    [ "$now" != "$poll_signature" ] || return 1
    changed="$(diff <(echo "$poll_signature") <(echo "$now") | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u |
      while read -r f; do relative "$f"; done | paste -sd, | sed "s/,/', '/g")"
    poll_signature="$now"
  fi
}

# ---- the app's process: the same port across restarts ------------------------------------------------------
port_file="$adir/$app_name.$$.port"   # this session's: written by stdout_filter
learned_port=""
run_args() {  # the app's arguments, --port 0 replaced by the port the first run picked
  local a i=0 out=() n=${#app_args[@]}
  while [ $i -lt "$n" ]; do
    a="${app_args[$i]}"
    if [ "$a" = "--" ]; then out+=("${app_args[@]:$i}"); break; fi
    if [ -n "$learned_port" ] && [ "$a" = "--port" ] && [ "${app_args[$((i + 1))]:-}" = 0 ]; then
      out+=(--port "$learned_port"); i=$((i + 2)); continue
    fi
    if [ -n "$learned_port" ] && [ "$a" = "--port=0" ]; then a="--port=$learned_port"; fi
    out+=("$a"); i=$((i + 1))
  done
  printf '%s\0' "${out[@]}"
}
port_zero() {  # --port 0 / --port=0 before "--", or PORT=0 without --port
  local a prev="" any=0
  for a in "${app_args[@]}"; do
    [ "$a" = "--" ] && break
    [ "$prev" = "--port" ] && [ "$a" = 0 ] && return 0
    [ "$a" = "--port=0" ] && return 0
    [[ "$a" == --port* ]] && any=1
    prev="$a"
  done
  [ "$any" = 0 ] && [ "${PORT:-}" = 0 ]
}
stdout_filter() {  # passes the app's stdout through; notes the port of its "Listening on" line
  trap '' INT TERM   # ends when the app closes its stdout, never before (a write would get SIGPIPE)
  local line
  while IFS= read -r line; do
    printf '%s\n' "$line"
    [[ "$line" =~ ^Listening\ on\ http://.*:([0-9]+)$ ]] && echo "${BASH_REMATCH[1]}" >"$port_file"
  done
}
start_app() {
  local args=() env=()
  [ -f "$port_file" ] && learned_port="$(cat "$port_file")"
  rm -f "$port_file"
  mapfile -d '' -t args < <(run_args)
  [ -n "$learned_port" ] && [ "${PORT:-}" = 0 ] && env=(PORT="$learned_port")
  if [ -z "$learned_port" ] && port_zero; then
    env "${env[@]}" "$bin" "${args[@]}" > >(stdout_filter) &
  else
    env "${env[@]}" "$bin" "${args[@]}" &   # its own stdout: a pipe would buffer what the app prints
  fi
  app_pid=$!
}
app_exited() {  # true (and reports it) when the app stopped on its own
  [ -n "$app_pid" ] && ! kill -0 "$app_pid" 2>/dev/null || return 1
  wait "$app_pid" 2>/dev/null
  local status=$?
  app_pid=""
  warn "The app exited (status $status); waiting for changes to rebuild and restart it"
}

# ---- the loop ----------------------------------------------------------------------------------------------
set_watch_list
info "Started reloader process [$$] using $mode"
if build_app; then
  set_watch_list
  start_app
else
  error "The build failed; waiting for changes. The compiler's first error:"
  first_error "$adir/$app_name.log" >&2
fi
while :; do
  app_exited || true
  wait_for_change || continue
  warn "Detected changes in '$changed'. Reloading..."
  if build_app; then
    info "Rebuilt $(relative "$app_src") in $((build_ms / 1000)).$(printf '%03d' $((build_ms % 1000)) | cut -c1-1) s; restarting the server"
    set_watch_list
    if [ -n "$app_pid" ]; then
      stop_pid "$app_pid"
      app_pid=""
    fi
    start_app
  else
    if [ -n "$app_pid" ]; then
      error "The build failed; the previous build keeps serving. The compiler's first error:"
    else
      error "The build failed. The compiler's first error:"
    fi
    first_error "$adir/$app_name.log" >&2
    info "Full output: $(relative "$adir/$app_name.log")"
  fi
done
