"""tests/tools/test_self_contained_layers.py: scripts/self_contained_layers.py, the plan of the precompiled
headers of the self-contained check (each module alone). What keeps the check's proof: a module only ever gets a
layer it includes (directly or not), never itself; a module that includes no layer gets none; an edit of the
include graph changes the plan. Run from the repository root with:

    python3 tests/tools/test_self_contained_layers.py
"""

from __future__ import annotations

import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import self_contained_layers as layers  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
