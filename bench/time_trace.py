#!/usr/bin/env python3
"""bench/time_trace.py: what each station of our headers costs to compile, from clang's -ftime-trace.

Usage: python3 bench/time_trace.py TRACE.json [--include include] [--top 12]
  TRACE.json: `clang++ -std=c++20 -O2 -Iinclude -ftime-trace -ftime-trace-granularity=10 -c app.cpp -o app.o`
  writes app.json beside app.o; compile against the modular include/ (not the single header), so every
  header keeps its own name. bench/compile_time.sh runs it on examples/01_hello.cpp.
Prints markdown: the compiler's phases, then per station (core, http, json, ... in the umbrella's order, and
asio, simdjson, the standard library, the app's own file) the seconds spent
  parsing     its headers' own text (the "Source" events, minus the headers they include),
  instantiating templates it declares (InstantiateClass/InstantiateFunction, minus nested ones),
  generating and optimizing the code of its functions (CodeGen Function, OptFunction; names demangled
              with c++filt and matched to the header that declares the class or function),
then the most expensive headers, instantiations and functions by name, so a regression has a name.
Python 3 standard library only (plus c++filt from binutils, when present, to demangle).
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

STATIONS = ["core", "http", "json", "routing", "params", "di", "security", "middleware", "app", "openapi",
            "client", "testing"]


def header_station(path, include_root):
    p = path.replace("\\", "/")
    m = re.search(r"(?:^|/)fastapi/([a-z_]+)/[^/]+\.hpp$", p)
    if m:
        return m.group(1)
    if p.endswith("/fastapi.hpp") or p == "fastapi.hpp":
        return "umbrella (fastapi.hpp)"
    if "/asio" in p:
        return "asio"
    if "simdjson" in p:
        return "simdjson"
    if "/c++/" in p:
        return "C++ standard library"
    if p.startswith("/usr/"):
        return "C and system headers"
    return "the app's .cpp"


def build_index(include_root):
    """name -> station, for the classes, structs, enums and functions our headers define."""
    classes, functions = {}, {}
    cls_re = re.compile(r"\b(?:class|struct|union|enum class|enum)\s+(\w+)\s*(?:final\s*)?(?::[^;{()]*)?\{")
    fn_re = re.compile(r"^\s*(?:template\s*<[^;{]*>\s*)?(?:\[\[\w+\]\]\s*)?(?:(?:inline|constexpr|consteval|static|friend)\s+)*"
                       r"[\w:<>,&\*\s]+?\b(?:(\w+)::)?(~?\w+)\s*\(")
    for root, _, files in os.walk(os.path.join(include_root, "fastapi")):
        for f in files:
            if not f.endswith(".hpp"):
                continue
            path = os.path.join(root, f)
            station = header_station(path, include_root)
            text = open(path, encoding="utf-8", errors="replace").read()
            for m in cls_re.finditer(text):
                classes.setdefault(m.group(1), station)
            for line in text.splitlines():
                m = fn_re.match(line)
                if m and m.group(2) not in ("if", "for", "while", "switch", "return", "sizeof", "decltype"):
                    functions.setdefault(m.group(2), station)
    return classes, functions


def strip_templates(name):
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def name_station(name, classes, functions):
    """fastapi::detail::HandlerEndpoint<...>::call(...) -> the station whose header declares HandlerEndpoint."""
    n = strip_templates(name).strip()
    n = re.sub(r"^(?:(?:const|volatile|virtual|thunk to|non-virtual thunk to|guard variable for)\s+)+", "", n)
    n = re.sub(r"^[\w:\s\*&]+?\s(?=\w+::)", "", n)  # a leading return type
    if n.startswith("main") or n.startswith("(anonymous namespace)"):
        return "the app's .cpp"
    ours = "fastapi::" in n or "include/fastapi/" in name
    if n.startswith("asio::"):
        return "asio, for our types" if ours else "asio"
    if n.startswith("simdjson::"):
        return "simdjson"
    if n.startswith("std::") or n.startswith("__gnu_cxx::") or n.startswith("operator new") or n.startswith("__"):
        return "C++ standard library, for our types" if ours else "C++ standard library"
    if not n.startswith("fastapi::"):
        return "other"
    parts = [p for p in re.split(r"::", n.split("(")[0]) if p and p not in ("fastapi", "detail")]
    for p in parts:
        p = p.strip()
        if p in classes:
            return classes[p]
    for p in parts:
        p = p.strip()
        if p in functions:
            return functions[p]
    return "fastapi (unattributed)"


def demangle(names):
    names = list(names)
    if not names or not shutil.which("c++filt"):
        return {n: n for n in names}
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=False).stdout
    lines = out.split("\n")
    return {n: (lines[i] if i < len(lines) and lines[i] else n) for i, n in enumerate(names)}


def exclusive(events):
    """Per event, its duration minus the durations of the events directly nested in it (same thread)."""
    by_tid = collections.defaultdict(list)
    for e in events:
        by_tid[e.get("tid")].append(e)
    excl = {}
    for evs in by_tid.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in evs:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
                stack.pop()
            excl[id(e)] = e["dur"]
            if stack:
                excl[id(stack[-1])] -= e["dur"]
            stack.append(e)
    return excl


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--include", default="include")
    ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args()

    events = [e for e in json.load(open(a.trace, encoding="utf-8"))["traceEvents"] if e.get("ph") == "X"]
    totals = {e["name"][6:]: e["dur"] / 1e6 for e in events if e.get("name", "").startswith("Total ")}
    classes, functions = build_index(a.include)

    sources = [e for e in events if e.get("name") == "Source"]
    inst = [e for e in events if e.get("name") in ("InstantiateClass", "InstantiateFunction")]
    opt = [e for e in events if e.get("name") == "OptFunction"]
    cg = [e for e in events if e.get("name") == "CodeGen Function"]
    ex_src, ex_inst = exclusive(sources), exclusive(inst)
    mangled = demangle({e["args"].get("detail", "") for e in opt})

    cost = collections.defaultdict(lambda: [0.0, 0.0, 0.0])  # station -> parse, instantiate, codegen+optimize
    per_header = collections.Counter()
    for e in sources:
        path = e["args"].get("detail", "")
        st = header_station(path, a.include)
        cost[st][0] += ex_src[id(e)] / 1e6
        if "fastapi/" in path:
            per_header[path[path.find("fastapi/"):]] += ex_src[id(e)] / 1e6
    per_inst = collections.Counter()
    for e in inst:
        name = e["args"].get("detail", "")
        cost[name_station(name, classes, functions)][1] += ex_inst[id(e)] / 1e6
        if strip_templates(name).startswith("fastapi::"):
            per_inst[name[:110]] += ex_inst[id(e)] / 1e6
    per_fn = collections.Counter()
    for e in opt:
        name = mangled.get(e["args"].get("detail", ""), "")
        cost[name_station(name, classes, functions)][2] += e["dur"] / 1e6
        if name.startswith("fastapi::"):
            per_fn[name[:110]] += e["dur"] / 1e6
    for e in cg:
        cost[name_station(e["args"].get("detail", ""), classes, functions)][2] += e["dur"] / 1e6

    L = []
    L.append("Phases (s): " + ", ".join(f"{k} {totals[k]:.2f}" for k in
                                        ("ExecuteCompiler", "Frontend", "Source", "PerformPendingInstantiations",
                                         "Backend", "Optimizer", "CodeGenPasses") if k in totals))
    L.append("")
    L.append("| station | parsing its headers (s) | instantiating its templates (s) | generating + optimizing its functions (s) | total (s) |")
    L.append("|---|---:|---:|---:|---:|")
    order = STATIONS + ["umbrella (fastapi.hpp)", "fastapi (unattributed)", "the app's .cpp", "asio",
                        "asio, for our types", "simdjson", "C++ standard library", "C++ standard library, for our types",
                        "C and system headers", "other"]
    ours = [0.0, 0.0, 0.0]
    for st in order + sorted(k for k in cost if k not in order):
        if st not in cost:
            continue
        c = cost[st]
        if st in STATIONS or st.startswith("umbrella") or st.startswith("fastapi"):
            ours = [x + y for x, y in zip(ours, c)]
        L.append(f"| {st} | {c[0]:.2f} | {c[1]:.2f} | {c[2]:.2f} | {sum(c):.2f} |")
    L.append(f"| **all of fastapi.hpp** | **{ours[0]:.2f}** | **{ours[1]:.2f}** | **{ours[2]:.2f}** | **{sum(ours):.2f}** |")
    L.append("")
    L.append("Instantiation is what a station's templates cost where they are used; the rows *for our types* are")
    L.append("asio's and the standard library's templates instantiated with one of ours (`std::vector<fastapi::Route>`). The backend's per-function passes (OptFunction) are")
    L.append("only part of the Backend phase: module-wide passes (the inliner, instruction selection) are not per function.")
    L.append("")
    for title, counter in ((f"Our headers, parsing (s), top {a.top}", per_header),
                           (f"Our instantiations (s, exclusive), top {a.top}", per_inst),
                           (f"Our functions, optimizing (s), top {a.top}", per_fn)):
        if not counter:
            continue
        L.append(f"{title}:")
        L.append("")
        L.append("```")
        for name, s in counter.most_common(a.top):
            L.append(f"{s:7.3f}  {name}")
        L.append("```")
        L.append("")
    sys.stdout.write("\n".join(L))
    return 0


if __name__ == "__main__":
    sys.exit(main())
