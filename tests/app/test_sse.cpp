// tests/app/test_sse.cpp: fa::EventSourceResponse over real sockets: the event framing (multi-line data, CR/LF
// that cannot inject fields), the headers, pings while the generator is quiet, each event sent at once (GZip
// leaves event streams alone), Last-Event-ID as a fa::Header, and the generator's cleanup when the client goes
// and when the server drains; a plain StreamingResponse's coroutine is cancelled when its client goes too.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "fastapi/app/app.hpp"
#include "fastapi/core/generator.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/http/event_source.hpp"
#include "fastapi/middleware/gzip.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

namespace test_sse_file {

namespace fa = fastapi;
using fastapi::test_support::RawSocket;
using fastapi::test_support::scaled;
using namespace std::chrono_literals;

struct Seen {
  std::atomic<int> cleanups{0};   ///< generators whose locals were destroyed
  std::atomic<int> cancelled{0};  ///< generators that saw fa::CancelledError
};

/// Counts the generator's end however it ends (a local's destructor: the cleanup a user would write).
struct Cleanup {
  Seen* seen;
  ~Cleanup() { ++seen->cleanups; }
};

fa::AsyncGenerator<fa::ServerSentEvent> framed() {
  fa::ServerSentEvent a{.data = "line one\nline two\r\nline three\rline four", .event = "multi", .id = "1"};
  co_yield std::move(a);
  fa::ServerSentEvent b{
      .data = "x\r\ndata: injected", .event = "evil\r\nid: 666", .id = "2\n\nevent: no", .retry = 2500};
  co_yield std::move(b);
  fa::ServerSentEvent c{.data = "", .comment = "a comment\nin two lines"};
  co_yield std::move(c);
}

/// One event, then nothing for a long time: the stream stays open until it is cancelled.
fa::AsyncGenerator<fa::ServerSentEvent> endless(Seen* seen) {
  Cleanup cleanup{seen};
  fa::ServerSentEvent first{.data = "first"};
  co_yield std::move(first);
  try {
    for (;;) {
      co_await fa::sleep(10s);
      fa::ServerSentEvent more{.data = "more"};
      co_yield std::move(more);
    }
  } catch (const fa::CancelledError&) {
    ++seen->cancelled;
    throw;
  }
}

fa::AsyncGenerator<fa::ServerSentEvent> slow_pair() {
  co_await fa::sleep(300ms);
  fa::ServerSentEvent e{.data = "late"};
  co_yield std::move(e);
}

fa::AsyncGenerator<fa::ServerSentEvent> resume_from(int last) {
  fa::ServerSentEvent e{.data = "after " + std::to_string(last), .id = std::to_string(last + 1)};
  co_yield std::move(e);
}

void add_routes(fa::App& app, Seen& seen) {
  app.logger().set_level(fa::LogLevel::off);
  app.get("/framed", [] { return fa::EventSourceResponse(framed()); });
  app.get("/endless", [&seen] { return fa::EventSourceResponse(endless(&seen)); });
  app.get("/pinged", [] { return fa::EventSourceResponse(slow_pair(), {.ping_interval = 50ms}); });
  app.get("/resume", [](fa::Header<"last-event-id", std::optional<int>> last) {
    return fa::EventSourceResponse(resume_from(last->value_or(0)));
  });
  app.get("/plain_stream", [&seen] {
    auto cleanup = std::make_shared<Cleanup>(Cleanup{&seen});
    auto sent = std::make_shared<bool>(false);
    return fa::StreamingResponse([cleanup, sent, &seen](std::string& chunk) -> fa::Task<bool> {
      if (*sent) {
        try {
          co_await fa::sleep(10s);
        } catch (const fa::CancelledError&) {
          ++seen.cancelled;
          throw;
        }
      }
      *sent = true;
      chunk = "tick\n";
      co_return true;
    });
  });
}

fa::Config config() {
  fa::Config c = fa::testing::TestClient::default_config();
  c.graceful_timeout = 10000ms;  // a drain that ends an event stream must not be this timeout
  return c;
}

struct Fixture {
  explicit Fixture(bool gzip = false) {
    add_routes(app, seen);
    if (gzip) app.add_middleware(fa::GZipMiddleware{{.minimum_size = 1}});
    client = std::make_unique<fa::testing::TestClient>(app, config());
    port = client->port();
  }
  Seen seen;
  fa::App app;
  std::unique_ptr<fa::testing::TestClient> client;
  std::uint16_t port = 0;
};

/// Receives on `s` until what arrived contains `text` (the stream is still open), or `timeout` passes.
std::string receive_until(RawSocket& s, std::string_view text, std::chrono::milliseconds timeout) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.find(text) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{s.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(s.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

bool wait_until(const std::atomic<int>& counter, int value, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (counter.load() < value && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  return counter.load() >= value;
}

TEST_SUITE("app/sse") {
  TEST_CASE("events are framed per the HTML standard: each data line its own field, CR/LF cannot inject fields") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("GET /framed HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-type") == "text/event-stream; charset=utf-8");
    CHECK(r->header("cache-control") == "no-cache");
    CHECK(r->header("x-accel-buffering") == "no");
    CHECK(r->chunked);
    CHECK(r->body ==
          "id: 1\r\nevent: multi\r\ndata: line one\r\ndata: line two\r\ndata: line three\r\ndata: line four\r\n\r\n"
          "id: 2event: no\r\nevent: evilid: 666\r\ndata: x\r\ndata: data: injected\r\nretry: 2500\r\n\r\n"
          ": a comment\r\n: in two lines\r\ndata: \r\n\r\n");
  }

  TEST_CASE("a quiet generator gets a ping comment every ping_interval, and its event still arrives") {
    Fixture f;
    RawSocket s(f.port, scaled(5000ms));
    REQUIRE(s.send("GET /pinged HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->body.starts_with(": ping - "));
    CHECK(r->body.find("+00:00\r\n\r\n") != std::string::npos);
    CHECK(r->body.ends_with("data: late\r\n\r\n"));
  }

  TEST_CASE("Last-Event-ID binds like any fa::Header") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("GET /resume HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 41\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->body == "id: 42\r\ndata: after 41\r\n\r\n");
  }

  TEST_CASE("each event is sent at once, GZip middleware included (it leaves text/event-stream alone)") {
    Fixture f(true);
    RawSocket s(f.port);
    REQUIRE(s.send("GET /endless HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"));
    std::string got = receive_until(s, "data: first\r\n\r\n", scaled(3000ms));
    CHECK(got.find("data: first\r\n\r\n") != std::string::npos);  // while the stream is still open
    CHECK(got.find("Content-Encoding") == std::string::npos);
  }

  TEST_CASE("the generator is cancelled and its cleanup runs within a second of the client disconnecting") {
    Fixture f;
    {
      RawSocket s(f.port);
      REQUIRE(s.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n"));
      REQUIRE(receive_until(s, "data: first", scaled(3000ms)).find("data: first") != std::string::npos);
      CHECK(f.seen.cleanups == 0);
    }  // the client goes; the generator sleeps 10 s
    CHECK(wait_until(f.seen.cleanups, 1, scaled(1000ms)));
    CHECK(f.seen.cancelled == 1);
  }

  TEST_CASE("a plain StreamingResponse's coroutine is cancelled too when its client goes") {
    Fixture f;
    {
      RawSocket s(f.port);
      REQUIRE(s.send("GET /plain_stream HTTP/1.1\r\nHost: t\r\n\r\n"));
      REQUIRE(receive_until(s, "tick", scaled(3000ms)).find("tick") != std::string::npos);
    }
    CHECK(wait_until(f.seen.cancelled, 1, scaled(1000ms)));
    CHECK(wait_until(f.seen.cleanups, 1, scaled(1000ms)));  // the stream (and what it held) is gone
  }

  TEST_CASE("the server's drain ends an event stream at once (not after graceful_timeout), its cleanup run") {
    Fixture f;
    RawSocket s(f.port, scaled(5000ms));
    REQUIRE(s.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(receive_until(s, "data: first", scaled(3000ms)).find("data: first") != std::string::npos);
    auto start = std::chrono::steady_clock::now();
    f.client->close();  // the drain; graceful_timeout is 10 s
    CHECK(std::chrono::steady_clock::now() - start < scaled(1000ms));
    CHECK(f.seen.cleanups == 1);
    std::string rest = s.read_until_close(scaled(2000ms));
    CHECK(rest.find("0\r\n\r\n") != std::string::npos);  // the stream ended properly: the last chunk
  }
}

}  // namespace test_sse_file
