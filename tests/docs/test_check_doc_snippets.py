"""tests/docs/test_check_doc_snippets.py: tests/docs/check_doc_snippets.py, driven through its command line on tiny
markdown pages in a temporary tree, against a stand-in fastapi.hpp of a few lines (so each compile is cheap).
Run from the repository root with either of:

    python3 -m unittest tests/docs/test_check_doc_snippets.py
    python3 tests/docs/test_check_doc_snippets.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "docs" / "check_doc_snippets.py"

# The library as far as the pages below use it: an app with one verb, and a router.
FAKE_LIBRARY = """#pragma once
#include <string>
#include <type_traits>
namespace fastapi {
struct Json { Json() = default; Json(const char*) {} };
struct APIRouter {};
struct RouteOptions { int status_code = 200; };
struct App {
  template <class F> void get(std::string path, F handler, RouteOptions options = {}) {
    (void)path, (void)handler, (void)options;
  }
};
template <class T> struct Query { T value; const T& operator*() const { return value; } };
template <class T> struct Body { static_assert(!std::is_pointer_v<T>, "fastapi: a body is not a pointer"); };
}  // namespace fastapi
"""
ENV = """#pragma once
#include "fastapi.hpp"
namespace fa = fastapi;
namespace doc_env {
fa::Json handler();
namespace page_other { int page_only(); }
}  // namespace doc_env
"""
EXCERPT_SOURCE = "int main() {\n  int a = 1;\n  int b = 2;\n  int c = 3;\n  return a + b + c;\n}\n"

GOOD = """# Good

A whole program, renamed main:

```cpp
#include "fastapi.hpp"
namespace fa = fastapi;
struct Item { std::string name; };
int main() {
  fa::App app;
  app.get("/", [] { return fa::Json("hi"); });
  return 0;
}
```

Statements, with `app` and the stand-in `handler` (and a body left to the reader):

```cpp
struct Item { int id; };                  // the same name as above: each block has its namespace
Item make_item(int id);                   // a declaration stays at namespace scope
app.get("/items", handler, {.status_code = 201});
app.get("/other", [](int id) { ... });
```

<!-- fragment -->
```cpp
app.get("/x", ...);   // not C++
```

<!-- compile: given fa::Query<int> limit -->
```cpp
int twice = *limit * 2;
```

<!-- compile: parameters -->
```cpp
fa::Query<int>          // one parameter
fa::Query<std::string>  // another
```

<!-- from excerpt.cpp -->
```cpp
int main() {
// ...
  int c = 3;
```

```sh
not C++: not compiled
```
"""
BROKEN = """# Broken

Fine:

```cpp
app.get("/", handler);
```

A name the library lacks:

```cpp
app.post("/", handler);
```

A misuse the library refuses, in the library's words:

```cpp
fa::Body<int*> body;
```
"""
UNMARKED = """# Unmarked

```cpp
app.get("/x", ...);
```
"""
DODGES = """# Dodges

```c++
app.get("/", handler);
```

```C++
app.get("/", handler);
```

```cpp an info string after the language
app.post("/", handler);
```
"""
BAD_EXCERPT = """# Bad excerpt

<!-- from excerpt.cpp -->
```cpp
  int c = 3;
// ...
  int a = 1;
```
"""
TYPO = """# A misspelled marker

<!-- fragmnet -->
```cpp
app.get("/", handler);
```
"""
PAGE_NAMES = """# A page's own stand-in

```cpp
int n = page_only();
```
"""


@unittest.skipUnless(shutil.which("clang++"), "clang++ is not installed")
class CheckDocSnippets(unittest.TestCase):
    def run_on(self, pages: dict[str, str], args: list[str] | None = None) -> subprocess.CompletedProcess:
        tmp = tempfile.TemporaryDirectory(prefix="doc_snippets_test_")
        self.addCleanup(tmp.cleanup)
        root = Path(tmp.name)
        files = {"include/fastapi.hpp": FAKE_LIBRARY, "env.hpp": ENV, "excerpt.cpp": EXCERPT_SOURCE, **pages}
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root), "--env", str(root / "env.hpp"),
                               *(list(pages) if args is None else args)], capture_output=True, text=True, timeout=120)

    def test_good_blocks_fragments_given_parameters_and_excerpts_pass(self):
        r = self.run_on({"good.md": GOOD})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 files, 4 blocks compiled, 1 fragments, 1 excerpts; 0 problem(s)", r.stdout)

    def test_a_block_that_does_not_compile_is_named_at_its_line_with_the_first_error(self):
        r = self.run_on({"broken.md": BROKEN})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL broken.md:11: no member named 'post' in 'fastapi::App'", r.stdout)
        self.assertIn("FAIL broken.md:17: static_assert: fastapi: a body is not a pointer\n", r.stdout)
        self.assertNotIn("broken.md:5", r.stdout)

    def test_an_unmarked_block_that_is_not_cpp_fails(self):
        r = self.run_on({"unmarked.md": UNMARKED})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"FAIL unmarked.md:3: expected expression")

    def test_other_spellings_of_cpp_fail_and_say_how_to_spell_it(self):
        r = self.run_on({"dodges.md": DODGES})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL dodges.md:3: a C++ block is spelled ```c++: spell it ```cpp", r.stdout)
        self.assertIn("FAIL dodges.md:7: a C++ block is spelled ```C++", r.stdout)
        self.assertIn("FAIL dodges.md:11: no member named 'post'", r.stdout)

    def test_a_misspelled_marker_fails(self):
        r = self.run_on({"typo.md": TYPO})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL typo.md:4: <!-- fragmnet --> is no marker of this check", r.stdout)

    def test_an_excerpt_out_of_order_fails(self):
        r = self.run_on({"excerpt.md": BAD_EXCERPT})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL excerpt.md:4: not verbatim (or not in order) in excerpt.cpp: 'int a = 1;'", r.stdout)

    def test_by_default_the_readme_and_docs_pages_but_not_the_tutorial_nor_compile_errors(self):
        r = self.run_on({"README.md": GOOD, "docs/page.md": GOOD, "docs/tutorial/01.md": UNMARKED,
                         "docs/compile_errors.md": BROKEN}, args=[])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 files, 8 blocks compiled", r.stdout)

    def test_a_pages_own_stand_ins_are_seen_by_that_page_only(self):
        self.assertEqual(self.run_on({"other.md": PAGE_NAMES}).returncode, 0)
        r = self.run_on({"elsewhere.md": PAGE_NAMES})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL elsewhere.md:3: use of undeclared identifier 'page_only'", r.stdout)


if __name__ == "__main__":
    unittest.main()
