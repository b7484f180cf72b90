#!/usr/bin/env bash
# scripts/format.sh: lays out the C++ sources with clang-format and the repository's .clang-format.
# Usage: bash scripts/format.sh           formats the files in place
#        bash scripts/format.sh --check   changes nothing; lists the files that differ from the format, exit 1 if any
# The files: *.hpp and *.cpp under include/fastapi/, tests/, examples/ and bench/ that git tracks (or would track).
# Not the generated single header fastapi.hpp (the amalgamator's output: regenerate it with
# `python3 single_include_build.py` after formatting), nor the umbrella include/fastapi.hpp, whose #include list is the
# amalgamation order. clang-format 14 has no .clang-format-ignore: this list is the only one. A region that must keep
# its hand-made or generated layout sits between `// clang-format off` and `// clang-format on`.
# The format is clang-format 14's (Debian 12; scripts/setup.sh test installs it); another version may lay out a few
# lines differently. CLANG_FORMAT=/path/to/clang-format picks the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=fix
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
clang_format="${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}"
if [ -z "$clang_format" ] || ! command -v "$clang_format" >/dev/null; then
  echo "format.sh: clang-format not found (bash scripts/setup.sh test installs it)" >&2
  exit 2
fi
version=$("$clang_format" --version | grep -oE 'version [0-9]+' | grep -oE '[0-9]+' || true)
[ "$version" = 14 ] || echo "format.sh: note: $clang_format is version ${version:-unknown}, the format is clang-format 14's" >&2

files=()
while IFS= read -r f; do
  [ -f "$f" ] && files+=("$f")
done < <(git ls-files --cached --others --exclude-standard -- 'include/fastapi/*.hpp' 'tests/*.hpp' 'tests/*.cpp' \
           'examples/*.hpp' 'examples/*.cpp' 'bench/*.hpp' 'bench/*.cpp' | sort -u)

if [ "$mode" = fix ]; then
  "$clang_format" -i --style=file --fallback-style=none "${files[@]}"
  echo "format.sh: formatted ${#files[@]} files (then: python3 single_include_build.py)"
  exit 0
fi
# One clang-format process for all files: --dry-run reports, per file, the first line it would change.
status=0
report=$("$clang_format" --dry-run --Werror --ferror-limit=1 --style=file --fallback-style=none "${files[@]}" 2>&1) ||
  status=$?
differ=()
declare -A listed=()
for f in "${files[@]}"; do listed[$f]=1; done
while IFS= read -r f; do [ -n "${listed[$f]:-}" ] && differ+=("$f"); done < <(
  sed -nE 's/^(.+):[0-9]+:[0-9]+: (error|warning): .*/\1/p' <<<"$report" | sort -u)
if [ "$status" -ne 0 ] && [ ${#differ[@]} -eq 0 ]; then  # not a difference: a bad .clang-format, an unreadable file
  echo "format.sh: $clang_format failed:" >&2
  head -n 12 <<<"$report" >&2
  exit 2
fi
if [ ${#differ[@]} -eq 0 ]; then
  echo "format.sh: the ${#files[@]} files follow .clang-format"
  exit 0
fi
echo "format.sh: ${#differ[@]} of ${#files[@]} files differ from .clang-format:"
printf '  %s\n' "${differ[@]}"
echo "format.sh: run bash scripts/format.sh (then python3 single_include_build.py), or see a file's changes with:"
echo "  $clang_format --style=file ${differ[0]} | diff ${differ[0]} -"
exit 1
