"""tests/tools/test_macros.py: the header's macros, read from the sources. Every internal macro
(#define FASTAPI_DETAIL_...) under include/ is undone (#undef after its use in its module, or in
core/macro_unscope.hpp, the umbrella's last module) and checked by tests/core/test_macros.cpp, which the
suite compiles after fastapi.hpp; every other FASTAPI_ macro is user-facing: the version, or a line of
README.md's macro table. Run from the repository root with either of:

    python3 -m unittest tests/tools/test_macros.py
    python3 tests/tools/test_macros.py
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from single_include_build import lex_lines, read_source  # noqa: E402  (its lexer: directives, not comments)

INCLUDE = REPO / "include"
UNSCOPE = "fastapi/core/macro_unscope.hpp"
MACRO_TEST = REPO / "tests" / "core" / "test_macros.cpp"
DIRECTIVE = re.compile(r"\s*#\s*(define|undef)\s+(FASTAPI_[A-Za-z0-9_]*)")
UMBRELLA_INCLUDE = re.compile(r'\s*#\s*include\s*"([^"]+)"')
CHECKED = re.compile(r"^#if defined\((FASTAPI_DETAIL_[A-Za-z0-9_]*)\)\n#error ", re.MULTILINE)
README_ROW = re.compile(r"^\| `(FASTAPI_[A-Za-z0-9_]*)` \|", re.MULTILINE)


def directives(path: Path) -> list[tuple[str, str, int]]:
    """(define|undef, name, line) for each FASTAPI_ macro directive of a file, comments skipped."""
    out = []
    for line in lex_lines(read_source(path)):
        m = DIRECTIVE.match(line.code) if line.at_top else None
        if m:
            out.append((m.group(1), m.group(2), line.number))
    return out


def headers() -> list[Path]:
    return sorted(INCLUDE.rglob("*.hpp"))


def shown(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


class Macros(unittest.TestCase):
    def test_the_unscope_module_is_the_last_of_the_umbrella(self):
        modules = [m.group(1) for line in lex_lines(read_source(INCLUDE / "fastapi.hpp"))
                   if line.at_top and (m := UMBRELLA_INCLUDE.match(line.code))]
        self.assertEqual(modules[-1], UNSCOPE, f"include/fastapi.hpp must end with #include \"{UNSCOPE}\"")

    def test_every_internal_macro_is_undone(self):
        unscoped = {name for kind, name, _ in directives(INCLUDE / UNSCOPE) if kind == "undef"}
        problems = []
        for path in headers():
            found = directives(path)
            for kind, name, number in found:
                if kind != "define" or not name.startswith("FASTAPI_DETAIL_"):
                    continue
                undone_here = any(k == "undef" and n == name and line > number for k, n, line in found)
                if not undone_here and name not in unscoped:
                    problems.append(f"{shown(path)} line {number} defines {name}, which nothing undoes: #undef it "
                                    f"after its last use in that module, or in include/{UNSCOPE}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_the_unscope_module_undoes_only_macros_that_exist(self):
        defined = {name for path in headers() for kind, name, _ in directives(path) if kind == "define"}
        stale = [name for kind, name, _ in directives(INCLUDE / UNSCOPE) if kind == "undef" and name not in defined]
        self.assertEqual(stale, [], f"include/{UNSCOPE} undoes macros no module defines: {stale}")

    def test_every_internal_macro_is_checked_after_the_header(self):
        checked = set(CHECKED.findall(read_source(MACRO_TEST)))
        missing = sorted({name for path in headers() for kind, name, _ in directives(path)
                          if kind == "define" and name.startswith("FASTAPI_DETAIL_")} - checked)
        self.assertEqual(missing, [], f"{shown(MACRO_TEST)} lacks '#if defined(NAME)' / '#error ...' for: {missing}")

    def test_every_other_macro_is_user_facing(self):
        documented = set(README_ROW.findall(read_source(REPO / "README.md")))
        problems = []
        for path in headers():
            for kind, name, number in directives(path):
                if kind == "define" and not name.startswith(("FASTAPI_DETAIL_", "FASTAPI_VERSION_")) \
                        and name not in documented:
                    problems.append(f"{shown(path)} line {number} defines {name}: a user-facing macro belongs to "
                                    f"README.md's macro table; an internal one is spelled FASTAPI_DETAIL_ and undone")
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
