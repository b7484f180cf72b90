#!/usr/bin/env python3
"""scripts/self_contained_layers.py: the compiles of the self-contained check (CMakeLists.txt,
FASTAPI_SELF_CONTAINED_CHECK: every module of include/fastapi/ proven to compile with only what it includes, and
to be idempotent), planned from the include graph as it is when CMake runs: which modules get a translation unit
(TU), which precompiled header ("layer") each TU gets, and which TU proves each module.

Why a precompiled header keeps the proof: a module M is compiled alone to prove it includes what it uses. If
module L is in M's include closure, M includes L (through some chain) anyway, so L's text prepended as a
precompiled header changes nothing M may use; and L itself, and every module whose closure does not hold L, is
still compiled without it. So a TU gets a layer of its closure (never itself), or none.

The layers are chosen greedily by what they save: a module costs about the bytes of its closure (our headers:
with the distinct standard and third-party headers it sees: the compile time of each module alone follows that), a layer
saves each of its modules its own closure, less what loading a precompiled header costs, and costs one compile
of its own. Always one of our headers: a layer never starts with a raw third-party header, whose configuration
our core/config.hpp pins first (simdjson's).

Why one TU proves several modules (session 15, "the cover" below): a module X parsed in another's TU with nothing
before it but what X includes anyway is parsed as it would be alone. The TUs are chosen by a greedy weighted set
cover on the same cost model.

    python3 scripts/self_contained_layers.py [--root DIR] [--layers N] [--no-cover]

prints one line per TU, "tu <module> layer=<layer or empty> includes=<m1>,...,<module> proves=<m>,...", sorted
by module (CMake writes the TU: each module of `includes` in order, then the last again), then one line per
module, "<module> proven by <the module whose TU proves it>". Python 3, standard library only.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from single_include_build import (SourceLine, directive_include, is_internal, is_pragma_once,  # noqa: E402
                                  lex_lines, read_source)

# The model's unit is a byte of our headers (~5 us of clang 14's time). Fitted to the session-11 run's 122
# modules (r^2 0.94): <simdjson.h> costs as much as 95 kB of ours, each other distinct standard header as 14 kB
# (Asio's cost is in the headers that come with it); loading a precompiled header, and building one, measured
# on the self-contained check (docs/testing.md, session 12).
SIMDJSON_COST = 95_000
STD_COST = 14_000
LOAD_COST = 40_000
BUILD_FACTOR = 1.3


def lexed(path: Path) -> list[SourceLine]:
    """A header's lines, lexed once as long as the file stays the same (the plan reads each header often)."""
    st = path.stat()
    return _lexed(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=None)
def _lexed(path: Path, mtime: int, size: int) -> list[SourceLine]:
    return lex_lines(read_source(path))


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
        for line in lexed(base / name):
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
    return plan_layers(graph, closure, module_costs(root, graph, angled, closure), max_layers)


def plan_layers(graph: dict[str, list[str]], closure: dict[str, set[str]], cost: dict[str, float],
                max_layers: int) -> dict[str, str]:
    """plan(), from the graph, closures and costs its caller has already read."""

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


# ---------------------------------------------------------------------------------------------
# The cover: one compile proves more than its own module
# ---------------------------------------------------------------------------------------------
#
# In the TU of module M (after layer L, or none), a module X that M includes is parsed at some point. If what was
# parsed before X starts is a subset of what X includes anyway, X is parsed as it would be alone, except that some
# of its includes are no-ops: X is proven too. Checked lexically, conservatively:
# - "before X" is everything completed earlier in the TU (the layer's closure, the modules done, the standard and
#   third-party headers they included) and the lines of X's ancestors (M, and the modules between) before the line
#   that includes the chain to X. Those lines must hold nothing but comments, #pragma once, #include and
#   conditionals whose value cannot depend on where the file is included ("fixed", below): no code, no #define;
# - the modules completed must be in X's closure, the angled headers seen in the angled headers of X's closure;
# - X's own lines before its last #include are of the same kind (else a name an earlier header declares would be
#   visible to X's earlier lines in M's TU and not alone);
# - X starts with #pragma once (its idempotence is then proven by that line; the module a TU names is included
#   twice, as before);
# - a third-party header whose macros one of our modules defines (core/config.hpp pins Asio's and simdjson's
#   configuration) comes after that module both alone and in the TU, or the library is configured otherwise.
# A conditional is fixed when each macro it tests is the compiler's (__clang__, _WIN32, ...) or ours (FASTAPI_*:
# no standard or third-party header defines one) with every other module that defines it included above the
# conditional: then it has the same value in every TU. An #include under a fixed conditional is matched by the
# same conditional's text elsewhere; under another conditional, only by the same header included unconditionally.
# A TU whose walk reaches a conditional include of one of our modules not yet parsed proves nothing after it (the
# order becomes unknown).
#
# What the lexical check cannot see, and the compile does not prove for a covered module: a template that X
# instantiates is instantiated at the end of the TU, where the modules after X are visible too (a name found there
# by argument-dependent lookup, a type completed there). Alone, X would see only its closure at that point.

PREDEFINED = {"__clang__", "__GNUC__", "__GNUC_MINOR__", "__linux__", "__APPLE__", "__x86_64__", "__aarch64__",
              "_WIN32", "_WIN64", "_MSC_VER", "__cplusplus", "__unix__"}
PP_FUNCTIONS = {"defined", "__has_include", "__has_include_next", "__has_cpp_attribute", "__has_builtin",
                "__has_feature", "__has_attribute"}
CONDITIONAL = re.compile(r"\s*#\s*(?P<kw>if|ifdef|ifndef|elif|else|endif)\b(?P<rest>.*)$")
DEFINE = re.compile(r"\s*#\s*(?:define|undef)\s+(?P<name>[A-Za-z_]\w*)")
HAS_INCLUDE_ARG = re.compile(r"(__has_include(?:_next)?)\s*\(\s*(?:<[^>]*>|\"[^\"]*\")\s*\)")
IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*")


@dataclass
class Event:
    """One #include of a module, in order: what it names, under which conditional, and whether every line of the
    module above it is one of the lines that declare nothing (the module's "head")."""
    name: str
    angled: bool
    cond: str | None     # "" unconditional; the conditionals' text when fixed; None under a conditional not fixed
    in_head: bool


@dataclass
class Source:
    events: list[Event]
    pragma_first: bool   # the first directive is #pragma once
    head_ok: bool        # every line above the last #include is in the head
    configures: set[str] = field(default_factory=set)   # the third-party families whose macros it defines
    configured: bool = True   # alone, each header of such a family comes after the modules that configure it


def family(header: str) -> str:
    """The library an angled header belongs to, as its macros are prefixed: <asio/ssl.hpp> -> "asio"."""
    return re.split(r"[/.]", header)[0].lower()


def configuring(sources: dict[str, Source]) -> dict[str, set[str]]:
    """A third-party family -> the modules that define or undefine one of its macros (core/config.hpp pins
    simdjson's and Asio's configuration): where such a module is parsed before the family's headers, they are
    configured otherwise."""
    out: dict[str, set[str]] = {}
    for name, src in sources.items():
        for fam in src.configures:
            out.setdefault(fam, set()).add(name)
    return out


def read_sources(root: Path, graph: dict[str, list[str]]) -> dict[str, Source]:
    base = root / "include"
    lines_of = {name: lexed(base / name) for name in graph}
    definers: dict[str, set[str]] = {}
    for name, lines in lines_of.items():
        for line in lines:
            m = DEFINE.match(line.code) if line.at_top else None
            if m:
                definers.setdefault(m.group("name"), set()).add(name)
    included = {inc for incs in graph.values() for inc in incs}
    sure = sure_closures(graph, lines_of)
    out: dict[str, Source] = {}
    for name, lines in lines_of.items():
        configures = {m.group("name").split("_")[0].lower() for line in lines if line.at_top
                      for m in [DEFINE.match(line.code)] if m and not m.group("name").startswith("FASTAPI_")}
        events: list[Event] = []
        stack: list[tuple[str, bool]] = []   # each open conditional: its text so far, and whether fixed
        above: set[str] = set()              # modules included (unconditionally) above this line, with closures
        head = True
        pragma_first: bool | None = None
        for line in lines:
            code = line.code.strip()
            if not code:
                continue
            if not line.at_top:
                head = False
                continue
            if pragma_first is None and code.startswith("#"):
                pragma_first = is_pragma_once(line)
            cond = CONDITIONAL.match(line.code)
            inc = directive_include(line)
            if cond:
                kw, rest = cond.group("kw"), cond.group("rest")
                if kw == "endif":
                    if stack:
                        stack.pop()
                    continue
                fixed = kw == "else" or fixed_condition(rest, name, above, definers, included)
                if kw in ("if", "ifdef", "ifndef"):
                    stack.append((f"#{kw} {' '.join(rest.split())}", fixed))
                elif stack:
                    text, was = stack[-1]
                    stack[-1] = (f"{text} #{kw} {' '.join(rest.split())}", was and fixed)
                head = head and all(f for _, f in stack)
            elif inc is not None:
                internal = is_internal(inc) and inc.name in graph
                if not internal and not inc.angled:
                    head = False   # a quoted include of something else: unknown text
                    continue
                text = "" if not stack else (" | ".join(t for t, _ in stack) if all(f for _, f in stack) else None)
                events.append(Event(inc.name, not internal, text, head))
                if internal and not stack:
                    above |= {inc.name} | sure[inc.name]
            elif is_pragma_once(line):
                continue
            else:
                head = False
        last = max((i for i, e in enumerate(events)), default=-1)
        out[name] = Source(events, bool(pragma_first), last < 0 or events[last].in_head, configures)
    by_family = configuring(out)
    for name, src in out.items():
        src.configured = configured_alone(out, sure, by_family, name)
    return out


def configured_alone(sources: dict[str, Source], sure: dict[str, set[str]], by_family: dict[str, set[str]],
                     name: str) -> bool:
    """Whether, in the module's TU alone, each header of a configured family comes after every module of its
    closure that configures the family (else its configuration depends on what came before the module)."""
    done: set[str] = set()
    started: set[str] = set()

    def walk(x: str) -> bool | None:
        """False: a header read before its configuration; True: all configured, nothing after can differ;
        None: not decided yet, walk on."""
        started.add(x)
        for e in sources[x].events:
            if e.angled and not by_family.get(family(e.name), set()) & sure[name] <= done:
                return False
            if not e.angled and e.name not in started:
                if e.cond != "":   # included or not, the order after it is not known: fine if nothing is left
                    return all(m & sure[name] <= done for m in by_family.values())
                verdict = walk(e.name)
                if verdict is not None:
                    return verdict
        done.add(x)
        return None

    return walk(name) is not False


def fixed_condition(rest: str, name: str, above: set[str], definers: dict[str, set[str]],
                    included: set[str]) -> bool:
    """Whether a conditional's value is the same wherever the module is included: each macro it tests is ours
    (FASTAPI_*: no standard or third-party header defines one) or the compiler's, and every other module that
    defines or undefines it (one that some module includes) is included above this line."""
    for ident in IDENTIFIER.findall(HAS_INCLUDE_ARG.sub(r"\1()", rest)):
        if ident in PP_FUNCTIONS or ident in PREDEFINED:
            continue
        if not ident.startswith("FASTAPI_"):
            return False
        if not {d for d in definers.get(ident, set()) if d != name and d in included} <= above:
            return False
    return True


def sure_closures(graph: dict[str, list[str]], lines_of: dict[str, list[SourceLine]]) -> dict[str, set[str]]:
    """Every module -> the modules it includes for certain (no #include under a conditional on the way)."""
    direct: dict[str, list[str]] = {}
    for name, lines in lines_of.items():
        depth = 0
        direct[name] = []
        for line in lines:
            cond = CONDITIONAL.match(line.code) if line.at_top else None
            if cond and cond.group("kw") in ("if", "ifdef", "ifndef"):
                depth += 1
            elif cond and cond.group("kw") == "endif":
                depth = max(depth - 1, 0)
            inc = directive_include(line)
            if inc is not None and is_internal(inc) and inc.name in graph and depth == 0:
                direct[name].append(inc.name)
    return closures(direct)


def proofs(sources: dict[str, Source], sure: dict[str, set[str]], chain: list[str], layer: str) -> set[str]:
    """The modules a TU proves that includes, after `layer`'s precompiled header (or none), the modules of `chain`
    in order (the last one twice): a module named alone in its TU is proven by the compile itself (as before the
    cover); every other module parsed in it, when it is parsed as it would be alone (the conditions above). A
    chain whose named modules are not all proven is no use: the result is then empty."""
    def angled_of(name: str) -> set[tuple[str, str]]:
        return {(e.cond, e.name) for e in sources[name].events if e.angled and e.cond is not None}

    done: set[str] = set()
    seen: set[tuple[str, str]] = set()     # (conditional text or "?" when not fixed, header)
    by_family = configuring(sources)
    configured_by: dict[str, set[str]] = {}   # a header of a configured family -> the modules done before it
    started: set[str] = set()
    proven: set[str] = set()
    state = {"known": True}

    def walk(name: str, chain_ok: bool, prove: bool) -> None:
        started.add(name)
        if prove and chain_ok and state["known"] and covered(name):
            proven.add(name)
        for e in sources[name].events:
            if not state["known"]:
                return
            if e.angled:
                seen.add((e.cond if e.cond is not None else "?", e.name))
                if family(e.name) in by_family:
                    configured_by.setdefault(e.name, by_family[family(e.name)] & done)
            elif e.name not in started:
                if e.cond != "":
                    state["known"] = False   # included or not: the order after it is unknown
                    return
                walk(e.name, chain_ok and e.in_head, prove)
        done.add(name)

    def covered(name: str) -> bool:
        src = sources[name]
        if not (src.pragma_first and src.head_ok and src.configured and done <= sure[name]):
            return False
        if any(not by_family[family(h)] & sure[name] <= before for h, before in configured_by.items()):
            return False   # Asio or simdjson configured otherwise than the module's own includes would
        held = set().union(angled_of(name), *(angled_of(m) for m in sure[name]))
        plain = {h for c, h in held if c == ""}
        return all(h in plain or (c != "?" and (c, h) in held) for c, h in seen)

    if layer:
        walk(layer, False, False)
    if len(chain) == 1:
        proven.add(chain[0])   # alone after a layer it includes anyway: the check as it always was
        if state["known"]:
            walk(chain[0], True, True)
        return proven
    for name in chain:
        if name in started or not state["known"]:
            return set()
        walk(name, True, True)
    return proven if set(chain) <= proven else set()


@dataclass
class Tu:
    chain: list[str]     # the modules it includes, in order; the last names it (and is included twice)
    layer: str           # its precompiled header ("" for none)
    cost: float
    proven: set[str]


def cover(root: Path, max_layers: int) -> list[Tu]:
    """The TUs of the check: every module proven by one of them (see above), for the least modelled cost."""
    graph, angled = read_graph(root)
    closure = closures(graph)
    cost = module_costs(root, graph, angled, closure)
    layers_of = plan_layers(graph, closure, cost, max_layers)
    sources = read_sources(root, graph)
    base = root / "include"
    sure = sure_closures(graph, {n: lexed(base / n) for n in graph})
    layers = sorted({layer for layer in layers_of.values() if layer})
    # A module that can be proven inside a chain: in a chain, each module's closure holds the one before it (and
    # the layer), so everything parsed before it is in its closure; the lexical conditions are its own.
    chainable = {n for n, src in sources.items() if src.pragma_first and src.head_ok}

    order = sorted(graph, key=lambda n: (len(closure[n]), n))   # every module after the modules it includes
    below = {(x, layer): [y for y in order if y in closure[x] and y in chainable and (not layer or layer in closure[y])]
             for layer in [""] + layers for x in graph if not layer or layer in closure[x]}

    def solve(usable: set[str]) -> tuple[float, list[Tu]]:
        """Greedy weighted cover: a TU named by T (after a layer of T's closure, or none) costs T's compile; its
        chain is the run of T's closure that gains the most unproven modules, each module in the next one's
        closure (a path in the include order, by dynamic programming), and it proves what its walk says. Then
        each TU whose modules other TUs all prove is dropped, the dearest first; a layer no TU uses is not built."""
        left = set(graph)
        chosen: list[Tu] = []
        named: set[str] = set()
        while left:
            options = []
            for layer in [""] + [layer for layer in layers if layer in usable]:
                gain: dict[str, tuple[int, str]] = {}   # the best chain ending with x: its gain, its last link
                for x in order:
                    if (x, layer) in below and x in chainable:
                        top, prev = 0, ""
                        for y in below[(x, layer)]:
                            if gain[y][0] > top:
                                top, prev = gain[y][0], y
                        gain[x] = (top + (x in left), prev)
                for t in order:
                    if t in named or (t, layer) not in below:
                        continue
                    c = cost[t] - cost[layer] + LOAD_COST if layer else cost[t]
                    if t in gain:
                        value, prev = gain[t]
                    else:   # named, never chained: itself alone, after the layer
                        value, prev = int(t in left), ""
                    if value:
                        options.append((c / value, t, layer, c, prev, gain))
            _, t, layer, c, prev, gain = min(options, key=lambda o: o[:3])
            run: list[str] = []
            while prev:
                run.insert(0, prev)
                prev = gain[prev][1]
            proven = proofs(sources, sure, run + [t], layer) if run else set()
            alone = proofs(sources, sure, [t], layer)
            if alone >= proven:   # the chain broke on something its walk saw, or the walk proves it anyway
                run, proven = [], alone
            chosen.append(Tu(run + [t], layer, c, proven))
            named.add(t)
            left -= proven
        for tu in sorted(chosen, key=lambda tu: (-tu.cost, tu.chain[-1])):
            rest = [other for other in chosen if other is not tu]
            if rest and set().union(*(other.proven for other in rest)) >= set(graph):
                chosen = rest
        used = {tu.layer for tu in chosen if tu.layer}
        return sum(tu.cost for tu in chosen) + sum(cost[layer] * BUILD_FACTOR for layer in used), chosen

    # The layers planned for the modules alone, less each one the cover does better without.
    usable = set(layers)
    total, chosen = solve(usable)
    for layer in layers:
        t, c = solve(usable - {layer})
        if t < total:
            usable, total, chosen = usable - {layer}, t, c
    return sorted(chosen, key=lambda tu: tu.chain[-1])


def module_costs(root: Path, graph: dict[str, list[str]], angled: dict[str, set[str]],
                 closure: dict[str, set[str]]) -> dict[str, float]:
    size = {name: (root / "include" / name).stat().st_size for name in graph}

    def third_party(name: str) -> int:
        seen = set(angled[name]).union(*(angled[m] for m in closure[name]))
        return sum(SIMDJSON_COST if h == "simdjson.h" else 0 if h.startswith("asio") else STD_COST for h in seen)

    return {name: size[name] + sum(size[m] for m in closure[name]) + third_party(name) for name in graph}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plan the compiles of the self-contained check.")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository root (default: this checkout)")
    parser.add_argument("--layers", type=int, default=8, help="at most this many precompiled headers (default 8)")
    parser.add_argument("--no-cover", action="store_true",
                        help="each module its own TU, with its layer (the check before session 15)")
    args = parser.parse_args(argv)
    if args.no_cover:
        tus = [Tu([name], layer, 0, {name}) for name, layer in sorted(plan(args.root, args.layers).items())]
    else:
        tus = cover(args.root, args.layers)
    for tu in tus:
        print(f"tu {tu.chain[-1]} layer={tu.layer} includes={','.join(tu.chain)} proves={','.join(sorted(tu.proven))}")
    by: dict[str, str] = {}
    for tu in sorted(tus, key=lambda tu: tu.cost):
        for name in tu.proven:
            by.setdefault(name, tu.chain[-1])
    for tu in tus:
        by[tu.chain[-1]] = tu.chain[-1]
    for name, named in sorted(by.items()):
        print(f"{name} proven by {named}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
