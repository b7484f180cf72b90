// tests/websocket/test_websocket_app.cpp: app.websocket routes over a real socket through the TestClient's
// WebSocket session: echo of text, bytes and JSON, parameters and dependencies bound from the handshake (a
// failure refuses it with 403 = FastAPI's 1008 before accept), WebSocketException codes, subprotocols, the
// states, pings, fragments with control frames between them, hostile frames (1002, 1007, 1009), the shutdown's
// 1001, and the routes' place in app.routes() and out of OpenAPI.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fastapi.hpp"
#include "support/raw_socket.hpp"

namespace fa = fastapi;
namespace ws = fastapi::ws;
using namespace std::chrono_literals;

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_websocket_app_file {
// Named, not anonymous: a type of an anonymous namespace inside a library coroutine's frame (receive_json<T>)
// is g++'s -Wsubobject-linkage error when this file is one of a unity batch.
namespace ws_app {

struct Chat {
  std::string text;
  int n = 0;
};

std::atomic<int> teardowns{0};

fa::Yield<int> counted_resource() {
  co_yield 7;
  teardowns++;
}

std::string need_token(fa::Query<"token", std::optional<std::string>> token) {
  if (!*token) throw fa::WebSocketException(1008, "no token");
  return **token;
}

// Dependencies that take the socket, as FastAPI's may take `websocket: WebSocket`.
std::string client_name(fa::WebSocket& w) {
  auto name = w.request().headers.get("x-client");
  if (!name) throw fa::WebSocketException(1008, "no X-Client header");
  return std::string(*name);
}
fa::Task<fa::WebSocket*> gate(fa::WebSocket& w, fa::Query<"key", std::optional<std::string>> key) {
  if (!*key || **key != "open") {
    co_await w.close(1008);  // before accept: the handshake is refused (403)
    throw fa::WebSocketException(1008, "closed by the dependency");
  }
  co_return &w;
}

void add_routes(fa::App& app) {
  app.websocket("/ws/dep", [](fa::WebSocket& w, fa::Depends<client_name> name, fa::Depends<gate> g) -> fa::Task<void> {
    co_await w.accept();
    std::string text = *name + (*g == &w ? " same socket" : " another socket");
    co_await w.send_text(text);
    (void)co_await w.receive();
  });
  app.websocket("/ws/badtext", [](fa::WebSocket& w) -> fa::Task<void> {
    co_await w.accept();
    std::string answer = "sent";
    try {
      co_await w.send_text(std::string_view("ok \xed\xa0\x80", 6));  // a surrogate: not UTF-8
    } catch (const std::invalid_argument& e) {
      answer = std::string("refused: ") +
               (std::string_view(e.what()).find("UTF-8") != std::string_view::npos ? "says UTF-8" : e.what());
    }
    co_await w.send_text(answer);
    (void)co_await w.receive();
  });
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
                  // (g++ 12: no temporary with a destructor inside a co_await expression: it is destroyed twice)
                  std::string text = *room + ":" + std::to_string(*n);
                  co_await w.send_text(text);
                  co_await w.close(4000, "bye");
                });
  app.websocket("/ws/json", [](fa::WebSocket& w) -> fa::Task<void> {
    co_await w.accept();
    for (;;) {
      auto msg = co_await w.receive_json<Chat>();
      if (!msg) {
        fa::Json errors = msg.errors().body();
        co_await w.send_json(errors);
        continue;
      }
      Chat answer{msg->text + "!", msg->n + 1};
      co_await w.send_json(answer);
    }
  });
  app.websocket("/ws/token",
                [](fa::WebSocket& w, fa::Depends<need_token> token, fa::Depends<counted_resource> r) -> fa::Task<void> {
                  co_await w.accept();
                  std::string text = *token + std::to_string(*r);
                  co_await w.send_text(text);
                  (void)co_await w.receive_text();
                });
  app.websocket("/ws/refuse", [](fa::WebSocket& w) -> fa::Task<void> { co_await w.close(); });
  app.websocket("/ws/raise", [](fa::WebSocket& w) -> fa::Task<void> {
    co_await w.accept();
    throw fa::WebSocketException(4001, "custom");
  });
  app.websocket("/ws/proto", [](fa::WebSocket& w) -> fa::Task<void> {
    bool before = w.application_state() == fa::WebSocketState::connecting;
    fa::WebSocketAccept options;  // (g++ 12 cannot take designated initializers of strings inside co_await)
    options.subprotocol = "b";
    options.headers.emplace_back("x-extra", "1");
    co_await w.accept(std::move(options));
    std::string states = before ? "connecting" : "?";
    states += w.client_state() == fa::WebSocketState::connected ? ",connected" : ",?";
    co_await w.send_text(states);
    (void)co_await w.receive();
    std::string after = w.client_state() == fa::WebSocketState::disconnected ? "gone" : "?";
    co_await w.send_text(after);
  });
  app.get("/http", [] { return std::string("plain"); });
}

fa::Config config_with(std::size_t max_size = 16 * 1024 * 1024) {
  fa::Config c = fa::testing::TestClient::default_config();
  c.ws_max_size = max_size;
  c.graceful_timeout = 5s;
  return c;
}

}  // namespace ws_app
using namespace ws_app;

TEST_SUITE("websocket/app") {
  TEST_CASE("text and binary messages are echoed as sent, the closing handshake answers the client's code") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/echo");
    s.send_text("hello");
    CHECK(s.receive_text() == "hello");
    s.send_bytes(std::string("\x00\x01\xff", 3));
    CHECK(s.receive_bytes() == std::string("\x00\x01\xff", 3));
    std::string big(200000, 'x');
    s.send_text(big);
    CHECK(s.receive_text() == big);
    CHECK(s.close(1000) == 1000);
  }

  TEST_CASE("path and query parameters bind from the handshake; close(code, reason) reaches the client") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/rooms/blue?n=3");
    CHECK(s.receive_text() == "blue:3");
    auto in = s.receive();
    CHECK(in.kind == ws::Incoming::Kind::close);
    CHECK(in.code == 4000);
    CHECK(in.reason == "bye");
  }

  TEST_CASE("a parameter that does not bind refuses the handshake with 403 (FastAPI's 1008 before accept)") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    CHECK_THROWS_AS(client.websocket_connect("/ws/rooms/blue?n=notanumber"), fa::WebSocketDisconnect);
    CHECK_THROWS_AS(client.websocket_connect("/ws/rooms/blue"), fa::WebSocketDisconnect);
    CHECK_THROWS_AS(client.websocket_connect("/ws/token"), fa::WebSocketDisconnect);    // WebSocketException
    CHECK_THROWS_AS(client.websocket_connect("/ws/refuse"), fa::WebSocketDisconnect);   // close() before accept
    CHECK_THROWS_AS(client.websocket_connect("/ws/nowhere"), fa::WebSocketDisconnect);  // no route: 403
    // the server is fine afterwards
    auto s = client.websocket_connect("/ws/echo");
    s.send_text("still here");
    CHECK(s.receive_text() == "still here");
  }

  TEST_CASE("dependencies run before accept; a Yield dependency is torn down after the socket closed") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    teardowns = 0;
    {
      auto s = client.websocket_connect("/ws/token?token=abc");
      CHECK(s.receive_text() == "abc7");
      CHECK(teardowns == 0);
      s.send_text("done");
      CHECK(s.receive().kind == ws::Incoming::Kind::close);
    }
    for (int i = 0; i < 200 && teardowns == 0; ++i) std::this_thread::sleep_for(10ms);
    CHECK(teardowns == 1);
  }

  TEST_CASE("receive_json validates like a body: a bad message is an answer, not a crash") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/json");
    s.send_text(R"({"text":"hi","n":1})");
    fa::Json ok = s.receive_json();
    CHECK(ok["text"].as_string() == "hi!");
    CHECK(ok["n"].as_int() == 2);
    s.send_text(R"({"text":"hi","n":"many"})");
    fa::Json bad = s.receive_json();
    CHECK(bad["detail"][0]["type"].as_string() == "int_parsing");
    s.send_text("{not json");
    CHECK(s.receive_json()["detail"][0]["type"].as_string() == "json_invalid");
  }

  TEST_CASE("WebSocketException after accept closes with its code and reason") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/raise");
    auto in = s.receive();
    CHECK(in.code == 4001);
    CHECK(in.reason == "custom");
  }

  TEST_CASE("subprotocol and extra headers in the 101; client_state/application_state as Starlette") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/proto", {.subprotocols = {"a", "b"}});
    CHECK(s.accepted_subprotocol() == "b");
    CHECK(s.headers().get("x-extra").value_or("") == "1");
    CHECK(s.receive_text() == "connecting,connected");
  }

  TEST_CASE("pings are answered with pongs; fragments with control frames between them are joined") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/echo");
    s.send_frame(ws::Opcode::ping, "are you there");
    s.send_frame(ws::Opcode::text, "frag", false);
    s.send_frame(ws::Opcode::ping, "mid");
    s.send_frame(ws::Opcode::continuation, "men", false);
    s.send_frame(ws::Opcode::continuation, "ted", true);
    CHECK(s.receive_text() == "fragmented");
    REQUIRE(s.pongs.size() == 2);
    CHECK(s.pongs[0] == "are you there");
    CHECK(s.pongs[1] == "mid");
    // UTF-8 split across fragments is fine
    s.send_frame(ws::Opcode::text, "\xc3", false);
    s.send_frame(ws::Opcode::continuation, "\xa9", true);
    CHECK(s.receive_text() == "\xc3\xa9");
  }

  TEST_CASE("hostile frames close the connection with the RFC's codes") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with(1024)};
    SUBCASE("an unmasked frame: 1002") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_raw(ws::encode_frame(ws::Opcode::text, "hi"));
      CHECK(s.receive().code == 1002);
    }
    SUBCASE("a reserved opcode: 1002") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_raw(std::string("\x83\x80\x01\x02\x03\x04", 6));
      CHECK(s.receive().code == 1002);
    }
    SUBCASE("a reserved bit: 1002") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_raw(std::string("\xc1\x80\x01\x02\x03\x04", 6));
      CHECK(s.receive().code == 1002);
    }
    SUBCASE("invalid UTF-8 across fragments: 1007") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_frame(ws::Opcode::text, "ok\xed", false);
      s.send_frame(ws::Opcode::continuation, "\xa0\x80", true);  // a surrogate
      CHECK(s.receive().code == 1007);
    }
    SUBCASE("a message over ws_max_size: 1009") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_text(std::string(2000, 'x'));
      CHECK(s.receive().code == 1009);
    }
    SUBCASE("a close with an invalid code: 1002") {
      auto s = client.websocket_connect("/ws/echo");
      s.send_frame(ws::Opcode::close, std::string("\x03\xe7", 2));  // 999
      CHECK(s.receive().code == 1002);
    }
  }

  TEST_CASE("a plain GET to a WebSocket path is 404 as in Starlette; HTTP routes still answer") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    CHECK(client.get("/ws/echo").status == 404);
    CHECK(client.get("/http").text == "plain");
  }

  TEST_CASE("WebSocket routes are listed in app.routes() and left out of OpenAPI") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    bool listed = false;
    for (const auto& r : app.routes()) listed = listed || (r.path == "/ws/echo" && r.methods.empty());
    CHECK(listed);
    fa::Json doc = client.get("/openapi.json").json();
    CHECK(doc["paths"].contains("/http"));
    CHECK_FALSE(doc["paths"].contains("/ws/echo"));
  }

  TEST_CASE("APIRouter::websocket routes are included under the prefix") {
    fa::App app;
    fa::APIRouter r{{.prefix = "/chat"}};
    r.websocket("/{room}", [](fa::WebSocket& w, fa::Path<"room", std::string> room) -> fa::Task<void> {
      co_await w.accept();
      std::string text = "room " + *room;
      co_await w.send_text(text);
    });
    app.include_router(r);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/chat/red");
    CHECK(s.receive_text() == "room red");
    CHECK(s.receive().code == 1000);  // the handler returned: closed with 1000
  }

  TEST_CASE("shutdown closes open WebSockets with 1001 and waits for their handlers") {
    fa::App app;
    std::atomic<bool> handler_ended{false};
    app.websocket("/ws/wait", [&](fa::WebSocket& w) -> fa::Task<void> {
      co_await w.accept();
      co_await w.send_text("ready");
      try {
        for (;;) (void)co_await w.receive_text();
      } catch (const fa::WebSocketDisconnect& e) {
        handler_ended = e.code == 1001;
      }
    });
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/wait");
    CHECK(s.receive_text() == "ready");
    std::thread stopper([&] { client.close(); });
    auto in = s.receive();  // the server's close, answered by receive()
    CHECK(in.kind == ws::Incoming::Kind::close);
    CHECK(in.code == 1001);
    stopper.join();
    CHECK(handler_ended);
  }

  TEST_CASE("a client that reads nothing holds its handler's sends back: memory stays bounded (backpressure)") {
    fa::App app;
    std::atomic<int> sent{0};
    app.websocket("/ws/flood", [&](fa::WebSocket& w) -> fa::Task<void> {
      co_await w.accept();
      std::string chunk(64 * 1024, 'z');
      for (int i = 0; i < 2000; ++i) {  // 125 MiB if nothing held it back
        co_await w.send_bytes(chunk);
        sent++;
      }
    });
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/flood");
    // wait until the handler is held (its count stops moving), never reading
    int last = -1;
    for (int stable = 0, i = 0; stable < 6 && i < 400; ++i) {
      std::this_thread::sleep_for(50ms);
      int now = sent.load();
      stable = now == last ? stable + 1 : 0;
      last = now;
    }
    CHECK(sent.load() < 400);  // socket buffers plus the 1 MiB queue, far below 2000 messages
    for (int i = 0; i < 5; ++i) CHECK(s.receive_bytes().size() == 64 * 1024);
  }

  TEST_CASE("a dependency may take fa::WebSocket&: it reads the handshake's headers, or refuses with 1008") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    {
      auto s = client.websocket_connect("/ws/dep?key=open", {.headers = {{"x-client", "probe"}}});
      CHECK(s.receive_text() == "probe same socket");
      s.close();
    }
    // the dependency closed the socket before accept: the handshake is refused (403, FastAPI's 1008)
    CHECK_THROWS_AS(client.websocket_connect("/ws/dep?key=shut", {.headers = {{"x-client", "probe"}}}),
                    fa::WebSocketDisconnect);
    // the dependency raised WebSocketException(1008): refused too
    CHECK_THROWS_AS(client.websocket_connect("/ws/dep?key=open"), fa::WebSocketDisconnect);
    auto s = client.websocket_connect("/ws/echo");  // the server is fine afterwards
    s.send_text("still here");
    CHECK(s.receive_text() == "still here");
  }

  TEST_CASE("send_text refuses text that is not UTF-8 (std::invalid_argument) and the socket stays open") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app, config_with()};
    auto s = client.websocket_connect("/ws/badtext");
    CHECK(s.receive_text() == "refused: says UTF-8");
    fa::WebSocketHub hub;
    CHECK_THROWS_AS(hub.broadcast_text("room", std::string("\xff")), std::invalid_argument);
  }

  TEST_CASE("WebSocketHub: a member that never reads is closed with 1013; the others go on receiving") {
    fa::App app;
    fa::WebSocketHub hub;
    app.websocket("/ws/member", [&hub](fa::WebSocket& w) -> fa::Task<void> {
      co_await w.accept();
      auto membership = hub.join("room", w);
      co_await w.send_text("joined");
      for (;;) (void)co_await w.receive_text();  // WebSocketDisconnect ends it (and the membership)
    });
    app.websocket("/ws/pump", [&hub](fa::WebSocket& w) -> fa::Task<void> {
      co_await w.accept();
      const std::string chunk(64 * 1024, 'b');
      for (;;) {
        (void)co_await w.receive_text();
        std::string reached = std::to_string(hub.broadcast_bytes("room", chunk));
        co_await w.send_text(reached);
      }
    });
    fa::testing::TestClient client{app, config_with()};
    // the slow member: a raw socket with a small receive buffer that reads nothing while the hub broadcasts
    fa::test_support::RawSocket slow(client.port(), 5s, 4096);
    REQUIRE(slow.send("GET /ws/member HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
    auto fast = client.websocket_connect("/ws/member");
    CHECK(fast.receive_text() == "joined");
    for (int i = 0; i < 200 && hub.size("room") < 2; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(hub.size("room") == 2);
    auto pump = client.websocket_connect("/ws/pump");
    // 64 KiB a round, 16 MiB in all: past the slow member's socket buffers (a few MiB on loopback) and its
    // 1 MiB queue, so it is closed with 1013 on the way; the reader keeps up, round after round
    for (int round = 0; round < 256; ++round) {
      pump.send_text("go");
      (void)pump.receive_text();
      REQUIRE(fast.receive_bytes().size() == 64 * 1024);
    }
    // the slow client reads at last: the frames it was sent, then the close with 1013 and the reason
    std::string bytes;
    for (bool found = false; !found;) {
      char buf[65536];
      pollfd p{slow.fd(), POLLIN, 0};
      REQUIRE(::poll(&p, 1, 5000) > 0);
      ssize_t n = ::recv(slow.fd(), buf, sizeof buf, 0);
      REQUIRE(n > 0);
      bytes.append(buf, static_cast<std::size_t>(n));
      found = bytes.find("reads too slowly", bytes.size() > 65600 ? bytes.size() - 65600 : 0) != std::string::npos;
    }
    const std::size_t head = bytes.find("\r\n\r\n");
    REQUIRE(head != std::string::npos);
    ws::FrameParser parser({.max_message = std::size_t{1} << 30, .require_mask = false});
    std::string_view in = std::string_view(bytes).substr(head + 4);
    int messages = 0;
    ws::Event last{};
    while (!in.empty() && !parser.done()) {
      auto r = parser.feed(in);
      in.remove_prefix(r.consumed);
      if (r.event.kind == ws::Event::Kind::binary) ++messages;
      if (r.event.kind != ws::Event::Kind::none) last = r.event;
    }
    CHECK(messages > 0);
    CHECK(last.kind == ws::Event::Kind::close);
    CHECK(last.code == 1013);
    CHECK(last.data == "the client reads too slowly");
    // its answer ends its handler, which leaves the room; the others are still served
    REQUIRE(slow.send(ws::encode_close(1013, {}, std::array<std::uint8_t, 4>{1, 2, 3, 4})));
    for (int i = 0; i < 500 && hub.size("room") == 2; ++i) std::this_thread::sleep_for(10ms);
    CHECK(hub.size("room") == 1);
    pump.send_text("go");
    CHECK(pump.receive_text() == "1");
    CHECK(fast.receive_bytes().size() == 64 * 1024);
  }

  TEST_CASE("server keep-alive pings reach the client (Config::ws_ping_interval); a busy socket gone quiet reads on") {
    fa::App app;
    add_routes(app);
    fa::Config c = config_with();
    c.ws_ping_interval = 300ms;
    fa::testing::TestClient client{app, c};
    auto s = client.websocket_connect("/ws/echo");
    // Busy first: the server waits with a read into a pooled buffer; the quiet ticks below take it back (the
    // pending read is cancelled and the next wait holds none), and the message after them is still read.
    for (int i = 0; i < 8; ++i) {
      const std::string m = "busy " + std::to_string(i);
      s.send_text(m);
      CHECK(s.receive_text() == m);
    }
    std::this_thread::sleep_for(800ms);
    s.send_text("after pings");
    CHECK(s.receive_text() == "after pings");
    CHECK(s.pings.size() >= 1);
  }
}

}  // namespace test_websocket_app_file
