// tests/app/test_streaming.cpp: streamed request bodies (fa::RequestStream&) and disconnects, over real sockets:
// Content-Length and chunked bodies in any pieces, the route's limit (up front and mid-stream: 413 and the
// connection's fate), 100-continue sent only when the handler reads, backpressure, a pipelined request after a
// streamed body, a handler that stops reading, hostile chunked framing, a client vanishing mid-upload,
// req.is_disconnected(), and the registration rule (a streamed route states its max_body_size).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/core/digest.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

namespace test_streaming_file {

namespace fa = fastapi;
using fastapi::test_support::RawSocket;
using fastapi::test_support::scaled;
using namespace std::chrono_literals;

/// What the handlers saw, for the tests to check.
struct Seen {
  std::atomic<int> chunks{0};
  std::atomic<bool> disconnect{false};    ///< a read threw fa::ClientDisconnect
  std::atomic<bool> noticed_gone{false};  ///< req.is_disconnected() said true
  std::atomic<bool> may_read{true};       ///< /gated waits for this before reading
  std::atomic<bool> gated_started{false};
  std::atomic<int> status_seen{0};  ///< an HTTPException's status caught by /catching
};

fa::Config config() {
  fa::Config c = fa::testing::TestClient::default_config();
  c.body_timeout = scaled(2000ms);
  // No test waits out keep-alive: a loaded machine can hold the client thread longer than 2 s between answers.
  c.keep_alive_timeout = scaled(5000ms);
  c.graceful_timeout = 1000ms;
  return c;
}

/// Reads the whole body: `{"bytes": N, "sha256": hex, "chunks": K}`.
fa::Task<fa::Json> digest_body(fa::RequestStream& body, Seen& seen) {
  fa::detail::Sha256 h;
  std::uint64_t n = 0;
  int chunks = 0;
  while (std::optional<std::string_view> chunk = co_await body.next()) {
    CHECK_FALSE(chunk->empty());
    h.update(*chunk);
    n += chunk->size();
    ++chunks;
  }
  seen.chunks = chunks;
  co_return fa::Json{{"bytes", n}, {"sha256", fa::detail::to_hex(h.finish())}, {"chunks", chunks}};
}

void add_routes(fa::App& app, Seen& seen) {
  app.logger().set_level(fa::LogLevel::off);
  app.post("/upload", [&seen](fa::RequestStream& body) { return digest_body(body, seen); },
           {.max_body_size = 64u << 20});
  app.post("/small", [&seen](fa::RequestStream& body) { return digest_body(body, seen); }, {.max_body_size = 100});
  app.post("/ignore", [](fa::RequestStream&) { return std::string("not reading"); }, {.max_body_size = 1u << 20});
  app.post("/first",
           [](fa::RequestStream& body) -> fa::Task<std::string> {
             auto chunk = co_await body.next();
             co_return std::string(chunk ? chunk->substr(0, 3) : "none");
           },
           {.max_body_size = 64u << 20});
  app.post("/gated",
           [&seen](fa::RequestStream& body) -> fa::Task<fa::Json> {
             seen.gated_started = true;
             while (!seen.may_read) co_await fa::sleep(5ms);
             co_return co_await digest_body(body, seen);
           },
           {.max_body_size = 64u << 20});
  app.post("/vanish",
           [&seen](fa::RequestStream& body) -> fa::Task<std::string> {
             try {
               while (co_await body.next()) {
               }
             } catch (const fa::ClientDisconnect&) {
               seen.disconnect = true;
               throw;
             }
             co_return "complete";
           },
           {.max_body_size = fa::unlimited});
  app.post("/catching",
           [&seen](fa::RequestStream& body) -> fa::Task<std::string> {
             try {
               while (co_await body.next()) {
               }
             } catch (const fa::HTTPException& e) {
               seen.status_seen = e.status_code;
               throw;
             }
             co_return "complete";
           },
           {.max_body_size = 10});
  app.post("/buffered", [](fa::Request& req) -> fa::Task<std::string> {
    std::string all;
    int pieces = 0;
    while (auto chunk = co_await req.stream().next()) {
      all += *chunk;
      ++pieces;
    }
    co_return std::to_string(pieces) + ":" + all;
  });
  app.get("/long", [&seen](fa::Request& req) -> fa::Task<std::string> {
    for (int i = 0; i < 1000; ++i) {
      if (co_await req.is_disconnected()) {
        seen.noticed_gone = true;
        co_return "gone";
      }
      co_await fa::sleep(10ms);
    }
    co_return "done";
  });
  app.get("/echo", [](fa::Request& req) { return std::string(req.target); });
}

struct Fixture {
  Fixture() {
    add_routes(app, seen);
    client = std::make_unique<fa::testing::TestClient>(app, config());
    port = client->port();
  }
  Seen seen;
  fa::App app;
  std::unique_ptr<fa::testing::TestClient> client;
  std::uint16_t port = 0;
};

std::string payload(std::size_t n) {
  std::string s(n, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

std::string sha_hex(std::string_view s) { return fa::detail::to_hex(fa::detail::sha256(s)); }

std::string post_head(std::string_view target, std::size_t length, std::string_view extra = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         std::string(extra) + "\r\n";
}

std::string chunked_head(std::string_view target, std::string_view extra = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" + std::string(extra) +
         "\r\n";
}

/// `body` as chunks of `piece` bytes, with the last chunk.
std::string chunked(std::string_view body, std::size_t piece) {
  std::string out;
  char size[32];
  for (std::size_t i = 0; i < body.size(); i += piece) {
    std::string_view part = body.substr(i, piece);
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    out.append(size).append(part).append("\r\n");
  }
  return out + "0\r\n\r\n";
}

fa::Json json_of(const std::string& body) { return fa::Json::parse(body); }

TEST_SUITE("app/streaming") {
  TEST_CASE("a Content-Length body of several MiB reaches the handler in chunks, every byte, in order") {
    Fixture f;
    const std::string body = payload(5u << 20);
    RawSocket s(f.port, scaled(10000ms));
    REQUIRE(s.send(post_head("/upload", body.size()) + body));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    auto j = json_of(r->body);
    CHECK(j["bytes"].as_int() == static_cast<std::int64_t>(body.size()));
    CHECK(j["sha256"].as_string() == sha_hex(body));
    CHECK(j["chunks"].as_int() > 1);
    CHECK_FALSE(r->header("connection"));  // read whole: the connection stays open
    REQUIRE(s.send("GET /echo?after HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto next = s.read_response();
    REQUIRE(next);
    CHECK(next->body == "/echo?after");
  }

  TEST_CASE("a chunked body is decoded whatever the chunk sizes and however the bytes are split on the wire") {
    Fixture f;
    const std::string body = payload(300000);
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{100000}}) {
      CAPTURE(piece);
      std::string wire =
          chunked_head("/upload") + chunked(piece == 1 ? std::string_view(body).substr(0, 3000) : body, piece);
      RawSocket s(f.port, scaled(10000ms));
      // Sent in odd-sized writes so chunk lines and data straddle reads.
      for (std::size_t i = 0; i < wire.size(); i += 5003) REQUIRE(s.send(std::string_view(wire).substr(i, 5003)));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      std::string_view sent = piece == 1 ? std::string_view(body).substr(0, 3000) : std::string_view(body);
      auto j = json_of(r->body);
      CHECK(j["bytes"].as_int() == static_cast<std::int64_t>(sent.size()));
      CHECK(j["sha256"].as_string() == sha_hex(sent));
    }
  }

  TEST_CASE("an empty body and a streamed route without a body give no chunk") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(post_head("/upload", 0)));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(json_of(r->body)["bytes"].as_int() == 0);
    REQUIRE(s.send(chunked_head("/upload") + "0\r\n\r\n"));
    r = s.read_response();
    REQUIRE(r);
    CHECK(json_of(r->body)["bytes"].as_int() == 0);
    CHECK(json_of(r->body)["sha256"].as_string() == sha_hex(""));
  }

  TEST_CASE("a pipelined request after a streamed body is answered, for Content-Length and chunked bodies") {
    Fixture f;
    RawSocket s(f.port);
    std::string wire = post_head("/upload", 5) + "hello" + "GET /echo?one HTTP/1.1\r\nHost: t\r\n\r\n" +
                       chunked_head("/upload") + chunked("abcdefghij", 3) + "GET /echo?two HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(s.send(wire));
    auto a = s.read_response();
    REQUIRE(a);
    CHECK(json_of(a->body)["sha256"].as_string() == sha_hex("hello"));
    auto b = s.read_response();
    REQUIRE(b);
    CHECK(b->body == "/echo?one");
    auto c = s.read_response();
    REQUIRE(c);
    CHECK(json_of(c->body)["sha256"].as_string() == sha_hex("abcdefghij"));
    auto d = s.read_response();
    REQUIRE(d);
    CHECK(d->body == "/echo?two");
  }

  TEST_CASE("a Content-Length over the route's limit is refused with 413 before the handler, without 100 Continue") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(post_head("/small", 101, "Expect: 100-continue\r\n")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
  }

  TEST_CASE(
      "a chunked body that grows over the limit mid-stream is a 413 the handler sees, then the connection closes") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(chunked_head("/catching") + "5\r\nhello\r\n"));
    REQUIRE(s.send("6\r\nworld!\r\n"));  // 11 bytes > 10
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->body == R"({"detail":"Content Too Large."})");
    CHECK(r->header("connection") == "close");
    CHECK(f.seen.status_seen == 413);
    CHECK(s.is_closed_by_peer(scaled(3000ms)));
  }

  TEST_CASE("100 Continue is sent when the handler starts reading, not when the head arrives") {
    Fixture f;
    SUBCASE("a handler that never reads answers without 100 Continue, with Connection: close") {
      RawSocket s(f.port);
      REQUIRE(s.send(post_head("/ignore", 10, "Expect: 100-continue\r\n")));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "not reading");
      CHECK(r->header("connection") == "close");  // the body was never read: this connection cannot go on
      CHECK(s.is_closed_by_peer(scaled(3000ms)));
    }
    SUBCASE("a handler that reads after a wait: 100 Continue comes only once it reads") {
      f.seen.may_read = false;
      RawSocket s(f.port);
      REQUIRE(s.send(post_head("/gated", 5, "Expect: 100-continue\r\n")));
      for (int i = 0; i < 2000 && !f.seen.gated_started; ++i) std::this_thread::sleep_for(1ms);
      REQUIRE(f.seen.gated_started);
      CHECK_FALSE(s.has_data_within(100ms));  // the handler runs, but has not asked for the body yet
      f.seen.may_read = true;
      auto cont = s.read_response();
      REQUIRE(cont);
      CHECK(cont->status == 100);
      REQUIRE(s.send("hello"));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(json_of(r->body)["sha256"].as_string() == sha_hex("hello"));
    }
  }

  TEST_CASE("backpressure: nothing more is read than the handler consumes, so a fast sender waits") {
    Fixture f;
    f.seen.may_read = false;
    const std::string body = payload(48u << 20);
    RawSocket s(f.port, 300ms);
    std::string head = post_head("/gated", body.size());
    REQUIRE(s.send(head));
    // The handler does not read yet: the socket buffers fill and the send times out, far short of 48 MiB.
    CHECK_FALSE(s.send(body));
    f.seen.may_read = true;
    // A handler that reads takes a fast sender's whole body: send from a thread while reading the answer here.
    // 8 MiB, more than the socket buffers hold, is enough for that (the 48 MiB above only has to outlast them;
    // hashing it twice more was ~8 s of the sanitized run's CPU).
    const std::string rest = payload(8u << 20);
    RawSocket s2(f.port, scaled(20000ms));
    std::thread sender([&] { CHECK(s2.send(post_head("/upload", rest.size()) + rest)); });
    auto r = s2.read_response();
    sender.join();
    REQUIRE(r);
    CHECK(json_of(r->body)["sha256"].as_string() == sha_hex(rest));
  }

  TEST_CASE("a handler that stops reading early gets its answer sent with Connection: close") {
    Fixture f;
    RawSocket s(f.port, scaled(5000ms));
    const std::string body = payload(1u << 20);
    REQUIRE(s.send(post_head("/first", body.size()) + body.substr(0, 1000)));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == body.substr(0, 3));
    CHECK(r->header("connection") == "close");
    s.send(body.substr(1000));  // the rest is drained (lingering close), never taken for a request
    CHECK(s.is_closed_by_peer(scaled(3000ms)));
  }

  TEST_CASE("hostile chunked framing through the streaming path is a 400 and a close") {
    Fixture f;
    for (std::string_view bad :
         {std::string_view("zz\r\nhello\r\n0\r\n\r\n"), std::string_view("5\r\nhelloXX0\r\n\r\n"),
          std::string_view("ffffffffffffffffffffff\r\n"), std::string_view("5\nhello\r\n0\r\n\r\n"),
          std::string_view("-5\r\nhello\r\n0\r\n\r\n")}) {
      CAPTURE(bad);
      RawSocket s(f.port);
      REQUIRE(s.send(chunked_head("/upload") + std::string(bad)));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK((r->status == 400 || r->status == 413));
      CHECK(r->header("connection") == "close");
      CHECK(s.is_closed_by_peer(scaled(3000ms)));
    }
  }

  TEST_CASE("a client vanishing mid-upload ends the handler's reading with fa::ClientDisconnect") {
    Fixture f;
    {
      RawSocket s(f.port);
      REQUIRE(s.send(post_head("/vanish", 10u << 20) + payload(100000)));
      std::this_thread::sleep_for(50ms);
    }  // closed here, 10 MiB short
    for (int i = 0; i < 3000 && !f.seen.disconnect; ++i) std::this_thread::sleep_for(1ms);
    CHECK(f.seen.disconnect);
    RawSocket next(f.port);  // and the server serves the next client
    REQUIRE(next.send("GET /echo?ok HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = next.read_response();
    REQUIRE(r);
    CHECK(r->body == "/echo?ok");
  }

  TEST_CASE("req.is_disconnected() turns true once the client has gone, for a long handler to stop") {
    Fixture f;
    {
      RawSocket s(f.port);
      REQUIRE(s.send("GET /long HTTP/1.1\r\nHost: t\r\n\r\n"));
      CHECK_FALSE(s.has_data_within(50ms));
    }
    for (int i = 0; i < 3000 && !f.seen.noticed_gone; ++i) std::this_thread::sleep_for(1ms);
    CHECK(f.seen.noticed_gone);
  }

  TEST_CASE("a buffered route's req.stream() gives the body it already read, as one chunk") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(post_head("/buffered", 11) + "hello world"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->body == "1:hello world");
    REQUIRE(s.send(post_head("/buffered", 0)));
    r = s.read_response();
    REQUIRE(r);
    CHECK(r->body == "0:");
  }

  TEST_CASE("a streamed route must state its max_body_size: without it, registration fails in words") {
    fa::App app;
    app.post("/up", [](fa::RequestStream&) { return std::string("x"); });
    REQUIRE(app.configuration_errors().size() == 1);
    CHECK(app.configuration_errors()[0] ==
          "fastapi: route POST /up: the handler takes fa::RequestStream&, so the route must say how large a body it "
          "accepts: {.max_body_size = N} (bytes), or {.max_body_size = fa::unlimited}");
    fa::App ok;
    ok.post("/up", [](fa::RequestStream&) { return std::string("x"); }, {.max_body_size = fa::unlimited});
    CHECK(ok.configuration_errors().empty());
  }
}

}  // namespace test_streaming_file
