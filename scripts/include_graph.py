#!/usr/bin/env python3
"""scripts/include_graph.py: the include graph of include/fastapi/, printed from the headers. Fed by the
umbrella include/fastapi.hpp (its order is the order of the stations) and the modules' own
#include "fastapi/..." lines, read with single_include_build.py's lexer; feeds a reader, a closing note, CI.
Knows nothing of C++ beyond what the amalgamator knows.

    python3 scripts/include_graph.py              every module and what it includes, grouped by station
    python3 scripts/include_graph.py --stations   the station graph: folder -> the folders it includes

A station is a folder of include/fastapi/ (core, http, json, ...); stations are ordered by the first
umbrella line that lists one of their modules. An arrow from a station to a later one ("station openapi
includes later station app") is flagged, and the exit status is then 1. Direct includes only.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from single_include_build import (  # noqa: E402  (the amalgamator lives at the repository root)
    UMBRELLA, BuildError, Module, directive_include, is_internal, lex_lines, read_source, read_umbrella)


def station_of(name: str) -> str:
    """ "fastapi/http/request_parser.hpp" -> "http" """
    return name.split("/")[1]


def short(name: str) -> str:
    """ "fastapi/http/request_parser.hpp" -> "http/request_parser.hpp" """
    return name[len("fastapi/"):]


def internal_includes(root: Path, m: Module) -> list[str]:
    """The modules m includes, in the order it includes them (spelled "fastapi/<dir>/<file>.hpp")."""
    path = root / m.path
    if not path.is_file():
        raise BuildError([f"{UMBRELLA} line {m.umbrella_line} lists {m.name}, but {m.path} does not exist."])
    found: list[str] = []
    for line in lex_lines(read_source(path)):
        inc = directive_include(line)
        if inc is not None and is_internal(inc) and inc.name not in found:
            found.append(inc.name)
    return found


def runs(lines: list[int], umbrella_lines: list[int]) -> list[tuple[int, int]]:
    """The station's umbrella lines as runs of consecutive modules: [(first line, last line), ...]."""
    position = {line: i for i, line in enumerate(umbrella_lines)}
    out: list[tuple[int, int]] = []
    for line in lines:
        if out and position[line] == position[out[-1][1]] + 1:
            out[-1] = (out[-1][0], line)
        else:
            out.append((line, line))
    return out


def describe_runs(spans: list[tuple[int, int]]) -> str:
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
    return f"umbrella line{'s' if len(spans) > 1 or spans[0][0] != spans[0][1] else ''} {text}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the include graph of include/fastapi/ and flag any "
                                                 "include of a later station (exit 1).")
    parser.add_argument("--stations", action="store_true",
                        help="the station graph (folder -> folders) instead of every module's includes")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root: Path = args.root

    try:
        modules = read_umbrella(root)
        graph = {m.name: internal_includes(root, m) for m in modules}
    except BuildError as e:
        for message in e.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2

    stations: list[str] = []                      # in umbrella order (first listed module)
    members: dict[str, list[Module]] = {}
    for m in modules:
        s = station_of(m.name)
        if s not in members:
            stations.append(s)
            members[s] = []
        members[s].append(m)
    rank = {s: i for i, s in enumerate(stations)}
    umbrella_lines = [m.umbrella_line for m in modules]

    # Every arrow that leaves its station for a later one, by (from station, to station).
    later: dict[tuple[str, str], list[str]] = {}
    for m in modules:
        for inc in graph[m.name]:
            s, t = station_of(m.name), station_of(inc)
            if t in rank and rank[t] > rank[s]:
                later.setdefault((s, t), []).append(f"{short(m.name)} -> {short(inc)}")

    print(f"# include graph of include/fastapi/ (direct includes; stations in {UMBRELLA} order)")
    for s in stations:
        spans = runs([m.umbrella_line for m in members[s]], umbrella_lines)
        count = len(members[s])
        split = f", in {len(spans)} runs" if len(spans) > 1 else ""
        if args.stations:
            targets = []
            for m in members[s]:
                for inc in graph[m.name]:
                    t = station_of(inc)
                    if t != s and t not in targets:
                        targets.append(t)
            targets.sort(key=lambda t: rank.get(t, len(rank)))
            marked = [t + (" (LATER)" if rank.get(t, -1) > rank[s] else "") for t in targets]
            print(f"{s} -> {', '.join(marked) if marked else '(nothing)'}"
                  f"    [{count} module{'s' if count > 1 else ''}{split}]")
            continue
        print(f"\n{s} ({count} module{'s' if count > 1 else ''}, {describe_runs(spans)})")
        for m in members[s]:
            incs = [short(i) + (" (LATER)" if rank.get(station_of(i), -1) > rank[s] else "") for i in graph[m.name]]
            print(f"  {short(m.name)} -> {', '.join(incs) if incs else '(nothing)'}")

    if later:
        print()
        for (s, t), arrows in later.items():
            print(f"station {s} includes later station {t}: {'; '.join(arrows)}")
        return 1
    print("\nno station includes a later station.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
