"""tests/tools/test_key_functions.py: a file that includes fastapi.hpp and uses nothing of it compiles none of
the library's functions. The Itanium C++ ABI emits a class's vtable, with every virtual function and all they
call, in each file that defines its key function (its first virtual function neither pure nor inline where the
class is defined); a virtual function declared plainly in its class and defined below it with
FASTAPI_DETAIL_INLINE is such a key function, defined in every header-only file. One of them made every file
compile the server, App::handle and what they reach (~4,900 functions, 19 s of CPU under ASan, for an empty
file): its declaration carries FASTAPI_DETAIL_INLINE too (core/config.hpp says why). Checked with clang++ -O0 on
an empty file, header-only (only Asio's own static objects may define functions there: no function of ours) and
with FASTAPI_SEPARATE_COMPILATION (an app's file: nothing at all). g++ 12 is not asked: at -O0 it emits the body
of every inline coroutine whether it is called or not (a compiler behaviour, docs/compile_time.md). About 20 s of
one core. Run from the repository root with:

    python3 tests/tools/test_key_functions.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CXX = shutil.which("clang++")
NM = shutil.which("nm")
EMPTY = '#include "fastapi.hpp"\n#include "fastapi/testing/test_client.hpp"\n'
# Header-only, the empty file defines Asio's static objects (error categories, service ids, thread-local call
# stacks: ~110 functions with their constructors, destructors and what they use), as any file that includes
# <asio.hpp> does. A key function defined in the header brings thousands.
MOST_FUNCTIONS_HEADER_ONLY = 250


def defined_functions(*flags: str) -> tuple[list[str], list[str]]:
    """Compiles the empty file with clang++ -O0 -c and `flags`: (the functions it defines, its vtables)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, obj = Path(tmp) / "empty.cpp", Path(tmp) / "empty.o"
        source.write_text(EMPTY)
        r = subprocess.run([CXX, "-std=c++20", "-O0", *flags, f"-I{REPO / 'include'}", "-c", str(source), "-o",
                            str(obj)], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise AssertionError(f"{CXX} {' '.join(flags)} failed:\n{r.stderr[:3000]}")
        r = subprocess.run([NM, "-C", "--defined-only", str(obj)], capture_output=True, text=True, check=True)
    symbols = [re.split(r"\s+", line.strip(), maxsplit=2) for line in r.stdout.splitlines()]
    functions = [s[2] for s in symbols if len(s) == 3 and s[1] in ("T", "t", "W") and not s[2].startswith("guard ")]
    vtables = [s[2] for s in symbols if len(s) == 3 and s[2].startswith("vtable for ")]
    return functions, vtables


def summary(functions: list[str], vtables: list[str]) -> str:
    ours = [f for f in functions if "fastapi::" in f]
    return (f"{len(functions)} functions defined, {len(ours)} of them ours; our vtables: "
            f"{[v for v in vtables if 'fastapi::' in v]}; our first functions: {[f[:160] for f in ours[:8]]}")


@unittest.skipIf(CXX is None or NM is None, "no clang++ or nm")
class KeyFunctions(unittest.TestCase):
    def test_header_only_empty_file_compiles_none_of_the_library(self) -> None:
        functions, vtables = defined_functions()
        ours = [f for f in functions if "fastapi::" in f]
        if ours or len(functions) > MOST_FUNCTIONS_HEADER_ONLY:
            self.fail(f"header-only (at most {MOST_FUNCTIONS_HEADER_ONLY} functions, none ours): " +
                      summary(functions, vtables))

    def test_separate_compilation_app_file_defines_nothing(self) -> None:
        functions, vtables = defined_functions("-DFASTAPI_SEPARATE_COMPILATION")
        if functions:
            self.fail("FASTAPI_SEPARATE_COMPILATION (no function at all): " + summary(functions, vtables))


if __name__ == "__main__":
    result = unittest.main(exit=False).result
    # The suite shows a tool test's last lines only: the first failure's sentence, last.
    for _, trace in result.failures + result.errors:
        print("FAIL tests/tools/test_key_functions.py: " + trace.strip().splitlines()[-1][:1500])
    raise SystemExit(0 if result.wasSuccessful() else 1)
