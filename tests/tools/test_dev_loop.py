"""tests/tools/test_dev_loop.py: scripts/dev.sh, the edit loop, driven as a user drives it. A tiny app in a
scratch directory (fastapi.hpp beside it) is started with `dev.sh app.cpp --port 0`; then:
  answer A -> the handler is edited (written in place) -> answer B, on the same port, from a new process;
  the build is broken -> the compiler's first error is printed and B is still served by the old process;
  the build is fixed (saved by rename, as editors do) -> answer C;
  Ctrl-C (SIGINT to the process group) -> dev.sh says so and exits, and no process of its group is left.
Then once more with FASTAPI_DEV_WATCH=poll (the fallback without inotifywait): an edit is picked up.
Every wait is for an event (a line of output, an answer), bounded; FASTAPI_TEST_TIME_SCALE multiplies the
bounds. 127.0.0.1 only. The PCH and fastapi_impl.o are cached in build/dev-loop-cache/ across runs (keyed by
the header, compiler and flags, so a stale one is never used). Run from anywhere:

    python3 tests/tools/test_dev_loop.py          (CXX=clang++ to drive the clang++ recipe)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("FASTAPI_TEST_TIME_SCALE", "1") or 1)
FIRST_BUILD_S = 900 * SCALE  # a cold cache compiles the PCH and the library (a minute or two, more when busy)
REBUILD_S = 180 * SCALE
SHORT_S = 30 * SCALE

APP = """#include "fastapi.hpp"
namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app;
  app.get("/", [] { return fa::Json{{"answer", "%s"}}; });
  return app.run(argc, argv);
}
"""


class Output:
    """The lines dev.sh (and the app under it) print, collected by a thread; waits are for a line."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for raw in stream:
            with self.cond:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # EOF
            self.cond.notify_all()

    def wait_for(self, pattern: str, start: int, timeout: float) -> tuple[int, re.Match]:
        """The first line at or after index `start` matching `pattern`: (its index, the match)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        raise AssertionError(f"dev.sh ended before a line matching {pattern!r}:\n{self.text()}")
                    m = rx.search(line)
                    if m:
                        return i, m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no line matching {pattern!r} within {timeout:.0f} s:\n{self.text()}")
                self.cond.wait(left)

    def text(self) -> str:
        with self.cond:
            return "\n".join(l for l in self.lines if l is not None)

    def count(self) -> int:
        with self.cond:
            return len(self.lines)


def get(port: int) -> str | None:
    """The answer of GET / (its "answer" field), or None when nothing answers (between two processes)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5 * SCALE) as r:
            return json.loads(r.read())["answer"]
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_answer(port: int, want: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = get(port)
        if last == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"GET / did not answer {want!r} within {timeout:.0f} s (last: {last!r})")


def group_members(pgid: int) -> list[int]:
    """The pids of the live processes of process group `pgid` (from /proc), zombies excluded."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(d.name))
    return out


class DevLoop(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fastapi-dev-"))
        shutil.copy(REPO / "fastapi.hpp", self.dir / "fastapi.hpp")
        self.app = self.dir / "app.cpp"
        self.app.write_text(APP % "A")
        self.proc = None

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # our own group: only after a failure
            self.proc.wait()
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, **env) -> Output:
        cache = REPO / "build" / "dev-loop-cache"
        cache.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["bash", str(REPO / "scripts" / "dev.sh"), "app.cpp", "--port", "0", "--host", "127.0.0.1"],
            cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, "FASTAPI_DEV_CACHE": str(cache), **env})
        return Output(self.proc.stdout)

    def stop(self, out: Output) -> None:
        """Ctrl-C, as a terminal sends it: SIGINT to the whole group. Then nothing of the group is left."""
        pgid = self.proc.pid
        os.killpg(pgid, signal.SIGINT)
        try:
            status = self.proc.wait(timeout=60 * SCALE)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"dev.sh did not stop on SIGINT:\n{out.text()}")
        out.thread.join(timeout=10 * SCALE)
        self.proc.stdout.close()
        if os.environ.get("FASTAPI_DEV_TEST_VERBOSE"):
            print(out.text(), file=sys.stderr)
        out.wait_for(r"^INFO:     Stopping reloader process \[%d\]$" % pgid, 0, 1)
        self.assertEqual(status, 130, out.text())
        deadline = time.monotonic() + 10 * SCALE
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(group_members(pgid), [], "processes of dev.sh's group are left")

    def test_edit_break_fix_stop(self):
        out = self.start()
        out.wait_for(r"^INFO:     Will watch for changes in these directories: \['%s'\]$" % re.escape(
            str(self.dir.resolve())), 0, SHORT_S)
        out.wait_for(r"^INFO:     Started reloader process \[%d\] using inotify$" % self.proc.pid, 0, SHORT_S)
        i, m = out.wait_for(r"^Listening on http://127\.0\.0\.1:(\d+)$", 0, FIRST_BUILD_S)
        port = int(m.group(1))
        self.assertEqual(get(port), "A")

        # An edit in place: a new build, the old process drained, the new one on the same port.
        self.app.write_text(APP % "B")
        j, _ = out.wait_for(r"^WARNING:  Detected changes in 'app\.cpp'\. Reloading\.\.\.$", i, SHORT_S)
        wait_answer(port, "B", REBUILD_S)
        j, m = out.wait_for(r"^Listening on http://127\.0\.0\.1:(\d+)$", j, SHORT_S)
        self.assertEqual(int(m.group(1)), port, "the restarted app must keep the port")

        # A broken build: the first error, and the old process keeps serving.
        self.app.write_text((APP % "C").replace('"C"}};', '"C"}} oops;'))
        k, _ = out.wait_for(r"Detected changes in 'app\.cpp'\. Reloading", j + 1, SHORT_S)
        k, _ = out.wait_for(r"^ERROR:    The build failed; the previous build keeps serving", k, REBUILD_S)
        k, _ = out.wait_for(r"app\.cpp:\d+:\d+: error: ", k, SHORT_S)
        self.assertEqual(get(port), "B")
        self.assertEqual(len(re.findall(r"error: ", out.text()[out.text().index("ERROR:    The build failed"):])), 1,
                         "only the first error is printed:\n" + out.text())

        # Fixed, saved as editors do (a new file renamed over the old one).
        tmp = self.dir / ".app.cpp.swp"
        tmp.write_text(APP % "C")
        os.replace(tmp, self.app)
        wait_answer(port, "C", REBUILD_S)
        k, _ = out.wait_for(r"^INFO:     Rebuilt app\.cpp in [0-9.]+ s; restarting the server$", k, SHORT_S)
        out.wait_for(r"^INFO:     Started server process", k, SHORT_S)
        servers = [int(p) for p in re.findall(r"Started server process \[(\d+)\]", out.text())]
        self.assertEqual(len(servers), 3, out.text())  # A, B, C: the broken build started nothing
        self.stop(out)

    def test_polling_fallback(self):
        out = self.start(FASTAPI_DEV_WATCH="poll")
        out.wait_for(r"^INFO:     Started reloader process \[%d\] using polling$" % self.proc.pid, 0, SHORT_S)
        i, m = out.wait_for(r"^Listening on http://127\.0\.0\.1:(\d+)$", 0, FIRST_BUILD_S)
        port = int(m.group(1))
        self.assertEqual(get(port), "A")
        self.app.write_text(APP % "D")
        out.wait_for(r"^WARNING:  Detected changes in 'app\.cpp'\. Reloading\.\.\.$", i, SHORT_S)
        wait_answer(port, "D", REBUILD_S)
        self.stop(out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
