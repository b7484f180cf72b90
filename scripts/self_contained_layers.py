#!/usr/bin/env python3
"""scripts/self_contained_layers.py: the precompiled headers ("layers") of the self-contained check
(CMakeLists.txt, FASTAPI_SELF_CONTAINED_CHECK: every module of include/fastapi/ compiled alone), planned from the
include graph as it is when CMake runs.

Why a precompiled header keeps the proof: a module M is compiled alone to prove it includes what it uses. If
module L is in M's include closure, M includes L (through some chain) anyway, so L's text prepended as a
precompiled header changes nothing M may use; and L itself, and every module whose closure does not hold L, is
still compiled without it. So each module gets the largest layer of its closure (never itself), or none.

The layers are chosen greedily by what they save: a module costs about the bytes of its closure (our headers:
with the distinct standard and third-party headers it sees: the compile time of each module alone follows that), a layer
saves each of its modules its own closure, less what loading a precompiled header costs, and costs one compile
of its own. Always one of our headers: a layer never starts with a raw third-party header, whose configuration
our core/config.hpp pins first (simdjson's).

    python3 scripts/self_contained_layers.py [--root DIR] [--layers N]

prints one line per module, "fastapi/<dir>/<file>.hpp:<layer or empty>", sorted by module. Python 3, standard
library only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from single_include_build import directive_include, is_internal, lex_lines, read_source  # noqa: E402

# The model's unit is a byte of our headers (~5 us of clang 14's time). Fitted to the session-11 run's 122
# modules (r^2 0.94): <simdjson.h> costs as much as 95 kB of ours, each other distinct standard header as 14 kB
# (Asio's cost is in the headers that come with it); loading a precompiled header, and building one, measured
# on the self-contained check (docs/testing.md, session 12).
SIMDJSON_COST = 95_000
STD_COST = 14_000
LOAD_COST = 40_000
BUILD_FACTOR = 1.3


def read_graph(root: Path) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Every header under include/fastapi/ -> the modules it includes (those that exist), and -> the headers it
    includes with <...> (the standard library's, Asio's, simdjson's)."""
    base = root / "include"
    names = sorted(p.relative_to(base).as_posix() for p in (base / "fastapi").rglob("*.hpp"))
    graph: dict[str, list[str]] = {}
    angled: dict[str, set[str]] = {}
    for name in names:
        found: list[str] = []
        angled[name] = set()
        for line in lex_lines(read_source(base / name)):
            inc = directive_include(line)
            if inc is not None and is_internal(inc) and inc.name not in found and (base / inc.name).is_file():
                found.append(inc.name)
            elif inc is not None and inc.angled:
                angled[name].add(inc.name)
        graph[name] = found
    return graph, angled


def closures(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """Every module -> the modules it includes, directly or not (itself excluded)."""
    out: dict[str, set[str]] = {}

    def walk(name: str, seen: set[str]) -> None:
        for inc in graph.get(name, []):
            if inc not in seen:
                seen.add(inc)
                walk(inc, seen)

    for name in graph:
        seen: set[str] = set()
        walk(name, seen)
        seen.discard(name)
        out[name] = seen
    return out


def plan(root: Path, max_layers: int) -> dict[str, str]:
    graph, angled = read_graph(root)
    closure = closures(graph)
    size = {name: (root / "include" / name).stat().st_size for name in graph}

    def third_party(name: str) -> int:
        seen = set(angled[name]).union(*(angled[m] for m in closure[name]))
        return sum(SIMDJSON_COST if h == "simdjson.h" else 0 if h.startswith("asio") else STD_COST for h in seen)

    cost = {name: size[name] + sum(size[m] for m in closure[name]) + third_party(name) for name in graph}

    def best_layer(name: str, layers: list[str]) -> str:
        held = [layer for layer in layers if layer in closure[name]]
        return max(held, key=lambda layer: cost[layer]) if held else ""

    def total(layers: list[str]) -> float:
        t = sum(cost[layer] * BUILD_FACTOR for layer in layers)
        for name in graph:
            layer = best_layer(name, layers)
            t += cost[name] - cost[layer] + LOAD_COST if layer else cost[name]
        return t

    layers: list[str] = []
    while len(layers) < max_layers:
        now = total(layers)
        candidates = [name for name in graph if name not in layers]
        if not candidates:
            break
        pick = min(candidates, key=lambda name: (total(layers + [name]), name))
        if total(layers + [pick]) >= now:
            break
        layers.append(pick)
    return {name: best_layer(name, layers) for name in graph}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plan the precompiled headers of the self-contained check.")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository root (default: this checkout)")
    parser.add_argument("--layers", type=int, default=8, help="at most this many precompiled headers (default 8)")
    args = parser.parse_args(argv)
    for name, layer in sorted(plan(args.root, args.layers).items()):
        print(f"{name}:{layer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
