#!/usr/bin/env bash
# scripts/cpu_launcher.sh: a CMake compiler launcher (CMAKE_CXX_COMPILER_LAUNCHER) that runs the command it is
# given and appends one line to $FASTAPI_CPU_LOG: "<user+sys CPU seconds>\t<wall seconds>\t<output file>".
# scripts/test.sh puts it in front of ccache when FASTAPI_CPU_LOG is set; scripts/suite_times.sh reads the logs.
# CPU seconds, not wall: on a shared machine only the CPU a compile used says what it costs.
out="?"
prev=""
for a in "$@"; do
  [ "$prev" = -o ] && out=$a
  prev=$a
done
[ -n "${FASTAPI_CPU_LOG:-}" ] && [ -x /usr/bin/time ] || exec "$@"   # nothing to log, or no GNU time
tf=$(mktemp)
/usr/bin/time -f '%U %S %e' -o "$tf" "$@"
status=$?
read -r u s e <"$tf" && rm -f "$tf"
awk -v u="$u" -v s="$s" -v e="$e" -v o="${out#"$PWD"/}" 'BEGIN { printf "%.2f\t%.2f\t%s\n", u + s, e, o }' >>"$FASTAPI_CPU_LOG"
exit "$status"
