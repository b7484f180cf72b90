// tests/tutorial/test_39_websockets.cpp: what docs/tutorial/39_websockets.md says, checked on its example over the
// TestClient's WebSocket sessions.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/39_websockets.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/39_websockets") {
  TEST_CASE("/ serves the page; /ws answers each message; a plain GET to /ws is a 404") {
    fa::App app;
    websockets::build(app);
    fa::testing::TestClient client{app};
    auto page = client.get("/");
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK(page.text.find("new WebSocket(") != std::string::npos);
    auto ws = client.websocket_connect("/ws");
    ws.send_text("Hello");
    CHECK(ws.receive_text() == "Message text was: Hello");
    ws.send_text("again");
    CHECK(ws.receive_text() == "Message text was: again");
    CHECK(ws.close() == 1000);
    CHECK(client.get("/ws").status == 404);
  }

  TEST_CASE("path, query and a dependency are bound from the handshake; without cookie or token it is refused") {
    fa::App app;
    websockets::build(app);
    fa::testing::TestClient client{app};
    {
      auto ws = client.websocket_connect("/items/foo/ws?token=some-token&q=3");
      ws.send_text("hi");
      CHECK(ws.receive_text() == "Session cookie or query token value is: some-token");
      CHECK(ws.receive_text() == "Query parameter q is: 3");
      CHECK(ws.receive_text() == "Message text was: hi, for item ID: foo");
    }
    {
      auto ws = client.websocket_connect("/items/bar/ws", {.headers = {{"Cookie", "session=abc"}}});
      ws.send_text("yo");
      CHECK(ws.receive_text() == "Session cookie or query token value is: abc");
      CHECK(ws.receive_text() == "Message text was: yo, for item ID: bar");
    }
    try {
      client.websocket_connect("/items/foo/ws");
      FAIL("the handshake without cookie or token was accepted");
    } catch (const fa::WebSocketDisconnect& e) {
      CHECK(e.code == 1008);
    }
    CHECK_THROWS_AS(client.websocket_connect("/items/foo/ws?token=t&q=abc"), fa::WebSocketDisconnect);
  }

  TEST_CASE("the chat: each client gets its own echo and everybody's messages, and hears who left") {
    fa::App app;
    websockets::build(app);
    fa::testing::TestClient client{app};
    auto one = client.websocket_connect("/ws/1");
    one.send_text("hello");
    CHECK(one.receive_text() == "You wrote: hello");
    CHECK(one.receive_text() == "Client #1 says: hello");  // client 1 is in the room from here on
    {
      auto two = client.websocket_connect("/ws/2");
      two.send_text("hi all");
      CHECK(two.receive_text() == "You wrote: hi all");
      CHECK(two.receive_text() == "Client #2 says: hi all");
      CHECK(one.receive_text() == "Client #2 says: hi all");
      CHECK(two.close() == 1000);
    }
    CHECK(one.receive_text() == "Client #2 left the chat");
  }
}
