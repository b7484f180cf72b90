// tests/websocket/test_websocket_interop.cpp: a fastapi.hpp WebSocket server against Python's websockets (Debian
// python3-websockets, run with /usr/bin/python3 as a subprocess): echo of text and binary, fragmented messages,
// ping/pong, large messages, the closing handshake from either side with codes and reasons, subprotocols, a
// refused handshake (403), a message over ws_max_size (1009), and permessage-deflate: negotiated by default,
// with the client's parameters honoured, off when the client does not offer it, a deflate bomb closed with 1009.
// Skipped when python3-websockets is missing.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "fastapi.hpp"
#include "support/process.hpp"
#include "support/time_scale.hpp"

namespace fa = fastapi;
using namespace std::chrono_literals;

TEST_SUITE("websocket/interop") {
  TEST_CASE("Python's websockets client talks to the server: echo, fragments, ping, close codes, limits") {
    if (std::system("/usr/bin/python3 -c 'import websockets' >/dev/null 2>&1") != 0) {
      MESSAGE("python3-websockets is not installed: skipped");
      return;
    }
    fa::App app;
    app.websocket("/ws/echo", [](fa::WebSocket& w) -> fa::Task<void> {
      co_await w.accept();
      for (;;) {
        fa::WebSocketMessage m = co_await w.receive();
        if (m.is_disconnect()) co_return;
        if (m.is_text()) {
          co_await w.send_text(m.data);
        } else {
          co_await w.send_bytes(m.data);
        }
      }
    });
    app.websocket("/ws/rooms/{room}",
                  [](fa::WebSocket& w, fa::Path<"room", std::string> room, fa::Query<"n", int> n) -> fa::Task<void> {
                    co_await w.accept();
                    std::string text = *room + ":" + std::to_string(*n);  // (g++ 12: no temporaries inside co_await)
                    co_await w.send_text(text);
                    co_await w.close(4000, "bye");
                  });
    app.websocket("/ws/proto", [](fa::WebSocket& w) -> fa::Task<void> {
      fa::WebSocketAccept options;
      options.subprotocol = "b";
      co_await w.accept(std::move(options));
      (void)co_await w.receive();
    });
    fa::Config config = fa::testing::TestClient::default_config();
    config.ws_max_size = 2 << 20;
    fa::testing::TestClient client{app, config};
    test_support::Process py(
        "/usr/bin/python3",
        {std::string(FASTAPI_SOURCE_DIR) + "/tests/websocket/ws_interop_client.py", std::to_string(client.port())});
    auto timeout = fastapi::test_support::scaled(20s);
    for (const char* check : {"ok text", "ok binary", "ok fragmented", "ok ping", "ok large", "ok client close",
                              "ok server close", "ok subprotocol", "ok refused 403", "ok too big 1009", "ok deflate",
                              "ok deflate parameters", "ok no deflate", "ok deflate bomb 1009", "done"}) {
      auto line = py.wait_for_line("", timeout);  // the next line: "ok ...", "done" or "fail: ..."
      REQUIRE_MESSAGE(line.has_value(), "no answer from the Python client for: " << check);
      CHECK_MESSAGE(*line == check, *line);
      if (*line != check) break;
    }
    CHECK(py.wait(timeout) == 0);
  }
}
