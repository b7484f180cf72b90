"""tests/tools/test_self_contained_layers.py: scripts/self_contained_layers.py, the plan of the self-contained check
(each module alone): its precompiled headers ("layers") and its cover (one compile proves every module parsed in it
as it would be alone). What keeps the check's proof: a module only ever gets a layer it includes (directly or not),
never itself; a module is proven by another's TU only when nothing before it in that TU is outside what it
includes itself, and no line above its own includes (nor above the includes that lead to it) declares anything;
a module missing an include still fails the check when another's TU is what proves it. Run from the repository
root with:

    python3 tests/tools/test_self_contained_layers.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import self_contained_layers as layers  # noqa: E402


def write(root: Path, headers: dict[str, str]) -> None:
    for name, text in headers.items():
        path = root / "include" / "fastapi" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def proven_in(root: Path, chain: list[str], layer: str = "") -> set[str]:
    """What the TU that includes `chain` (after `layer`) proves, named without the fastapi/ prefix."""
    graph, _ = layers.read_graph(root)
    sources = layers.read_sources(root, graph)
    sure = layers.sure_closures(graph, {n: layers.lexed(root / "include" / n) for n in graph})
    full = [f"fastapi/{c}" for c in chain]
    return {p.removeprefix("fastapi/") for p in layers.proofs(sources, sure, full, f"fastapi/{layer}" if layer else "")}


A = "#pragma once\n#include <string>\nnamespace fastapi { inline std::string a() { return \"a\"; } }\n"


class PlanTest(unittest.TestCase):
    def write_tree(self, root: Path, headers: dict[str, list[str]]) -> None:
        for name, includes in headers.items():
            path = root / "include" / "fastapi" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = ["#pragma once", "#include <string>"] + [f'#include "fastapi/{i}"' for i in includes]
            path.write_text("\n".join(lines) + "\n" + "// body\n" * 20000)   # 160 kB each: worth a layer

    def test_the_repositorys_plan_gives_each_module_a_layer_of_its_own_closure(self) -> None:
        graph, _ = layers.read_graph(REPO)
        closure = layers.closures(graph)
        plan = layers.plan(REPO, 8)
        self.assertEqual(set(plan), set(graph), "every module of include/fastapi/ is planned")
        self.assertTrue(any(plan.values()), "the repository's modules share layers")
        for module, layer in plan.items():
            if layer:
                self.assertIn(layer, closure[module], f"{module} got {layer}, which it does not include")
                self.assertNotEqual(layer, module)

    def test_the_repositorys_cover_proves_every_module_with_fewer_compiles(self) -> None:
        graph, _ = layers.read_graph(REPO)
        closure = layers.closures(graph)
        tus = layers.cover(REPO, 8)
        proven = set().union(*(tu.proven for tu in tus))
        self.assertEqual(proven, set(graph), "every module of include/fastapi/ is proven by some TU")
        self.assertLess(len(tus), len(graph), "some TU proves more than its own module")
        for tu in tus:
            self.assertIn(tu.chain[-1], tu.proven, "a TU proves the module it names")
            for below, above in zip(tu.chain, tu.chain[1:]):
                self.assertIn(below, closure[above], f"{tu.chain}: each module of a chain is in the next one's closure")
            if tu.layer:
                self.assertIn(tu.layer, closure[tu.chain[0]], f"{tu.chain[-1]}: the layer is in the chain's closure")
        self.assertEqual(len({tu.chain[-1] for tu in tus}), len(tus), "one TU a module")

    def test_a_shared_base_becomes_a_layer_and_only_its_includers_get_it(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            tree = {"core/base.hpp": [], "core/lone.hpp": []}
            tree.update({f"app/user{i}.hpp": ["core/base.hpp"] for i in range(6)})
            self.write_tree(root, tree)
            plan = layers.plan(root, 8)
            self.assertEqual(plan["fastapi/core/base.hpp"], "", "a layer is compiled without itself")
            self.assertEqual(plan["fastapi/core/lone.hpp"], "", "a module that includes no layer gets none")
            for i in range(6):
                self.assertEqual(plan[f"fastapi/app/user{i}.hpp"], "fastapi/core/base.hpp")
            # user0 stops including the base: its layer goes with it.
            tree["app/user0.hpp"] = []
            self.write_tree(root, tree)
            self.assertEqual(layers.plan(root, 8)["fastapi/app/user0.hpp"], "")


class OutputTest(unittest.TestCase):
    """The lines CMake reads: one "tu" line per compile; --no-cover gives each module its own, as before."""

    def lines(self, *args: str) -> list[str]:
        out = subprocess.run([sys.executable, str(REPO / "scripts" / "self_contained_layers.py"), *args],
                             capture_output=True, text=True, check=True).stdout
        return out.splitlines()

    def test_each_module_is_named_with_the_tu_that_proves_it(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root, {"core/a.hpp": A, "app/m.hpp": '#pragma once\n#include "fastapi/core/a.hpp"\n'})
            self.assertEqual(self.lines("--root", tmp), [
                "tu fastapi/app/m.hpp layer= includes=fastapi/app/m.hpp proves=fastapi/app/m.hpp,fastapi/core/a.hpp",
                "fastapi/app/m.hpp proven by fastapi/app/m.hpp",
                "fastapi/core/a.hpp proven by fastapi/app/m.hpp"])
            self.assertEqual([line for line in self.lines("--root", tmp, "--no-cover") if line.startswith("tu ")], [
                "tu fastapi/app/m.hpp layer= includes=fastapi/app/m.hpp proves=fastapi/app/m.hpp",
                "tu fastapi/core/a.hpp layer= includes=fastapi/core/a.hpp proves=fastapi/core/a.hpp"])


class CoverTest(unittest.TestCase):
    """When one TU proves a module another names, and when it must not."""

    def tree(self, headers: dict[str, str]) -> Path:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        root = Path(tmp.name)
        write(root, headers)
        return root

    def test_a_module_parsed_first_in_anothers_tu_is_proven_by_it(self) -> None:
        m = '// m\n#pragma once\n\n#include "fastapi/core/a.hpp"\n#include <string>\nint m;\n'
        root = self.tree({"core/a.hpp": A, "app/m.hpp": m})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/a.hpp"})
        tus = layers.cover(root, 8)
        self.assertEqual([tu.chain for tu in tus], [["fastapi/app/m.hpp"]], "one compile proves both")

    def test_a_define_above_the_include_in_the_includer_takes_the_proof_away(self) -> None:
        root = self.tree({"core/a.hpp": A,
                          "app/m.hpp": '#pragma once\n#define FASTAPI_X 1\n#include "fastapi/core/a.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"})
        self.assertEqual(len(layers.cover(root, 8)), 2, "each module its own TU")

    def test_code_above_the_chain_in_an_ancestor_takes_the_proof_away(self) -> None:
        root = self.tree({"core/a.hpp": A,
                          "core/b.hpp": '#pragma once\nstruct B {};\n#include "fastapi/core/a.hpp"\n',
                          "app/m.hpp": '#pragma once\n#include "fastapi/core/b.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"}, "b has code above its include of a")

    def test_a_module_with_code_above_one_of_its_includes_is_proven_only_by_its_own_tu(self) -> None:
        x = '#pragma once\n#include <string>\ninline int x() { return 1; }\n#include "fastapi/core/a.hpp"\n'
        m = '#pragma once\n#include "fastapi/core/x.hpp"\n'
        root = self.tree({"core/a.hpp": A, "core/x.hpp": x, "app/m.hpp": m})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"}, "nor a, which comes after x's code")
        # In a chain too: x above m would see nothing m does not include, but x's own lines are the problem.
        self.assertEqual(proven_in(root, ["core/x.hpp", "app/m.hpp"]), set())

    def test_a_standard_header_seen_earlier_that_the_module_does_not_include_takes_the_proof_away(self) -> None:
        m = '#pragma once\n#include <vector>\n#include "fastapi/core/a.hpp"\n'
        root = self.tree({"core/a.hpp": A, "app/m.hpp": m})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"},
                         "a would see <vector>, which it does not include")
        write(root, {"core/a.hpp": A.replace("#include <string>", "#include <string>\n#include <vector>")})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/a.hpp"})

    def test_a_module_completed_earlier_that_the_module_does_not_include_takes_the_proof_away(self) -> None:
        root = self.tree({"core/a.hpp": A, "core/b.hpp": "#pragma once\nstruct B {};\n",
                          "app/m.hpp": '#pragma once\n#include "fastapi/core/b.hpp"\n#include "fastapi/core/a.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/b.hpp"})

    def test_a_chain_proves_each_of_its_modules_when_each_includes_the_one_before(self) -> None:
        root = self.tree({"core/a.hpp": A,
                          "core/b.hpp": '#pragma once\n#include <string>\n#include "fastapi/core/a.hpp"\nint b;\n',
                          "app/m.hpp": '#pragma once\n#include <vector>\n#include "fastapi/core/b.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"}, "<vector> comes before b and a")
        self.assertEqual(proven_in(root, ["core/a.hpp", "core/b.hpp", "app/m.hpp"]),
                         {"core/a.hpp", "core/b.hpp", "app/m.hpp"})
        # A chain whose next module does not include the one before proves nothing.
        write(root, {"app/m.hpp": '#pragma once\n#include <vector>\n'})
        self.assertEqual(proven_in(root, ["core/b.hpp", "app/m.hpp"]), set())

    def test_a_module_without_pragma_once_is_proven_only_by_its_own_tu(self) -> None:
        guarded = "#ifndef FASTAPI_A\n#define FASTAPI_A\n#include <string>\n#endif\n"
        root = self.tree({"core/a.hpp": guarded, "app/m.hpp": '#pragma once\n#include "fastapi/core/a.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"})

    def test_a_third_party_header_configured_otherwise_than_alone_takes_the_proof_away(self) -> None:
        cfg = "#pragma once\n#define SIMDJSON_X 1\n"   # as core/config.hpp pins simdjson's configuration
        late = '#pragma once\n#include <simdjson.h>\n#include "fastapi/core/cfg.hpp"\n'
        m = '#pragma once\n#include "fastapi/core/cfg.hpp"\n#include "fastapi/core/a.hpp"\n'
        root = self.tree({"core/cfg.hpp": cfg, "core/a.hpp": late, "app/m.hpp": m})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/cfg.hpp"},
                         "alone, a reads <simdjson.h> before cfg configures it; in m's TU after")
        write(root, {"core/a.hpp": '#pragma once\n#include "fastapi/core/cfg.hpp"\n#include <simdjson.h>\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/cfg.hpp", "core/a.hpp"})
        # <simdjson.h> read before cfg in the TU, where a (alone: after cfg) comes later: a is not proven.
        write(root, {"app/m.hpp": '#pragma once\n#include <simdjson.h>\n#include "fastapi/core/a.hpp"\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"})

    def test_conditionals(self) -> None:
        root = self.tree({"core/a.hpp": A,
                          "app/m.hpp": '#pragma once\n#ifdef FASTAPI_X\n#include "fastapi/core/a.hpp"\n#endif\n'})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"}, "an include under a conditional proves nothing")
        # A conditional on a macro some other header may define (not ours, not the compiler's): not fixed.
        m = '#pragma once\n#ifdef SO_REUSEPORT\n#include <vector>\n#endif\n#include "fastapi/core/a.hpp"\n'
        write(root, {"app/m.hpp": m})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp"})
        # One on our configuration, the same in every TU, around a header a includes under the same conditional.
        a = A.replace("#include <string>", "#include <string>\n#ifdef FASTAPI_ENABLE_X\n#include <vector>\n#endif")
        write(root, {"core/a.hpp": a, "app/m.hpp": m.replace("SO_REUSEPORT", "FASTAPI_ENABLE_X")})
        self.assertEqual(proven_in(root, ["app/m.hpp"]), {"app/m.hpp", "core/a.hpp"})


@unittest.skipUnless(shutil.which("clang++"), "needs clang++")
class CompileTest(unittest.TestCase):
    """The proof a cover gives still fails when it should: x uses a() without including core/a.hpp, and is proven
    by m's TU, where it comes first; the planned TUs, compiled as CMake compiles them, fail on x."""

    X = '#pragma once\n{include}namespace fastapi {{ inline int x() {{ return a(); }} }}\n'
    M = '#pragma once\n#include "fastapi/core/x.hpp"\n#include "fastapi/core/a.hpp"\nnamespace fastapi { int m(); }\n'

    def compile_plan(self, root: Path) -> list[str]:
        errors = []
        for tu in layers.cover(root, 8):
            self.assertEqual(tu.layer, "")
            source = root / "tu.cpp"
            source.write_text("".join(f'#include "{n}"\n' for n in tu.chain + [tu.chain[-1]]))
            run = subprocess.run(["clang++", "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                  f"-I{root / 'include'}", str(source)], capture_output=True, text=True)
            if run.returncode != 0:
                errors.append(run.stderr)
        return errors

    def test_a_module_proven_by_anothers_tu_that_misses_an_include_fails_the_check(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            a = "#pragma once\nnamespace fastapi { inline int a() { return 1; } }\n"
            write(root, {"core/a.hpp": a, "core/x.hpp": self.X.format(include=""), "app/m.hpp": self.M})
            by = {n: tu.chain[-1] for tu in layers.cover(root, 8) for n in tu.proven}
            self.assertEqual(by["fastapi/core/x.hpp"], "fastapi/app/m.hpp", "x is proven by m's TU, not its own")
            errors = self.compile_plan(root)
            self.assertEqual(len(errors), 1, errors)
            self.assertIn("x.hpp", errors[0])
            self.assertIn("a", errors[0])
            # With the include it needs, the same plan compiles.
            write(root, {"core/x.hpp": self.X.format(include='#include "fastapi/core/a.hpp"\n')})
            self.assertEqual(self.compile_plan(root), [])


if __name__ == "__main__":
    unittest.main()
