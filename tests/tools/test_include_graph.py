"""tests/tools/test_include_graph.py: scripts/include_graph.py, driven through its command line on small
temporary trees (an umbrella and a few modules). Run from the repository root with either of:

    python3 -m unittest tests/tools/test_include_graph.py
    python3 tests/tools/test_include_graph.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "include_graph.py"


def tree_files(*modules: tuple[str, list[str]]) -> dict[str, str]:
    """An umbrella listing the modules in order, and each module including the given ones."""
    files = {"include/fastapi.hpp": "// umbrella\n#pragma once\n\n" +
             "".join(f'#include "fastapi/{name}"\n' for name, _ in modules)}
    for name, includes in modules:
        files[f"include/fastapi/{name}"] = (f"// {name}: a module.\n#pragma once\n\n#include <string>\n" +
                                            "".join(f'#include "fastapi/{i}"\n' for i in includes) +
                                            '// #include "fastapi/commented/out.hpp"\n')
    return files


class IncludeGraph(unittest.TestCase):
    def run_on(self, files: dict[str, str], *args: str) -> subprocess.CompletedProcess:
        tmp = tempfile.TemporaryDirectory(prefix="include_graph_test_")
        self.addCleanup(tmp.cleanup)
        for rel, text in files.items():
            path = Path(tmp.name) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return subprocess.run([sys.executable, str(SCRIPT), "--root", tmp.name, *args],
                              capture_output=True, text=True, timeout=60)

    def test_a_straight_line_prints_every_module_by_station_and_exits_0(self):
        r = self.run_on(tree_files(("core/a.hpp", []), ("core/b.hpp", ["core/a.hpp"]),
                                   ("http/c.hpp", ["core/b.hpp", "core/a.hpp"])))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("core (2 modules, umbrella lines 4-5)\n  core/a.hpp -> (nothing)\n"
                      "  core/b.hpp -> core/a.hpp\n", r.stdout)
        self.assertIn("http (1 module, umbrella line 6)\n  http/c.hpp -> core/b.hpp, core/a.hpp\n", r.stdout)
        self.assertIn("no station includes a later station.", r.stdout)
        self.assertNotIn("commented", r.stdout)

    def test_an_arrow_to_a_later_station_is_named_and_exits_1(self):
        files = tree_files(("core/a.hpp", []), ("openapi/op.hpp", ["core/a.hpp"]),
                           ("app/endpoint.hpp", ["openapi/op.hpp"]), ("openapi/spec.hpp", ["app/endpoint.hpp", "core/a.hpp"]))
        r = self.run_on(files)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("openapi (2 modules, umbrella lines 5, 7)", r.stdout)
        self.assertIn("  openapi/spec.hpp -> app/endpoint.hpp (LATER), core/a.hpp\n", r.stdout)
        self.assertIn("station openapi includes later station app: openapi/spec.hpp -> app/endpoint.hpp", r.stdout)

        r = self.run_on(files, "--stations")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("core -> (nothing)    [1 module]\n", r.stdout)
        self.assertIn("openapi -> core, app (LATER)    [2 modules, in 2 runs]\n", r.stdout)
        self.assertIn("app -> openapi    [1 module]\n", r.stdout)
        self.assertIn("station openapi includes later station app", r.stdout)

    def test_a_listed_module_that_does_not_exist_is_an_error(self):
        files = tree_files(("core/a.hpp", []))
        files["include/fastapi.hpp"] += '#include "fastapi/core/gone.hpp"\n'
        r = self.run_on(files)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("core/gone.hpp does not exist", r.stderr)

    @unittest.skipUnless((REPO / "include" / "fastapi.hpp").is_file(), "no include/fastapi.hpp in this checkout")
    def test_the_real_tree_is_read(self):
        r = subprocess.run([sys.executable, str(SCRIPT), "--stations"], capture_output=True, text=True, timeout=120)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertTrue(r.stdout.splitlines()[1].startswith("core -> "), r.stdout)


if __name__ == "__main__":
    unittest.main()
