"""tests/tools/test_syntax_cache.py: scripts/syntax_cache.sh, the launcher that remembers passed -fsyntax-only
compiles (the self-contained check's cache). Driven with a stand-in compiler (a small script: `-E` prints the
source after the files it is told to `-include`, and fails when given a precompiled header; `-fsyntax-only` logs
that it ran and fails on a line `error`, warns on a line `warning`), so the test sees exactly which compiles ran. Run from the repository root with:

    python3 tests/tools/test_syntax_cache.py
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "scripts" / "syntax_cache.sh"
COMPILER = r"""#!/usr/bin/env bash
src="" out=""; mode=compile; prev=""; included=(); pch=""
for a in "$@"; do
  [ "$a" = -Xclang ] && continue   # what follows is read as the driver would pass it on
  [ "$prev" = -o ] && out=$a
  [ "$prev" = -include ] && included+=("$a")
  [ "$prev" = -include-pch ] && pch=$a
  case "$a" in -E) mode=preprocess ;; --version) echo "fake-cc 1.0"; exit 0 ;; *.cpp) src=$a ;; esac
  prev=$a
done
if [ "$mode" = preprocess ]; then
  [ -z "$pch" ] || { echo "the preprocessor was given the precompiled header $pch" >&2; exit 1; }
  cat "${included[@]}" "$src"; exit 0
fi
echo "$src" >>"$FAKE_CC_LOG"
grep -q '^error' "$src" && { echo "$src:1: error: no" >&2; exit 1; }
grep -q '^warning' "$src" && echo "$src:1: warning: hm" >&2
exit 0
"""


class SyntaxCacheTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.cc = self.dir / "cc"
        self.cc.write_text(COMPILER)
        self.cc.chmod(0o755)
        self.log = self.dir / "compiled.log"
        self.env = {**os.environ, "FASTAPI_SYNTAX_CACHE": str(self.dir / "cache"), "FAKE_CC_LOG": str(self.log),
                    "CCACHE_BASEDIR": str(self.dir)}

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def compile(self, name: str, *extra: str) -> subprocess.CompletedProcess:
        out = self.dir / (name + ".o")
        return subprocess.run([str(LAUNCHER), str(self.cc), "-std=c++20", *extra, "-fsyntax-only", "-o", str(out),
                               "-c", str(self.dir / name)], env=self.env, capture_output=True, text=True, timeout=60)

    def compiled(self) -> int:
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0

    def test_a_passed_compile_is_not_run_again_until_its_source_or_flags_change(self) -> None:
        (self.dir / "a.cpp").write_text("int a;\n")
        self.assertEqual(self.compile("a.cpp").returncode, 0)
        self.assertEqual(self.compiled(), 1)
        (self.dir / "a.cpp.o").unlink()
        self.assertEqual(self.compile("a.cpp").returncode, 0)
        self.assertEqual(self.compiled(), 1, "the same compile again must come from the cache")
        self.assertTrue((self.dir / "a.cpp.o").exists(), "the output is created on a hit, for the build tool")
        self.compile("a.cpp", "-DX=1")
        self.assertEqual(self.compiled(), 2, "other flags are another compile")
        (self.dir / "a.cpp").write_text("int a, b;\n")
        self.compile("a.cpp")
        self.assertEqual(self.compiled(), 3, "another preprocessed source is another compile")

    def test_the_same_compile_in_another_checkout_hits(self) -> None:
        # Another checkout: the same file under another path, whose preprocessed text names that path (__FILE__).
        for checkout in ("one", "two"):
            root = self.dir / checkout
            root.mkdir()
            (root / "a.cpp").write_text(f'const char* f = "{root}/a.cpp";\n')
            self.env["CCACHE_BASEDIR"] = str(root)
            ran = subprocess.run([str(LAUNCHER), str(self.cc), f"-I{root}/include", "-fsyntax-only", "-o",
                                  str(root / "a.o"), "-c", str(root / "a.cpp")], env=self.env, capture_output=True,
                                 text=True, timeout=60)
            self.assertEqual(ran.returncode, 0)
        self.assertEqual(self.compiled(), 1, "the checkout's path is not part of what the compile is")

    def test_a_precompiled_header_is_keyed_by_its_header_text(self) -> None:
        # clang's form, as CMake writes it for the self-contained check's layers: the .pch and its header. The key
        # must follow the header's text (the preprocessor run reads it), not the .pch, which it must not be given.
        (self.dir / "a.cpp").write_text("int a;\n")
        (self.dir / "layer.hpp").write_text("int layer;\n")
        (self.dir / "layer.pch").write_text("binary\n")
        pch = ["-Xclang", "-include-pch", "-Xclang", str(self.dir / "layer.pch"),
               "-Xclang", "-include", "-Xclang", str(self.dir / "layer.hpp")]
        for _ in range(2):
            self.assertEqual(self.compile("a.cpp", *pch).returncode, 0)
        self.assertEqual(self.compiled(), 1, "the same compile with the same header text comes from the cache")
        (self.dir / "layer.pch").write_text("rebuilt, the same text\n")
        self.compile("a.cpp", *pch)
        self.assertEqual(self.compiled(), 1, "the .pch is not the key: its header's text is")
        (self.dir / "layer.hpp").write_text("int layer, changed;\n")
        self.compile("a.cpp", *pch)
        self.assertEqual(self.compiled(), 2, "a changed layer header is another compile")

    def test_a_failed_or_warning_compile_is_never_stored(self) -> None:
        (self.dir / "e.cpp").write_text("error\n")
        (self.dir / "w.cpp").write_text("warning\n")
        for _ in range(2):
            failed = self.compile("e.cpp")
            self.assertEqual(failed.returncode, 1)
            self.assertIn("error: no", failed.stderr)
            warned = self.compile("w.cpp")
            self.assertEqual(warned.returncode, 0)
            self.assertIn("warning: hm", warned.stderr, "a warning is shown on every run")
        self.assertEqual(self.compiled(), 4)

    def test_other_compiles_pass_through_and_off_disables(self) -> None:
        (self.dir / "a.cpp").write_text("int a;\n")
        ran = subprocess.run([str(LAUNCHER), str(self.cc), "-c", str(self.dir / "a.cpp"), "-o", str(self.dir / "a.o")],
                             env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(ran.returncode, 0)
        self.assertEqual(self.compiled(), 1)
        self.assertFalse((self.dir / "cache").exists(), "a compile that makes an object is ccache's, not ours")
        self.env["FASTAPI_SYNTAX_CACHE"] = "off"
        self.compile("a.cpp")
        self.compile("a.cpp")
        self.assertEqual(self.compiled(), 3)


if __name__ == "__main__":
    unittest.main()
