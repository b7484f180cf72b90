#!/usr/bin/env bash
# scripts/suite_times.sh: where the test suite's time went, from what the last `bash scripts/test.sh` wrote:
#   build/times/steps.tsv          each step: CPU seconds (user+sys of everything it ran), start and end second
#   build/times/<tree>.tsv         each compiled file of build/<tree>: CPU seconds, wall seconds (scripts/cpu_launcher.sh)
#   build/logs/tests_<label>.N.log each test process's output with doctest --duration=true ("<seconds> s: <test>")
# Prints the steps (CPU, and CPU / 2 cores: the wall time they need on a quiet 2-core machine), the costliest
# files of each tree, and the slowest test cases with each test folder's share of a binary's run (the test
# binaries list their test cases' files: -ltc -r=xml). CPU seconds, not wall: on a shared machine only CPU says
# what a step costs. Usage: bash scripts/suite_times.sh [how many files and tests to list, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
top="${1:-15}"
[ -f build/times/steps.tsv ] || { echo "no build/times/steps.tsv: run bash scripts/test.sh first"; exit 1; }
for label in single:build/gcc/fastapi_tests_single asan:build/asan/fastapi_tests_modular; do
  binary=${label#*:}
  [ -x "$binary" ] && "$binary" -ltc -r=xml >"build/times/tests_${label%%:*}.xml" 2>/dev/null || true
done
python3 - "$top" <<'PY'
import csv, glob, os, re, sys
from collections import defaultdict
top = int(sys.argv[1])

print("== steps (CPU seconds: user+sys; a background step's CPU overlaps the others')")
rows = [r for r in csv.reader(open("build/times/steps.tsv"), delimiter="\t") if len(r) == 4]
total = 0.0
for name, cpu, t0, t1 in sorted(rows, key=lambda r: int(r[2])):
    total += float(cpu)
    print(f"  {name:<16} {float(cpu):8.1f} s CPU   from {int(t0):5d} s to {int(t1):5d} s")
end = max((int(r[3]) for r in rows), default=0)
print(f"  {'all':<16} {total:8.1f} s CPU   (/ 2 cores: {total / 2:6.0f} s); this run ended at {end} s")
print("  (a subshell's CPU counts the processes it waited for: a background step's own, not the steps beside it)")

for tsv in sorted(glob.glob("build/times/*.tsv")):
    tree = os.path.basename(tsv)[:-4]
    if tree == "steps":
        continue
    files = [(float(c), float(w), o) for c, w, o in csv.reader(open(tsv), delimiter="\t")]
    if not files:
        continue
    groups = defaultdict(float)
    for c, _, o in files:
        key = ("test batches (unity)" if "/Unity/" in o else "modules alone (with their layers' PCHs)"
               if "self_contained" in o else "precompiled headers" if o.endswith((".gch", ".pch", ".pch.o"))
               else "examples" if "/examples/" in o
               else "library (fastapi_impl)" if "fastapi_impl" in o else "other")
        groups[key] += c
    print(f"\n== build/{tree}: {sum(c for c, _, _ in files):.0f} s CPU in {len(files)} compiles "
          f"(/ 2 cores: {sum(c for c, _, _ in files) / 2:.0f} s)")
    for key, c in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {key:<24} {c:8.1f} s")
    print(f"  the {top} costliest:")
    for c, w, o in sorted(files, reverse=True)[:top]:
        print(f"    {c:7.1f} s CPU ({w:6.1f} s wall)  {o}")

for label in ("single", "asan"):
    logs = sorted(glob.glob(f"build/logs/tests_{label}.*.log"))
    if not logs:
        continue
    files = {}
    xml = f"build/times/tests_{label}.xml"
    if os.path.exists(xml):
        for m in re.finditer(r'<TestCase name="(.*?)"[^>]*? filename="(.*?)"', open(xml, errors="replace").read()):
            name = m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")
            files[name] = m.group(2)
    tests, per_process = [], []
    for log in logs:
        sec = 0.0
        for line in open(log, errors="replace"):
            m = re.match(r"^(\d+\.\d+) s: (.*)$", line.rstrip("\n"))
            if m:
                tests.append((float(m.group(1)), m.group(2)))
                sec += float(m.group(1))
        per_process.append((log, sec))
    print(f"\n== tests: {label} ({len(tests)} test cases timed)")
    for log, sec in per_process:
        print(f"  {log}: {sec:.0f} s of test cases (wall, one after another)")
    folders = defaultdict(float)
    for sec, name in tests:
        f = files.get(name, "")
        m = re.search(r"tests/([^/]+)/", f)
        folders[m.group(1) if m else "?"] += sec
    whole = sum(folders.values()) or 1
    print("  by folder (wall seconds, share of the binary's run; scripts/test.sh's shard_groups split them among its processes):")
    for folder, sec in sorted(folders.items(), key=lambda kv: -kv[1]):
        print(f"    {folder:<14} {sec:7.1f} s  {100 * sec / whole:4.0f} %")
    print(f"  the {top} slowest test cases:")
    for sec, name in sorted(tests, reverse=True)[:top]:
        print(f"    {sec:7.2f} s  {name}")
PY
