// tests/examples/test_realtime_websockets.cpp: examples/20_realtime.cpp's WebSocket contract, run as a user runs
// it (--port 0, two workers, stopped with SIGTERM by its pid): /ws/echo echoes text as text and binary as
// binary; /ws/chat/{room}?name=N sends "N: message" to every member of the room, the sender included, and to
// no one in another room.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "fastapi.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_realtime_websockets_file {

using namespace std::chrono_literals;

TEST_SUITE("examples/realtime") {
  TEST_CASE("20_realtime: /ws/echo and /ws/chat/{room} keep their contract") {
    test_support::Process app(test_support::example("20_realtime"), {"--port", "0", "--workers", "2"});
    auto line = app.wait_for_line("Listening on http://", 20s);
    REQUIRE(line.has_value());
    const auto port = static_cast<std::uint16_t>(test_support::port_of(*line));
    {
      fastapi::testing::WebSocketTestSession echo(port, "/ws/echo");
      echo.send_text("hello");
      CHECK(echo.receive_text() == "hello");
      echo.send_bytes(std::string("\x01\x02", 2));
      CHECK(echo.receive_bytes() == std::string("\x01\x02", 2));
      CHECK(echo.close() == 1000);
    }
    {
      fastapi::testing::WebSocketTestSession ann(port, "/ws/chat/lobby?name=ann");
      fastapi::testing::WebSocketTestSession bob(port, "/ws/chat/lobby?name=bob");
      fastapi::testing::WebSocketTestSession eve(port, "/ws/chat/other?name=eve");
      // bob's join is certain once one of his own messages comes back to him
      bob.send_text("hi");
      CHECK(bob.receive_text() == "bob: hi");
      CHECK(ann.receive_text() == "bob: hi");
      ann.send_text("hello bob");
      CHECK(ann.receive_text() == "ann: hello bob");
      CHECK(bob.receive_text() == "ann: hello bob");
      eve.send_text("anyone?");
      CHECK(eve.receive_text() == "eve: anyone?");  // and ann/bob get nothing of it:
      ann.send_text("bye");
      CHECK(ann.receive_text() == "ann: bye");
      CHECK(bob.receive_text() == "ann: bye");
    }
    app.signal(SIGTERM);
    CHECK(app.wait(20s) == 0);
  }
}

}  // namespace test_realtime_websockets_file
