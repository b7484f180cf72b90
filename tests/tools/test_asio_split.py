"""tests/tools/test_asio_split.py: an app's file built with FASTAPI_SEPARATE_COMPILATION parses no Asio header
(docs/compile_time.md): every `#include <asio...>` of the library sits under FASTAPI_DETAIL_ASIO (core/config.hpp),
1 only where the library's functions are compiled. Checked on the preprocessor's list of headers (`g++ -M`, about
a second each) for examples/01_hello.cpp and examples/users_api.cpp, against the single header and the modular
include/, and on a small app that uses every part of the API that runs on Asio (WebSocket, WebSocketHub,
EventSourceResponse, HttpClient, fa::sleep and fa::to_thread, a lifespan, TestClient and its WebSocket), which
must compile in that mode (`-fsyntax-only`: its templates need no Asio type). Run from the repository root with:

    python3 tests/tools/test_asio_split.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CXX = shutil.which("g++") or shutil.which("clang++")
FACES = {"single header": REPO, "modular include/": REPO / "include"}

# Every part of the API that runs on Asio, used as an app and its tests use it.
APP = """#include <chrono>
#include <string>

#include "fastapi.hpp"
namespace fa = fastapi;

fa::AsyncGenerator<fa::ServerSentEvent> ticks() {
  co_await fa::sleep(std::chrono::milliseconds(10));
  fa::ServerSentEvent e{.data = "1"};
  co_yield std::move(e);
}

int main(int argc, char** argv) {
  fa::App app;
  fa::WebSocketHub hub;
  app.lifespan([](fa::App& a) -> fa::Yield<void> {
    a.state<fa::HttpClient>(fa::ClientOptions{.base_url = "http://127.0.0.1:9"});
    co_yield {};
  });
  app.get("/slow", []() -> fa::Task<std::string> {
    int n = co_await fa::to_thread([] { return 42; });
    co_return std::to_string(n);
  });
  app.get("/events", [] { return fa::EventSourceResponse(ticks()); });
  app.get("/call", [](fa::State<fa::HttpClient> client) -> fa::Task<std::string> {
    fa::ClientResponse r = co_await client->get("/x");
    co_return r.text();
  });
  app.websocket("/ws/{room}", [&hub](fa::WebSocket& ws, fa::Path<"room", std::string> room) -> fa::Task<void> {
    co_await ws.accept();
    auto membership = hub.join(*room, ws);
    std::string text = co_await ws.receive_text();
    hub.broadcast_text(*room, text);
  });
  if (argc > 1) {
    fa::testing::TestClient client(app);
    auto ws = client.websocket_connect("/ws/a");
    ws.send_text("hi");
    return client.get("/slow").status == 200 && ws.receive_text() == "hi" ? 0 : 1;
  }
  return app.run(argc, argv);
}
"""


def headers_seen(include_dir: Path, source: Path, *defines: str) -> list[str]:
    """The headers `source` includes (g++ -M), with FASTAPI_SEPARATE_COMPILATION and `defines`."""
    r = subprocess.run([CXX, "-std=c++20", "-DFASTAPI_SEPARATE_COMPILATION", *defines, f"-I{include_dir}", "-M",
                        str(source)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"{CXX} -M {source} failed:\n{r.stderr[:2000]}")
    return [h for h in r.stdout.replace("\\\n", " ").split()[1:]]


def asio_headers(headers: list[str]) -> list[str]:
    return [h for h in headers if "/asio/" in h or h.endswith("/asio.hpp")]


@unittest.skipIf(CXX is None, "no C++ compiler")
class AsioSplit(unittest.TestCase):
    def test_an_apps_file_parses_no_asio_header(self) -> None:
        for face, include_dir in FACES.items():
            for example in ("01_hello.cpp", "users_api.cpp"):
                with self.subTest(face=face, example=example):
                    seen = asio_headers(headers_seen(include_dir, REPO / "examples" / example))
                    self.assertEqual(seen, [], f"{example} against the {face} includes Asio: {seen[:5]}")

    def test_the_implementation_file_does_include_asio(self) -> None:
        # The check above would pass for a header that no longer includes Asio at all: the implementation's
        # file must see it (the server is compiled there), and a file of the suite with FASTAPI_TESTING_INTERNALS.
        for define in ("-DFASTAPI_IMPLEMENTATION", "-DFASTAPI_TESTING_INTERNALS"):
            with self.subTest(define=define):
                seen = asio_headers(headers_seen(REPO, REPO / "examples" / "01_hello.cpp", define))
                self.assertIn(True, [h.endswith("/asio.hpp") for h in seen], f"with {define}: no asio.hpp")

    def test_the_api_on_asio_compiles_without_it(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "app.cpp"
            source.write_text(APP)
            self.assertEqual(asio_headers(headers_seen(REPO, source)), [])
            r = subprocess.run([CXX, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                "-DFASTAPI_SEPARATE_COMPILATION", f"-I{REPO}", str(source)],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[:4000])


if __name__ == "__main__":
    unittest.main()
