"""tests/tools/test_single_include_build.py: the amalgamator, driven through its command line on
small temporary trees (a fake umbrella and fake modules), never on the real include/ tree except
one guarded smoke test. Run from the repository root with either of:

    python3 -m unittest tests/tools/test_single_include_build.py
    python3 tests/tools/test_single_include_build.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "single_include_build.py"
STALE = "fastapi.hpp is stale: run python3 single_include_build.py"

VERSION_HPP = """\
// core/version.hpp: the version.
#pragma once

#define FASTAPI_VERSION_STRING "9.8.7"
"""


def umbrella(*modules: str, extra: str = "") -> str:
    """An umbrella listing modules ("core/a.hpp") in the given order."""
    lines = ["// fastapi.hpp: the modular umbrella.", "#pragma once", ""]
    lines += [f'#include "fastapi/{m}"' for m in modules]
    return "\n".join(lines) + "\n" + extra


def module(station: str, *includes: str, body: str = "") -> str:
    """A module: station comment, #pragma once, includes (given verbatim), a body."""
    text = f"// {station}\n#pragma once\n\n"
    if includes:
        text += "\n".join(includes) + "\n\n"
    return text + body


class Tree:
    """A temporary repository root: include/fastapi.hpp plus include/fastapi/<dir>/<file>.hpp."""

    def __init__(self, files: dict[str, str]) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="sib_test_")
        self.root = Path(self._tmp.name)
        all_files = {"include/fastapi/core/version.hpp": VERSION_HPP}
        all_files.update(files)
        for rel, text in all_files.items():
            self.write(rel, text)

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(SCRIPT), "--root", str(self.root), *args],
                              capture_output=True, text=True, timeout=60)

    def output(self, rel: str = "fastapi.hpp") -> str:
        return (self.root / rel).read_bytes().decode()

    def close(self) -> None:
        self._tmp.cleanup()


def basic_files() -> dict[str, str]:
    """core/zeta listed before core/alpha (so order is the umbrella's, not alphabetical);
    http/gzip includes both and keeps a conditional system include."""
    return {
        "include/fastapi.hpp": umbrella("core/version.hpp", "core/zeta.hpp", "core/alpha.hpp", "http/gzip.hpp"),
        "include/fastapi/core/zeta.hpp": module(
            "core/zeta.hpp: first after version.", "#include <string>",
            body="namespace fastapi { inline int zeta() { return 1; } }\n"),
        "include/fastapi/core/alpha.hpp": module(
            "core/alpha.hpp: second.", "#include <string>", '#include "fastapi/core/zeta.hpp"',
            body="namespace fastapi { inline int alpha() { return zeta() + 1; } }\n"),
        "include/fastapi/http/gzip.hpp": (
            "// http/gzip.hpp: optional compression.\n"
            "#pragma once\n"
            "\n"
            "#include <cstddef>\n"
            "#ifdef FASTAPI_ENABLE_GZIP\n"
            "#include <zlib.h>\n"
            "#endif\n"
            "\n"
            '#include "fastapi/core/alpha.hpp"\n'
            '#include "fastapi/core/version.hpp"\n'
            "\n"
            "namespace fastapi { inline int gzip() { return alpha(); } }\n"),
    }


class TreeTest(unittest.TestCase):
    def make(self, files: dict[str, str]) -> Tree:
        tree = Tree(files)
        self.addCleanup(tree.close)
        return tree

    def assert_fails_with(self, tree: Tree, *fragments: str, args: tuple[str, ...] = ()) -> str:
        result = tree.run(*args)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertFalse((tree.root / "fastapi.hpp").exists(), "nothing is written on error")
        for line in result.stderr.splitlines():   # the list the real-tree smoke test accepts is complete
            self.assertTrue(any(p.match(line) for p in KNOWN_ERRORS), f"not in KNOWN_ERRORS: {line}")
        return result.stderr


class Generation(TreeTest):
    def setUp(self) -> None:
        self.tree = self.make(basic_files())
        result = self.tree.run()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.result = result
        self.text = self.tree.output()

    def test_prints_one_line_saying_what_was_written(self) -> None:
        self.assertEqual(self.result.stdout.strip().count("\n"), 0)
        self.assertIn("wrote fastapi.hpp", self.result.stdout)

    def test_modules_come_in_umbrella_order_each_after_its_navigation_line(self) -> None:
        navs = re.findall(r"^// ==== (\S+) ====$", self.text, re.MULTILINE)
        self.assertEqual(navs, ["fastapi/core/version.hpp", "fastapi/core/zeta.hpp",
                                "fastapi/core/alpha.hpp", "fastapi/http/gzip.hpp"])
        self.assertIn("// ==== fastapi/core/zeta.hpp ====\n// core/zeta.hpp: first after version.\n",
                      self.text)
        self.assertLess(self.text.index("inline int zeta()"), self.text.index("inline int alpha()"))
        self.assertLess(self.text.index("inline int alpha()"), self.text.index("inline int gzip()"))

    def test_internal_includes_and_pragma_once_are_removed(self) -> None:
        self.assertNotIn('#include "fastapi/', self.text)
        self.assertNotIn("#pragma once", self.text)

    def test_system_includes_stay_where_they_are_even_inside_ifdef(self) -> None:
        self.assertIn("#include <cstddef>\n#ifdef FASTAPI_ENABLE_GZIP\n#include <zlib.h>\n#endif\n", self.text)
        self.assertEqual(self.text.count("#include <string>\n"), 2, "repeats are kept: guards make them free")

    def test_removals_leave_no_double_blank_lines(self) -> None:
        self.assertNotIn("\n\n\n", self.text)
        self.assertIn("#endif\n\nnamespace fastapi { inline int gzip()", self.text)

    def test_banner_names_file_version_licence_and_says_generated(self) -> None:
        lines = self.text.split("\n")
        self.assertTrue(lines[0].startswith("// fastapi.hpp 9.8.7"), lines[0])
        banner = "\n".join(lines[:6])
        self.assertIn("MIT", banner)
        self.assertIn("// GENERATED by single_include_build.py from include/ - do not edit\n", self.text)
        self.assertEqual(self.text.count("GENERATED by"), 1)

    def test_one_include_guard_wraps_the_whole_file(self) -> None:
        self.assertIn("\n#ifndef FASTAPI_HPP_SINGLE_INCLUDE\n#define FASTAPI_HPP_SINGLE_INCLUDE\n", self.text)
        self.assertTrue(self.text.endswith("\n#endif  // FASTAPI_HPP_SINGLE_INCLUDE\n"))
        self.assertLess(self.text.index("#define FASTAPI_HPP_SINGLE_INCLUDE"), self.text.index("// ===="))

    def test_bytes_are_lf_only_pathless_and_end_with_a_newline(self) -> None:
        data = (self.tree.root / "fastapi.hpp").read_bytes()
        self.assertNotIn(b"\r", data)
        self.assertTrue(data.endswith(b"\n"))
        self.assertNotIn(str(self.tree.root).encode(), data)
        self.assertNotIn(b"sib_test_", data)

    def test_running_twice_gives_identical_bytes(self) -> None:
        first = (self.tree.root / "fastapi.hpp").read_bytes()
        again = self.tree.run()
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual((self.tree.root / "fastapi.hpp").read_bytes(), first)
        other = self.make(basic_files())          # another directory: same bytes
        self.assertEqual(other.run().returncode, 0)
        self.assertEqual((other.root / "fastapi.hpp").read_bytes(), first)

    def test_output_option_writes_elsewhere(self) -> None:
        with tempfile.TemporaryDirectory() as out_dir:
            out = Path(out_dir) / "single.hpp"
            result = self.tree.run("--output", str(out))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(out.read_text(), self.text)


class Check(TreeTest):
    def setUp(self) -> None:
        self.tree = self.make(basic_files())
        self.assertEqual(self.tree.run().returncode, 0)

    def test_fresh_file_passes_with_an_ok_line(self) -> None:
        result = self.tree.run("--check")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("up to date", result.stdout)
        self.assertNotIn("stale", result.stdout + result.stderr)

    def test_edited_module_makes_it_stale_with_a_short_diff(self) -> None:
        before = (self.tree.root / "fastapi.hpp").read_bytes()
        path = "include/fastapi/core/alpha.hpp"
        self.tree.write(path, self.tree.output(path).replace("zeta() + 1", "zeta() + 2"))
        result = self.tree.run("--check")
        self.assertEqual(result.returncode, 1)
        self.assertIn(STALE, result.stderr)
        self.assertIn("-namespace fastapi { inline int alpha() { return zeta() + 1; } }", result.stderr)
        self.assertIn("+namespace fastapi { inline int alpha() { return zeta() + 2; } }", result.stderr)
        self.assertEqual((self.tree.root / "fastapi.hpp").read_bytes(), before, "--check writes nothing")

    def test_diff_excerpt_is_at_most_about_twenty_lines(self) -> None:
        body = "".join(f"inline int f{i}() {{ return {i}; }}\n" for i in range(200))
        self.tree.write("include/fastapi/core/zeta.hpp", module("core/zeta.hpp: many.", body=body))
        result = self.tree.run("--check")
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.rstrip().endswith(STALE))
        self.assertLessEqual(len(result.stderr.splitlines()), 23, result.stderr)

    def test_crlf_or_hand_edited_copy_is_stale(self) -> None:
        data = (self.tree.root / "fastapi.hpp").read_bytes()
        self.tree.write("fastapi.hpp", data.replace(b"\n", b"\r\n"))
        result = self.tree.run("--check")
        self.assertEqual(result.returncode, 1)
        self.assertIn(STALE, result.stderr)

    def test_missing_file_is_stale(self) -> None:
        (self.tree.root / "fastapi.hpp").unlink()
        result = self.tree.run("--check")
        self.assertEqual(result.returncode, 1)
        self.assertIn(STALE, result.stderr)
        self.assertFalse((self.tree.root / "fastapi.hpp").exists())


class Remap(TreeTest):
    def test_line_directives_point_at_the_modular_sources(self) -> None:
        tree = self.make(basic_files())
        result = tree.run("--remap")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse((tree.root / "fastapi.hpp").exists(), "--remap writes only the scratch copy")
        text = tree.output("build/fastapi.remap.hpp")
        # Module start: the station comment is line 1 of its file.
        self.assertIn('// ==== fastapi/core/zeta.hpp ====\n#line 1 "include/fastapi/core/zeta.hpp"\n'
                      "// core/zeta.hpp: first after version.\n", text)
        # After the removed #pragma once (line 2), the blank line 3 continues at 3.
        self.assertIn('// core/zeta.hpp: first after version.\n#line 3 "include/fastapi/core/zeta.hpp"\n', text)
        # gzip.hpp: lines 9-10 (internal includes) and the blank 11 are dropped; line 12 is the namespace.
        self.assertIn('#endif\n\n#line 12 "include/fastapi/http/gzip.hpp"\nnamespace fastapi { inline int gzip()',
                      text)
        self.assertNotIn(str(tree.root), text)
        for number, path in re.findall(r'^#line (\d+) "([^"]+)"$', text, re.MULTILINE):
            self.assertTrue((tree.root / path).is_file(), path)

    def test_every_line_directive_tells_the_truth(self) -> None:
        tree = self.make(basic_files())
        self.assertEqual(tree.run("--remap").returncode, 0)
        current_file, current_line = None, 0
        for line in tree.output("build/fastapi.remap.hpp").split("\n"):
            m = re.fullmatch(r'#line (\d+) "([^"]+)"', line)
            if m:
                current_file, current_line = m.group(2), int(m.group(1))
                continue
            if line.startswith("// ==== ") or line == "#endif  // FASTAPI_HPP_SINGLE_INCLUDE":
                current_file = None
                continue
            if current_file is not None:
                source = tree.output(current_file).split("\n")
                self.assertEqual(source[current_line - 1], line, f"{current_file}:{current_line}")
                current_line += 1


class Lexing(TreeTest):
    def test_directive_lookalikes_in_comments_and_raw_strings_are_kept(self) -> None:
        body = (
            "/* the old way:\n"
            '#include "fastapi/core/version.hpp"\n'
            "*/\n"
            'inline constexpr long big = 1\'000; inline constexpr const char* page = R"html(\n'
            "#pragma once\n"
            '#include "fastapi/core/version.hpp"\n'
            '\n'
            '\n'
            ')html";\n'
            "inline constexpr char q = '\"'; /* a quote in a char, not a string:\n"
            '#include "fastapi/core/version.hpp"\n'
            "*/\n"
            "#define TWO_LINES \\\n"
            '#include "fastapi/core/version.hpp"\n')
        tree = self.make({
            "include/fastapi.hpp": umbrella("core/version.hpp", "core/page.hpp"),
            "include/fastapi/core/page.hpp": module("core/page.hpp: tricky.", body=body),
        })
        result = tree.run()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(body, tree.output())

    def test_crlf_and_bom_in_a_module_become_plain_lf(self) -> None:
        tree = self.make({
            "include/fastapi.hpp": umbrella("core/version.hpp", "core/win.hpp"),
            "include/fastapi/core/win.hpp": "",
        })
        tree.write("include/fastapi/core/win.hpp",
                   b"\xef\xbb\xbf// core/win.hpp: CRLF.\r\n#pragma once\r\n\r\ninline int w() { return 0; }\r\n")
        self.assertEqual(tree.run().returncode, 0)
        data = (tree.root / "fastapi.hpp").read_bytes()
        self.assertNotIn(b"\r", data)
        self.assertNotIn(b"\xef\xbb\xbf", data)
        self.assertIn(b"// ==== fastapi/core/win.hpp ====\n// core/win.hpp: CRLF.\n\ninline int w()", data)

    def test_umbrella_comments_are_ignored(self) -> None:
        tree = self.make({
            "include/fastapi.hpp": umbrella("core/version.hpp") + "/* later:\n#include \"fastapi/x/y.hpp\"\n*/\n"
                                   "// #include \"fastapi/x/z.hpp\"\n",
        })
        result = tree.run()
        self.assertEqual(result.returncode, 0, result.stderr)


class Errors(TreeTest):
    def test_module_not_listed_names_both_files(self) -> None:
        files = basic_files()
        files["include/fastapi/http/foo.hpp"] = module("http/foo.hpp: forgotten.")
        self.assert_fails_with(self.make(files), "include/fastapi/http/foo.hpp is not listed in include/fastapi.hpp: "
                                                 "add it after the modules it includes")

    def test_module_listed_twice_gives_both_lines(self) -> None:
        files = basic_files()
        files["include/fastapi.hpp"] = umbrella("core/version.hpp", "core/zeta.hpp", "core/alpha.hpp",
                                                "http/gzip.hpp", "core/zeta.hpp")
        self.assert_fails_with(self.make(files), "include/fastapi/core/zeta.hpp is listed twice in "
                                                 "include/fastapi.hpp (lines 5 and 8)")

    def test_listed_module_that_does_not_exist(self) -> None:
        files = basic_files()
        files["include/fastapi.hpp"] = umbrella("core/version.hpp", "core/zeta.hpp", "core/alpha.hpp",
                                                "http/gzip.hpp", "http/ghost.hpp")
        self.assert_fails_with(self.make(files), "include/fastapi.hpp line 8 lists fastapi/http/ghost.hpp, "
                                                 "but include/fastapi/http/ghost.hpp does not exist")

    def test_module_that_includes_a_later_module(self) -> None:
        files = basic_files()
        files["include/fastapi/core/zeta.hpp"] = module("core/zeta.hpp: reaches ahead.",
                                                        '#include "fastapi/http/gzip.hpp"')
        self.assert_fails_with(self.make(files), "include/fastapi/core/zeta.hpp includes fastapi/http/gzip.hpp",
                               "which comes later in include/fastapi.hpp")

    def test_module_that_includes_itself(self) -> None:
        files = basic_files()
        files["include/fastapi/core/zeta.hpp"] = module("core/zeta.hpp: loops.", '#include "fastapi/core/zeta.hpp"')
        self.assert_fails_with(self.make(files), "include/fastapi/core/zeta.hpp includes itself")

    def test_module_that_includes_an_unlisted_module(self) -> None:
        files = basic_files()
        files["include/fastapi/core/alpha.hpp"] = module("core/alpha.hpp: ghost.", '#include "fastapi/core/ghost.hpp"')
        self.assert_fails_with(self.make(files), "include/fastapi/core/alpha.hpp includes fastapi/core/ghost.hpp",
                               "which is not listed in include/fastapi.hpp")

    def test_relative_spelling_is_refused_with_the_accepted_one(self) -> None:
        files = basic_files()
        files["include/fastapi/core/alpha.hpp"] = module("core/alpha.hpp: lazy.", '#include "zeta.hpp"')
        self.assert_fails_with(self.make(files), "include/fastapi/core/alpha.hpp line 4",
                               '#include "zeta.hpp" must be spelled #include "fastapi/core/zeta.hpp"')

    def test_angled_internal_spelling_is_refused_with_the_accepted_one(self) -> None:
        files = basic_files()
        files["include/fastapi/core/alpha.hpp"] = module("core/alpha.hpp: angled.", "#include <fastapi/core/zeta.hpp>")
        self.assert_fails_with(self.make(files),
                               '#include <fastapi/core/zeta.hpp> must be spelled #include "fastapi/core/zeta.hpp"')

    def test_quoted_third_party_include_is_refused(self) -> None:
        files = basic_files()
        files["include/fastapi/core/alpha.hpp"] = module("core/alpha.hpp: quoted.", '#include "asio.hpp"')
        self.assert_fails_with(self.make(files), '#include "asio.hpp" is not an accepted spelling',
                               '#include "fastapi/<dir>/<file>.hpp"', "#include <...>")

    def test_umbrella_with_a_wrong_spelling_or_stray_line(self) -> None:
        files = basic_files()
        files["include/fastapi.hpp"] += '#include "core/zeta.hpp"\nnamespace fa = fastapi;\n'
        self.assert_fails_with(self.make(files), "include/fastapi.hpp line 8",
                               'must be spelled #include "fastapi/core/zeta.hpp"',
                               "include/fastapi.hpp line 9 is not understood")

    def test_missing_umbrella(self) -> None:
        files = basic_files()
        del files["include/fastapi.hpp"]
        self.assert_fails_with(self.make(files), "include/fastapi.hpp does not exist")

    def test_missing_version_string(self) -> None:
        tree = self.make(basic_files())
        tree.write("include/fastapi/core/version.hpp", "// core/version.hpp\n#pragma once\n")
        self.assert_fails_with(tree, "include/fastapi/core/version.hpp does not define FASTAPI_VERSION_STRING")

    def test_errors_leave_an_existing_file_untouched_and_fail_check(self) -> None:
        tree = self.make(basic_files())
        self.assertEqual(tree.run().returncode, 0)
        before = (tree.root / "fastapi.hpp").read_bytes()
        tree.write("include/fastapi/http/foo.hpp", module("http/foo.hpp: forgotten."))
        for args in ((), ("--check",), ("--remap",)):
            result = tree.run(*args)
            self.assertEqual(result.returncode, 1, args)
            self.assertIn("is not listed in include/fastapi.hpp", result.stderr)
        self.assertEqual((tree.root / "fastapi.hpp").read_bytes(), before)
        self.assertFalse((tree.root / "build").exists())


# Every line the script may print on failure, for the smoke test on the real tree.
KNOWN_ERRORS = [re.compile(p) for p in (
    r"error: include/fastapi/\S+\.hpp is not listed in include/fastapi\.hpp: add it after the modules it includes\.",
    r"error: include/fastapi/\S+ is listed twice in include/fastapi\.hpp \(lines \d+ and \d+\)",
    r"error: include/fastapi\.hpp line \d+ lists \S+, but \S+ does not exist",
    r"error: include/fastapi/\S+ includes \S+ \(line \d+\), which (comes later in|is not listed in) "
    r"include/fastapi\.hpp",
    r"error: include/fastapi/\S+ includes itself",
    r"error: include/fastapi/\S+ line \d+ includes the umbrella",
    r"error: include/\S+ line \d+: #include .* (must be spelled|is not an accepted spelling)",
    r"error: include/fastapi\.hpp line \d+ (is not understood|includes <)",
    r"error: include/fastapi\.hpp (lists no modules|does not exist)",
    r"error: include/fastapi/core/version\.hpp does not define FASTAPI_VERSION_STRING",
    r"error: \d+ problem\(s\); nothing was written\.",
)]


@unittest.skipUnless((REPO / "include" / "fastapi.hpp").is_file(), "no include/fastapi.hpp in this checkout yet")
class RealTree(unittest.TestCase):
    def test_generation_succeeds_or_fails_with_a_defined_message(self) -> None:
        with tempfile.TemporaryDirectory() as out_dir:
            out = Path(out_dir) / "fastapi.hpp"
            result = subprocess.run([sys.executable, str(SCRIPT), "--root", str(REPO), "--output", str(out)],
                                    capture_output=True, text=True, timeout=120)
            if result.returncode == 0:
                self.assertTrue(out.is_file())
                self.assertIn("// GENERATED by single_include_build.py from include/ - do not edit", out.read_text())
            else:
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertFalse(out.exists())
                for line in result.stderr.splitlines():
                    self.assertTrue(any(p.match(line) for p in KNOWN_ERRORS), f"undefined message: {line}")


if __name__ == "__main__":
    unittest.main()
