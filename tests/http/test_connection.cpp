// tests/http/test_connection.cpp: http/connection.hpp over real sockets: keep-alive, HTTP/1.0, pipelining,
// 100-continue, chunked bodies both ways, HEAD, Date/Server, limits, smuggling, timeouts, backpressure and
// errors. Every test talks to an fa::App on 127.0.0.1:0 through tests/support/raw_socket.hpp, with small
// timeouts so the whole suite stays fast, and asserts the exact bytes' meaning and whether the socket closed.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_connection_file {

namespace fa = fastapi;

// A named namespace, not an anonymous one: the test target is a unity build.
namespace connection_test {

using fastapi::test_support::RawResponse;
using fastapi::test_support::RawSocket;
using namespace std::chrono_literals;

/// Small limits and timeouts: the limits are easy to cross, the timeouts quick to wait out.
fa::Config fast_config() {
  fa::Config c = fa::testing::TestClient::default_config();
  c.header_timeout = 300ms;
  c.body_timeout = 300ms;
  c.keep_alive_timeout = 400ms;
  c.write_timeout = 500ms;
  c.graceful_timeout = 1000ms;
  c.max_body_size = 1024;
  c.max_request_line = 256;
  c.max_header_bytes = 1024;
  c.max_headers = 10;
  c.server_header = "fastapi-test";
  return c;
}
/// fast_config() with header and body timeouts no test waits out: for the tests that send a request in pieces
/// with pauses, which a loaded machine can stretch past 300 ms between two pieces.
fa::Config patient_config() {
  fa::Config c = fast_config();
  c.header_timeout = fastapi::test_support::scaled(std::chrono::milliseconds(3000));
  c.body_timeout = fastapi::test_support::scaled(std::chrono::milliseconds(3000));
  return c;
}

struct Counters {
  std::atomic<int> big{0};
  std::atomic<int> posts{0};
};

/// The app every test here talks to.
void add_routes(fa::App& app, Counters& counters) {
  app.logger().set_level(fa::LogLevel::off);
  app.get("/echo", [](fa::Request& req) { return std::string(req.target); });
  app.post("/echo", [&counters](fa::Request& req) {
    ++counters.posts;
    return std::string(req.body);
  });
  app.post("/upload_big", [](fa::Request& req) { return std::to_string(req.body.size()); }, {.max_body_size = 4096});
  app.post("/upload_small", [](fa::Request& req) { return std::to_string(req.body.size()); }, {.max_body_size = 16});
  app.get("/close", [](fa::Response& res) {
    res.headers.set("connection", "close");
    return std::string("bye");
  });
  app.get("/big", [&counters]() {
    ++counters.big;
    return std::string(std::size_t(1) << 20, 'x');
  });
  app.get("/huge", []() { return std::string(std::size_t(8) << 20, 'h'); });
  app.get("/stream", []() {
    auto n = std::make_shared<int>(0);
    return fa::StreamingResponse([n](std::string& chunk) -> fa::Task<bool> {
      if (*n == 3) co_return false;
      chunk = "part" + std::to_string((*n)++) + ";";
      co_return true;
    });
  });
  app.get("/throw", []() -> std::string { throw std::runtime_error("boom"); });
  app.get("/missing", []() -> std::string { throw fa::HTTPException{404, "Item not found", {{"X-Error", "boom"}}}; });
  app.get("/nocontent", []() { return fa::Response{.status = 204}; });
}

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

std::string post(std::string_view target, std::string_view body, std::string_view extra = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

/// A server that just refused a client still serves the next one normally.
void check_next_client_served(std::uint16_t port) {
  RawSocket s(port);
  REQUIRE(s.send(get("/echo?next=1")));
  auto r = s.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "/echo?next=1");
}

/// Sends a request, expects one error response with `status` and a `{"detail": ...}` body, then a close.
void check_rejected(std::uint16_t port, std::string_view request, int status) {
  RawSocket s(port);
  s.send(request);
  auto r = s.read_response();
  REQUIRE(r);
  CHECK(r->status == status);
  CHECK(r->header("connection") == "close");
  CHECK(r->header("content-type") == "application/json");
  CHECK(r->body.rfind("{\"detail\":\"", 0) == 0);
  CHECK(s.is_closed_by_peer(1000ms));
  CHECK(s.buffered().empty());  // nothing after the error response
}

/// The largest send buffer the kernel grows a socket to (tcp_wmem's third field), in MiB, at least 1.
int max_send_buffer_mib() {
  std::ifstream f("/proc/sys/net/ipv4/tcp_wmem");
  long min = 0, def = 0, max = 4 << 20;
  f >> min >> def >> max;
  return std::max(1, static_cast<int>(max >> 20));
}

struct Fixture {
  Fixture(fa::Config config = fast_config()) {
    add_routes(app, counters);
    client = std::make_unique<fa::testing::TestClient>(app, config);
    port = client->port();
  }
  Counters counters;
  fa::App app;
  std::unique_ptr<fa::testing::TestClient> client;
  std::uint16_t port = 0;
};

TEST_SUITE("http/connection") {

  // ---- keep-alive and HTTP/1.0 ------------------------------------------------------------------

  TEST_CASE("several requests on one keep-alive connection are all answered on the same socket") {
    Fixture f;
    RawSocket s(f.port);
    for (int i = 0; i < 3; ++i) {
      std::string target = "/echo?i=" + std::to_string(i);
      REQUIRE(s.send(get(target)));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status_line == "HTTP/1.1 200 OK");
      CHECK(r->body == target);
      CHECK(r->header("content-length") == std::to_string(target.size()));
      CHECK(r->header("content-type") == "text/plain; charset=utf-8");
      CHECK_FALSE(r->header("connection"));
    }
    CHECK_FALSE(s.is_closed_by_peer(100ms));
  }

  TEST_CASE("HTTP/1.0 without keep-alive is answered in HTTP/1.0 with Connection: close, then the socket closes") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("GET /echo?v=10 HTTP/1.0\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status_line == "HTTP/1.0 200 OK");
    CHECK(r->body == "/echo?v=10");
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
  }

  TEST_CASE("HTTP/1.0 with Connection: keep-alive is answered with Connection: keep-alive and stays open") {
    Fixture f;
    RawSocket s(f.port);
    for (int i = 0; i < 2; ++i) {
      REQUIRE(s.send("GET /echo?ka=" + std::to_string(i) + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status_line == "HTTP/1.0 200 OK");
      CHECK(r->header("connection") == "keep-alive");
      CHECK(r->body == "/echo?ka=" + std::to_string(i));
    }
    CHECK_FALSE(s.is_closed_by_peer(100ms));
  }

  TEST_CASE("Connection: close from the client is answered with Connection: close, then the socket closes") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/echo?c=1", "Connection: close\r\n")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
  }

  TEST_CASE("a handler that sets Connection: close gets one Connection: close header and the socket closes") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/close")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "bye");
    CHECK(r->count("connection") == 1);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
  }

  // ---- pipelining ----------------------------------------------------------------------------------

  TEST_CASE("sixteen pipelined requests in one write are all answered, in order, in few reads") {
    Fixture f;
    RawSocket s(f.port);
    std::string batch;
    for (int i = 0; i < 16; ++i) batch += get("/echo?n=" + std::to_string(i));
    REQUIRE(s.send(batch));
    for (int i = 0; i < 16; ++i) {
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "/echo?n=" + std::to_string(i));
    }
    CHECK(s.buffered().empty());
    CHECK(s.reads() <= 3);  // gathered: the server answered the batch with one write (or very few)
    // And the connection is still usable afterwards.
    REQUIRE(s.send(get("/echo?after=1")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->body == "/echo?after=1");
  }

  TEST_CASE("a pipelined batch with a POST body in the middle is answered in order") {
    Fixture f;
    RawSocket s(f.port);
    std::string batch = get("/echo?p=0") + post("/echo", "the-body-in-the-middle") + get("/echo?p=2") +
                        post("/echo", "") + get("/echo?p=4");
    REQUIRE(s.send(batch));
    std::string expected[] = {"/echo?p=0", "the-body-in-the-middle", "/echo?p=2", "", "/echo?p=4"};
    for (const auto& e : expected) {
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == e);
    }
    CHECK(f.counters.posts == 2);
  }

  TEST_CASE("a pipelined batch larger than the read buffer, chunked bodies included, is answered in order") {
    Fixture f;
    RawSocket s(f.port);
    std::string batch;
    std::vector<std::string> expected;
    for (int i = 0; i < 250; ++i) {
      if (i % 10 == 5) {
        batch += "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nc" + std::to_string(i % 10) +
                 "-\r\n" + "2\r\n" + std::to_string(i + 100).substr(1, 2) + "\r\n0\r\n\r\n";
        expected.push_back("c5-" + std::to_string(i + 100).substr(1, 2));
      } else {
        std::string target =
            "/echo?i=" + std::to_string(i) + "&pad=" + std::string(static_cast<std::size_t>(i % 37), 'p');
        batch += get(target);
        expected.push_back(target);
      }
    }
    REQUIRE(batch.size() > 3 * 4097);  // heads straddle the end of the read buffer
    REQUIRE(s.send(batch));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == expected[i]);
    }
    CHECK(s.buffered().empty());
  }

  TEST_CASE("a client that half-closes after its pipelined requests still gets every response") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/echo?hc=1") + get("/echo?hc=2")));
    s.shutdown_write();
    auto r1 = s.read_response();
    auto r2 = s.read_response();
    REQUIRE(r1);
    REQUIRE(r2);
    CHECK(r1->body == "/echo?hc=1");
    CHECK(r2->body == "/echo?hc=2");
    CHECK(s.is_closed_by_peer(1000ms));
  }

  // ---- Expect: 100-continue ---------------------------------------------------------------------------

  TEST_CASE("Expect: 100-continue gets HTTP/1.1 100 Continue before the body is sent, then the final response") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    auto interim = s.read_response();
    REQUIRE(interim);
    CHECK(interim->status_line == "HTTP/1.1 100 Continue");
    CHECK(interim->headers.empty());
    CHECK(f.counters.posts == 0);
    REQUIRE(s.send("hello"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello");
  }

  TEST_CASE("Expect: 100-continue with a Content-Length over the limit gets 413 without 100 Continue") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->body == R"({"detail":"Request Entity Too Large"})");
    CHECK(s.is_closed_by_peer(1000ms));
    CHECK(f.counters.posts == 0);
  }

  // ---- chunked request bodies -------------------------------------------------------------------------

  TEST_CASE("a chunked request body with extensions and trailers reaches the handler de-chunked") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5;name=value;flag\r\nhello\r\n"
                   "1\r\n \r\n"
                   "5;q=\"quoted ext\"\r\nworld\r\n"
                   "0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello world");
    // The connection is in sync afterwards: the trailers were consumed.
    REQUIRE(s.send(get("/echo?after=chunked")));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=chunked");
  }

  TEST_CASE("a chunked request body split across writes reaches the handler whole") {
    Fixture f{patient_config()};
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab"));
    std::this_thread::sleep_for(30ms);
    REQUIRE(s.send("cd\r\n3"));
    std::this_thread::sleep_for(30ms);
    REQUIRE(s.send("\r\nefg\r"));
    std::this_thread::sleep_for(30ms);
    REQUIRE(s.send("\n0\r\n"));
    std::this_thread::sleep_for(30ms);
    REQUIRE(s.send("\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "abcdefg");
  }

  TEST_CASE("a chunked request body sent byte by byte reaches the handler whole") {
    Fixture f{patient_config()};
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
    REQUIRE(s.send_slowly("3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n", 2ms));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "abcde");
  }

  TEST_CASE("a chunked body growing past the limit gets 413 and the next client is served") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /upload_small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "a\r\n0123456789\r\n"));
    REQUIRE(s.send("a\r\n0123456789\r\n"));  // 20 bytes > 16
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
    check_next_client_served(f.port);
  }

  // ---- streamed responses ---------------------------------------------------------------------------

  TEST_CASE("a StreamingResponse is sent chunked to an HTTP/1.1 client, and the connection stays usable") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/stream")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->chunked);
    CHECK_FALSE(r->header("content-length"));
    CHECK(r->header("content-type") == "text/plain; charset=utf-8");
    CHECK(r->body == "part0;part1;part2;");
    REQUIRE(s.send(get("/echo?after=stream")));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=stream");
  }

  TEST_CASE("a StreamingResponse to an HTTP/1.0 client is close-delimited") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status_line == "HTTP/1.0 200 OK");
    CHECK(r->close_delimited);
    CHECK_FALSE(r->header("transfer-encoding"));
    CHECK_FALSE(r->header("content-length"));
    CHECK(r->header("connection") == "close");
    CHECK(r->body == "part0;part1;part2;");
  }

  // ---- HEAD, Date, Server ----------------------------------------------------------------------------

  TEST_CASE("HEAD is answered like GET with its Content-Length and no body, and the next request is parsed") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("HEAD /echo?h=1 HTTP/1.1\r\nHost: t\r\n\r\n" + get("/echo?h=2")));
    auto r = s.read_response(/*head_request=*/true);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-length") == std::to_string(std::string("/echo?h=1").size()));
    CHECK(r->body.empty());
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->status == 200);
    CHECK(r2->body == "/echo?h=2");
    CHECK(s.buffered().empty());
  }

  TEST_CASE("HEAD of a streamed response sends neither Content-Length nor a body, and the next request is parsed") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n" + get("/echo?after=head")));
    auto r = s.read_response(/*head_request=*/true);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_FALSE(r->header("content-length"));
    CHECK_FALSE(r->header("transfer-encoding"));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=head");
  }

  TEST_CASE("a 204 response has no Content-Length and no body, and the connection stays in sync") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/nocontent") + get("/echo?after=204")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status_line == "HTTP/1.1 204 No Content");
    CHECK_FALSE(r->header("content-length"));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=204");
  }

  TEST_CASE("every response carries one Date header in IMF-fixdate form, close to now") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/echo")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->count("date") == 1);
    std::string date = r->header("date").value_or("");
    REQUIRE(date.size() == 29);  // "Sun, 06 Nov 1994 08:49:37 GMT"
    std::tm tm{};
    const char* end = strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    REQUIRE(end != nullptr);
    CHECK(*end == '\0');
    CHECK(date[3] == ',');
    std::time_t sent = timegm(&tm);
    CHECK(std::abs(static_cast<long>(sent - std::time(nullptr))) <= 2);
  }

  TEST_CASE("the Server header carries Config::server_header and is omitted when that is empty") {
    {
      Fixture f;
      RawSocket s(f.port);
      REQUIRE(s.send(get("/echo")));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->header("server") == "fastapi-test");
    }
    fa::Config c = fast_config();
    c.server_header = "";
    Fixture f(c);
    RawSocket s(f.port);
    REQUIRE(s.send(get("/echo")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->count("server") == 0);
  }

  // ---- limits ---------------------------------------------------------------------------------------

  TEST_CASE("a request line over max_request_line gets 414 and a close, and the next client is served") {
    Fixture f;
    check_rejected(f.port, get("/echo?" + std::string(400, 'a')), 414);
    check_next_client_served(f.port);
  }

  TEST_CASE("a header block over max_header_bytes gets 431 and a close, and the next client is served") {
    Fixture f;
    check_rejected(f.port, get("/echo", "X-Big: " + std::string(1200, 'b') + "\r\n"), 431);
    check_next_client_served(f.port);
  }

  TEST_CASE("more than max_headers header fields get 431 and a close, and the next client is served") {
    Fixture f;
    std::string extra;
    for (int i = 0; i < 12; ++i) extra += "X-H" + std::to_string(i) + ": v\r\n";
    check_rejected(f.port, get("/echo", extra), 431);
    check_next_client_served(f.port);
  }

  TEST_CASE("a Content-Length over max_body_size gets 413 before the body is sent, and the next client is served") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n"));  // no body yet
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
    CHECK(f.counters.posts == 0);
    check_next_client_served(f.port);
  }

  TEST_CASE("a route's max_body_size overrides the app default, both larger and smaller") {
    Fixture f;  // app default: 1024
    {
      RawSocket s(f.port);
      REQUIRE(s.send(post("/upload_big", std::string(3000, 'x'))));  // over 1024, under the route's 4096
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "3000");
    }
    {
      RawSocket s(f.port);
      REQUIRE(s.send("POST /upload_big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 413);
    }
    {
      RawSocket s(f.port);
      REQUIRE(s.send(post("/upload_small", std::string(16, 'x'))));  // at the route's limit of 16
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "16");
    }
    {
      RawSocket s(f.port);
      REQUIRE(s.send("POST /upload_small HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n"));
      auto r = s.read_response();
      REQUIRE(r);
      CHECK(r->status == 413);
      CHECK(s.is_closed_by_peer(1000ms));
    }
    check_next_client_served(f.port);
  }

  TEST_CASE("a body larger than the read buffer (and within the limit) arrives whole") {
    fa::Config c = fast_config();
    c.max_body_size = 200000;
    Fixture f(c);
    std::string body;
    for (int i = 0; i < 20000; ++i) body += static_cast<char>('a' + i % 26);
    RawSocket s(f.port);
    REQUIRE(s.send(post("/echo", body) + get("/echo?after=big")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == body);
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=big");

    std::string chunked = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 5000) {
      std::string piece = body.substr(at, 5000);
      char size[16];
      std::snprintf(size, sizeof(size), "%zx", piece.size());
      chunked += std::string(size) + "\r\n" + piece + "\r\n";
    }
    chunked += "0\r\n\r\n";
    REQUIRE(s.send(chunked + get("/echo?after=chunked")));
    auto r3 = s.read_response();
    REQUIRE(r3);
    CHECK(r3->status == 200);
    CHECK(r3->body == body);
    auto r4 = s.read_response();
    REQUIRE(r4);
    CHECK(r4->body == "/echo?after=chunked");
  }

  // ---- smuggling ------------------------------------------------------------------------------------

  TEST_CASE("Content-Length together with Transfer-Encoding gets 400 and a close") {
    Fixture f;
    check_rejected(f.port,
                   "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "0\r\n\r\n",
                   400);
    CHECK(f.counters.posts == 0);
    check_next_client_served(f.port);
  }

  TEST_CASE("two differing Content-Length headers get 400 and a close") {
    Fixture f;
    check_rejected(f.port, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                   400);
    CHECK(f.counters.posts == 0);
  }

  TEST_CASE("Transfer-Encoding gzip, chunked gets 501 and gzip alone gets 400") {
    Fixture f;
    check_rejected(f.port, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
    check_rejected(f.port, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 400);
    CHECK(f.counters.posts == 0);
    check_next_client_served(f.port);
  }

  TEST_CASE("a second request smuggled in the body of a rejected one is never answered") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "0\r\n\r\nGET /echo?smuggled=1 HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::string all = s.read_until_close(2000ms);
    CHECK(all.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(all.find("HTTP/1.1", 1) == std::string::npos);  // exactly one response
    CHECK(all.find("smuggled") == std::string::npos);
    CHECK(f.counters.posts == 0);
  }

  // ---- timeouts -------------------------------------------------------------------------------------

  TEST_CASE("a head sent one byte every 50 ms beyond header_timeout gets 408 and a close (slowloris)") {
    Fixture f;  // header_timeout 300 ms
    RawSocket s(f.port);
    std::string head = get("/echo", "X-Slow: " + std::string(100, 's') + "\r\n");
    auto start = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    while (sent < head.size() && !s.has_data_within(50ms)) {
      if (!s.send(std::string_view(head).substr(sent, 1))) break;
      ++sent;
    }
    CHECK(sent < head.size());  // cut off long before the head was complete
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(r->body == R"({"detail":"Request Timeout"})");
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 300ms);
    CHECK(took < fastapi::test_support::scaled(1500ms));
  }

  TEST_CASE("an idle keep-alive connection is closed after keep_alive_timeout without a response") {
    Fixture f;  // keep_alive_timeout 400 ms
    RawSocket s(f.port);
    REQUIRE(s.send(get("/echo?idle=1")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(s.is_closed_by_peer(250ms));  // not before its time
    CHECK(s.is_closed_by_peer(1500ms));
    CHECK(s.buffered().empty());  // closed without a word
    CHECK(std::chrono::steady_clock::now() - start < fastapi::test_support::scaled(1500ms));
  }

  TEST_CASE("a body that arrives too slowly gets 408 and a close") {
    Fixture f;  // body_timeout 300 ms
    RawSocket s(f.port);
    REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly-a-little"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(r->header("connection") == "close");
    CHECK(s.is_closed_by_peer(1000ms));
    CHECK(f.counters.posts == 0);
  }

  TEST_CASE("a connection that sends nothing at all is closed after header_timeout") {
    Fixture f;
    RawSocket s(f.port);
    auto start = std::chrono::steady_clock::now();
    CHECK(s.is_closed_by_peer(1500ms));
    CHECK(s.buffered().empty());
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);
    check_next_client_served(f.port);
  }

  // ---- backpressure ---------------------------------------------------------------------------------

  TEST_CASE("a client that pipelines big responses and never reads stalls the server's reading, then is dropped") {
    Fixture f;  // write_timeout 500 ms; /big answers 1 MiB
    RawSocket s(f.port, 3000ms, /*rcvbuf=*/4096);
    std::string batch;
    for (int i = 0; i < 64; ++i) batch += get("/big");
    REQUIRE(s.send(batch));
    std::this_thread::sleep_for(300ms);
    // The server holds at most the response it is writing, plus what the kernel buffers hold (its send
    // buffer grows up to tcp_wmem's maximum): it neither reads nor runs the rest of the batch.
    int ran = f.counters.big;
    CHECK(ran >= 1);
    CHECK(ran <= max_send_buffer_mib() + 2);
    // Other clients are served meanwhile.
    check_next_client_served(f.port);
    // write_timeout drops the client that reads nothing.
    std::this_thread::sleep_for(700ms);
    CHECK(f.counters.big == ran);
    std::string got = s.read_until_close(2000ms);
    CHECK(got.size() < (std::size_t(3) << 20));
    CHECK(s.is_closed_by_peer(100ms));
  }

  TEST_CASE("a client that reads a big response slowly but steadily is not dropped by write_timeout") {
    fa::Config c = fast_config();
    c.write_timeout = 1000ms;  // generous against a busy machine's scheduling; each pause below is 100 ms
    Fixture f(c);              // /huge answers 8 MiB, more than the socket buffers hold
    RawSocket s(f.port, 5000ms, /*rcvbuf=*/256 * 1024);
    REQUIRE(s.send(get("/huge")));
    auto start = std::chrono::steady_clock::now();
    std::string got;
    while (got.size() < (std::size_t(8) << 20) + 100 && std::chrono::steady_clock::now() - start < 20s) {
      std::this_thread::sleep_for(100ms);  // about 2.5 MB/s: the server blocks, but never for 1 s
      char chunk[256 * 1024];
      ssize_t n = ::recv(s.fd(), chunk, sizeof(chunk), 0);
      if (n == 0) break;
      if (n > 0) got.append(chunk, static_cast<std::size_t>(n));
    }
    CHECK(std::chrono::steady_clock::now() - start > 2000ms);  // far longer than write_timeout in all
    auto head_end = got.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.size() - head_end - 4 == (std::size_t(8) << 20));
  }

  // ---- errors ---------------------------------------------------------------------------------------

  TEST_CASE("a handler that throws gets 500 {\"detail\":\"Internal Server Error\"} and the connection stays usable") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/throw")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status_line == "HTTP/1.1 500 Internal Server Error");
    CHECK(r->body == R"({"detail":"Internal Server Error"})");
    CHECK(r->header("content-type") == "application/json");
    CHECK_FALSE(r->header("connection"));
    REQUIRE(s.send(get("/echo?after=throw")));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->status == 200);
    CHECK(r2->body == "/echo?after=throw");
  }

  TEST_CASE("an HTTPException becomes its status, its detail and its headers") {
    Fixture f;
    RawSocket s(f.port);
    REQUIRE(s.send(get("/missing")));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status_line == "HTTP/1.1 404 Not Found");
    CHECK(r->body == R"({"detail":"Item not found"})");
    CHECK(r->header("x-error") == "boom");
    REQUIRE(s.send(get("/echo?after=404")));
    auto r2 = s.read_response();
    REQUIRE(r2);
    CHECK(r2->body == "/echo?after=404");
  }

  TEST_CASE("random bytes, a NUL in the request line and bare LF get 400 and a close; the server lives on") {
    Fixture f;
    std::mt19937 rng(12345);
    std::string noise;
    for (int i = 0; i < 200; ++i) noise.push_back(static_cast<char>(rng() % 256));
    noise += "\r\n\r\n";
    check_rejected(f.port, noise, 400);
    check_rejected(f.port, std::string("GET /ec\0ho HTTP/1.1\r\nHost: t\r\n\r\n", 32), 400);
    check_rejected(f.port, "GET /echo HTTP/1.1\nHost: t\n\n", 400);
    check_rejected(f.port, "GET /echo HTTP/1.1\r\nHost: t\r\nX: a\nb\r\n\r\n", 400);
    check_next_client_served(f.port);
  }

  TEST_CASE("a client that closes mid-request does not disturb the server") {
    Fixture f;
    {
      RawSocket s(f.port);
      REQUIRE(s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc"));
    }
    {
      RawSocket s(f.port);
      REQUIRE(s.send("GET /echo HTTP/1.1\r\nHo"));
    }
    check_next_client_served(f.port);
    CHECK(f.counters.posts == 0);
  }

}  // TEST_SUITE

}  // namespace connection_test

}  // namespace test_connection_file
