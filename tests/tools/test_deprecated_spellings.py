"""tests/tools/test_deprecated_spellings.py: an old spelling keeps compiling, with a warning that names the new
one (that the new spellings compile without one, the suite's -Werror builds show: its tests use them). Today:
`fa::Body<T, "name">` (the name after the type), now `fa::Embed<"name", T>` (the name first, as every other
marker takes it). Each compiler that is installed (g++, clang++) checks only the syntax of one small file. Run from the repository root with:

    python3 tests/tools/test_deprecated_spellings.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROGRAM = """#include <string>

#include "fastapi/app/app.hpp"
namespace fa = fastapi;
struct Item {{
  int id = 0;
}};
int main() {{
  fa::App app;
  app.put("/items", []({param} item) {{ return std::to_string(item->id); }});
}}
"""


def compile_syntax(cxx: str, param: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "app.cpp"
        source.write_text(PROGRAM.format(param=param))
        return subprocess.run(
            [cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", f"-I{REPO / 'include'}", str(source)],
            capture_output=True, text=True, timeout=600)


class DeprecatedSpellings(unittest.TestCase):
    def compilers(self):
        found = [c for c in ("g++", "clang++") if shutil.which(c)]
        if not found:
            self.skipTest("no C++ compiler")
        return found

    def test_old_named_body_warns_with_the_new_spelling(self):
        for cxx in self.compilers():
            with self.subTest(cxx=cxx):
                old = compile_syntax(cxx, 'fa::Body<Item, "item">')
                self.assertEqual(old.returncode, 0, old.stderr[-2000:])
                self.assertIn("deprecated", old.stderr)
                self.assertIn('is now spelled fa::Embed<"name", T>', old.stderr.replace('\\"', '"'))


if __name__ == "__main__":
    unittest.main()
