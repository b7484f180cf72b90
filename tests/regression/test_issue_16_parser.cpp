// tests/regression/test_issue_16_parser.cpp: issue 16, section 5. The parser at its edges: a bare CR is refused
// with 400 as soon as the byte after it arrives (request line, field lines, chunk-size lines, trailers; requests
// and the client's responses), Transfer-Encoding with an empty list element is refused, max_headers counts every
// field line and defaults to 2000 (100 custom fields plus Host pass), and CONNECT is answered before any
// middleware. Unit checks on the parsers, then each case over a raw socket against an fa::App on 127.0.0.1:0.
//
// What the references answered (nginx 1.22.1, uvicorn 0.17.6 with h11 0.14.0 and FastAPI 0.92, probed by hand):
//   request                                   nginx                  uvicorn (h11)            fastapi.hpp
//   GET / HTTP/1.1\rHost: x\r\r               400 at once            no answer (waits)        400 at once, closed
//   Transfer-Encoding: , chunked              501                    400                      400, closed
//   Transfer-Encoding: chunked,               501                    400                      400, closed
//   100 custom fields + Host                  200                    200                      200
//   CONNECT example.com:443                   400                    404 (from the router)    400 before middleware, closed
//   CONNECT / (origin-form)                   405                    405                      400 (RFC 9112 3.2.3), closed
//   GET example.com:443 (authority-form)      400                    404                      400, closed
//   GET * (asterisk-form)                     400                    404                      400, closed
//   OPTIONS * (no route for it)               400                    404                      404 (the router), kept open
//   TRACE /, PROPFIND / (no such route)       405 / 200              405                      405 + Allow, kept open
//   3000 five-byte fields (21 KB)             400 (by bytes)         200                      431, closed
#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

#include "fastapi/app/app.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/request_parser.hpp"
#include "fastapi/http/response_parser.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_parser_file {

namespace fa = fastapi;
using fastapi::test_support::RawSocket;
using namespace std::chrono_literals;
using R = fa::RequestParser::Result;

/// Parses `text` fed one byte at a time (each call sees every byte so far, in a fresh buffer); returns
/// the result and, in `fed`, how many bytes it took to decide.
struct Fed {
  R result = R::incomplete;
  int status = 0;
  std::size_t fed = 0;
};
inline Fed feed_bytewise(std::string_view text, fa::HeadLimits limits = {}) {
  fa::detail::Arena arena;
  fa::Request req;
  req.arena = &arena;
  fa::RequestParser p(limits);
  Fed f;
  std::string buffer;
  for (std::size_t i = 1; i <= text.size() && f.result == R::incomplete; ++i) {
    std::string next(text.substr(0, i));
    buffer.swap(next);
    f.result = p.parse_head(buffer, req);
    f.fed = i;
  }
  f.status = p.error().status;
  return f;
}
/// One call with the whole text.
inline Fed parse_once(std::string_view text, fa::HeadLimits limits = {}) {
  fa::detail::Arena arena;
  fa::Request req;
  req.arena = &arena;
  fa::RequestParser p(limits);
  std::string buffer(text);
  Fed f;
  f.result = p.parse_head(buffer, req);
  f.status = p.error().status;
  f.fed = text.size();
  return f;
}

inline fa::ResponseParser::Result parse_response(std::string_view text, std::string_view* reason = nullptr) {
  static thread_local fa::ResponseParser p;
  p = fa::ResponseParser();
  fa::ResponseHead head;
  std::string buffer(text);
  auto r = p.parse_head(buffer, head);
  if (reason) *reason = p.error().reason;
  return r;
}

struct Decoded {
  fa::ChunkedDecoder::Result result;
  int status;
  std::string_view reason;
};
inline Decoded decode(std::string_view body, std::size_t max = 1 << 20) {
  fa::ChunkedDecoder d(max);
  std::string out;
  std::size_t used = 0;
  auto r = d.feed(body, out, used);
  return {r, d.error().status, d.error().reason};
}

/// An app with one route, served on 127.0.0.1:0 with the default limits and a short header timeout: a
/// request that is not refused at once would wait for it and get 408 instead of 400.
struct Server {
  fa::App app;
  std::atomic<int> middleware_calls{0};
  std::unique_ptr<fa::testing::TestClient> client;
  std::uint16_t port = 0;
  Server() {
    app.logger().set_level(fa::LogLevel::off);
    app.add_middleware([this](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      ++middleware_calls;
      co_return co_await next(req);
    });
    app.get("/", [](fa::Request& req) { return std::to_string(req.headers.size()); });
    app.post("/", [](fa::Request& req) { return std::string(req.body); });
    app.post("/huge", [](fa::Request& req) { return std::to_string(req.body.size()); },
             {.max_body_size = std::size_t(1) << 34});
    fa::Config c = fa::testing::TestClient::default_config();
    c.header_timeout = 2000ms;
    c.body_timeout = 2000ms;
    client = std::make_unique<fa::testing::TestClient>(app, c);
    port = client->port();
  }
};

/// Sends `request`; the answer must be `status` with a `{"detail":"<detail>"}` body, within well under
/// the 2 s header timeout, and the connection is then closed with nothing after the answer.
inline void check_refused(Server& s, std::string_view request, int status, std::string_view detail) {
  RawSocket sock(s.port);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(sock.send(request));
  auto r = sock.read_response();
  REQUIRE(r);
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(r->status == status);
  CHECK(r->body == "{\"detail\":\"" + std::string(detail) + "\"}");
  CHECK(r->header("connection") == "close");
  CHECK(sock.is_closed_by_peer(1000ms));
  CHECK(sock.buffered().empty());
}

/// The server still answers a normal request on a new connection.
inline void check_serves(Server& s) {
  RawSocket sock(s.port);
  REQUIRE(sock.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = sock.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
}

/// A GET with Host and `custom` more field lines, each a distinct name, or (`short_lines`) the same 5-byte
/// line repeated, so that 2000 of them stay under the 16 KiB head limit.
inline std::string many_fields(int custom, bool short_lines = false) {
  std::string out = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < custom; ++i) out += short_lines ? std::string("X:1\r\n") : "X-F" + std::to_string(i) + ": v\r\n";
  return out + "\r\n";
}

TEST_SUITE("regression/issue_16/parser") {

  // ---- bare CR ------------------------------------------------------------------------------------

  TEST_CASE("a bare CR anywhere in a request head is refused with 400 as soon as the byte after it is here") {
    struct Case {
      std::string_view name, text;
      std::size_t decided_at;  // bytes needed to refuse
    };
    const Case cases[] = {
        {"request line ends in CR", "GET / HTTP/1.1\rHost: x\r\r", 16},
        {"request line ends in CR CR", "GET / HTTP/1.1\r\r\nHost: x\r\n\r\n", 16},
        {"CR inside the request line", "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n", 7},
        {"field line ends in CR", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 25},
        {"CR inside a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r2\r\n\r\n", 33},
        {"CR after a field name", "GET / HTTP/1.1\r\nHost: x\r\nX-A\r: 1\r\n\r\n", 30},
        {"head ends in CR CR", "GET / HTTP/1.1\r\nHost: x\r\n\r\r", 27},
        {"leading empty line of a bare CR", "\r\rGET / HTTP/1.1\r\nHost: x\r\n\r\n", 2},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      Fed once = parse_once(c.text);
      CHECK(once.result == R::error);
      CHECK(once.status == 400);
      Fed each = feed_bytewise(c.text);
      CHECK(each.result == R::error);
      CHECK(each.status == 400);
      CHECK(each.fed == c.decided_at);
    }
  }

  TEST_CASE("a CR that may still start a CRLF waits; a limit crossed before a bare CR still wins") {
    // The last byte received is a CR: undecided, whatever follows the request line.
    CHECK(parse_once("GET / HTTP/1.1\r").result == R::incomplete);
    CHECK(parse_once("GET / HTTP/1.1\r\nHost: x\r").result == R::incomplete);
    // 64-byte request line limit crossed at byte 66; the bare CR at byte 80 comes later.
    std::string text = "GET /" + std::string(75, 'a') + "\rHost: a\r\n\r\n";
    CHECK(parse_once(text, {.max_request_line = 64}).status == 414);
    CHECK(feed_bytewise(text, {.max_request_line = 64}).status == 414);
    CHECK(parse_once(text, {.max_request_line = 100}).status == 400);
    CHECK(feed_bytewise(text, {.max_request_line = 100}).status == 400);
  }

  TEST_CASE("a bare CR in a response head is refused by the client's parser before the head is whole") {
    std::string_view reason;
    CHECK(parse_response("HTTP/1.1 200 OK\rContent-Length: 0\r\r", &reason) == fa::ResponseParser::Result::error);
    CHECK(reason == "Line ends must be CRLF.");
    CHECK(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 0\rX: 1\r", &reason) == fa::ResponseParser::Result::error);
    CHECK(reason == "Line ends must be CRLF.");
    CHECK(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r", &reason) == fa::ResponseParser::Result::error);
    CHECK(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 0\r") == fa::ResponseParser::Result::incomplete);
  }

  TEST_CASE("a bare CR in a chunk-size line, after chunk data, in a trailer or at the end is refused with 400") {
    for (std::string_view body :
         {"5\rhello\r\n0\r\n\r\n", "5;ext\rhello\r\n0\r\n\r\n", "5;e=\"v\"\r\rhello\r\n0\r\n\r\n",
          "5\r\nhello\r\r0\r\n\r\n", "0\r\nX-T: 1\r\r\n", "0\r\nX-T: 1\rX", "0\r\n\r\r"}) {
      CAPTURE(body);
      Decoded d = decode(body);
      CHECK(d.result == fa::ChunkedDecoder::Result::error);
      CHECK(d.status == 400);
    }
  }

  // ---- Transfer-Encoding list elements ------------------------------------------------------------

  TEST_CASE("Transfer-Encoding with an empty list element is refused, in requests and in responses") {
    for (std::string_view te : {", chunked", "chunked, ", "chunked,", " ,chunked", "gzip,,chunked", ",", ""}) {
      CAPTURE(te);
      std::string text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + std::string(te) + "\r\n\r\n";
      Fed f = parse_once(text);
      CHECK(f.result == R::error);
      CHECK(f.status == 400);
      std::string_view reason;
      CHECK(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + std::string(te) + "\r\n\r\n", &reason) ==
            fa::ResponseParser::Result::error);
    }
    // Sweep: Content-Length lists already refuse empty elements; Connection and Expect skip them, as RFC 9110
    // section 5.6.1 asks (they do not frame the body).
    CHECK(parse_once("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,\r\n\r\n").status == 400);
    CHECK(parse_once("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ,5\r\n\r\n").status == 400);
    CHECK(parse_once("GET / HTTP/1.1\r\nHost: x\r\nConnection: , close\r\n\r\n").result == R::complete);
    // A single chunked, OWS around it, still is chunked.
    CHECK(parse_once("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  chunked \r\n\r\n").result == R::complete);
  }

  // ---- max_headers --------------------------------------------------------------------------------

  TEST_CASE("max_headers counts every field line, Host included, and its default lets 2000 through") {
    CHECK(fa::HeadLimits{}.max_headers == 2000);
    CHECK(fa::Config{}.max_headers == 2000);
    CHECK(parse_once(many_fields(100)).result == R::complete);         // 100 custom + Host: 101 lines
    CHECK(parse_once(many_fields(1999, true)).result == R::complete);  // 2000 lines, 10 KiB
    Fed over = parse_once(many_fields(2000, true));                    // 2001 lines
    CHECK(over.status == 431);
    // Counted the same way with a small limit: Host is one of the 3.
    CHECK(parse_once(many_fields(2), {.max_headers = 3}).result == R::complete);
    CHECK(parse_once(many_fields(3), {.max_headers = 3}).status == 431);
  }

  // ---- chunk extensions, over a whole body --------------------------------------------------------

  TEST_CASE("chunk extensions are bounded per line (4 KiB) and per body (16 KiB)") {
    std::string body;
    for (int i = 0; i < 15; ++i) body += "1;" + std::string(1000, 'e') + "\r\nx\r\n";
    CHECK(decode(body + "0\r\n\r\n").result == fa::ChunkedDecoder::Result::complete);
    for (int i = 0; i < 2; ++i) body += "1;" + std::string(1000, 'e') + "\r\nx\r\n";
    Decoded d = decode(body + "0\r\n\r\n");
    CHECK(d.result == fa::ChunkedDecoder::Result::error);
    CHECK(d.status == 400);
    CHECK(d.reason == "Chunk extensions too long.");
  }

  // ---- over a real socket -------------------------------------------------------------------------

  TEST_CASE("over a socket: a bare CR in the request line or a field line gets 400 at once, not 408, and a close") {
    Server s;
    check_refused(s, "GET / HTTP/1.1\rHost: x\r\r", 400, "Line ends must be CRLF.");
    check_refused(s, "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n", 400, "Line ends must be CRLF.");
    check_refused(s, "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r2", 400, "Line ends must be CRLF.");
    CHECK(s.middleware_calls == 0);
    check_serves(s);
  }

  TEST_CASE("over a socket: a bare CR in a chunk-size line or a trailer gets 400 at once and a close") {
    Server s;
    const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    check_refused(s, head + "5\rhello", 400, "Chunk size line must end with CRLF.");
    check_refused(s, head + "5\r\nhello\r\n0\r\nX-T: 1\rX", 400, "Trailer field must end with CRLF.");
    CHECK(s.middleware_calls == 0);
    check_serves(s);
  }

  TEST_CASE("over a socket: Transfer-Encoding ', chunked' and 'chunked, ' get 400 and a close") {
    Server s;
    check_refused(s, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", 400,
                  "Transfer-Encoding has an empty list element.");
    check_refused(s, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, \r\n\r\n0\r\n\r\n", 400,
                  "Transfer-Encoding has an empty list element.");
    CHECK(s.middleware_calls == 0);
    check_serves(s);
  }

  TEST_CASE(
      "over a socket: 100 custom fields plus Host are served with the default limits, on a kept-alive connection") {
    Server s;
    RawSocket sock(s.port);
    for (int round = 0; round < 2; ++round) {
      REQUIRE(sock.send(many_fields(100)));
      auto r = sock.read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "101");
    }
  }

  TEST_CASE("over a socket: CONNECT host:443 gets 400 before any middleware, and a close") {
    Server s;
    check_refused(s, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 400,
                  "CONNECT is not supported: this server is not a proxy.");
    // Bytes meant for the tunnel right behind the request are not read as a request.
    check_refused(s,
                  "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
                  400, "CONNECT is not supported: this server is not a proxy.");
    check_refused(s, "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                  "CONNECT needs an authority-form target (host:port).");
    CHECK(s.middleware_calls == 0);
    check_serves(s);
  }

  TEST_CASE("over a socket: authority-form and asterisk-form targets outside CONNECT and OPTIONS get 400 and a close") {
    Server s;
    check_refused(s, "GET example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid request target.");
    check_refused(s, "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "The target * is only allowed with OPTIONS.");
    check_refused(s, "POST * HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 400,
                  "The target * is only allowed with OPTIONS.");
    CHECK(s.middleware_calls == 0);
  }

  TEST_CASE(
      "over a socket: TRACE and unknown methods get 405 with Allow from the router, and the connection stays usable") {
    Server s;
    RawSocket sock(s.port);
    for (std::string_view method : {"TRACE", "PROPFIND", "FOO"}) {
      CAPTURE(method);
      REQUIRE(sock.send(std::string(method) + " / HTTP/1.1\r\nHost: x\r\n\r\n"));
      auto r = sock.read_response();
      REQUIRE(r);
      CHECK(r->status == 405);
      CHECK(r->header("allow").has_value());
      CHECK(r->header("connection") != "close");
    }
    REQUIRE(sock.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = sock.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
  }

  TEST_CASE("over a socket: a chunked body flooded faster than it is decoded still gets 408 at body_timeout") {
    // One-byte chunks cost the server more to decode than the client to send, so the socket never runs dry and
    // the connection never waits: only a deadline checked on every read ends it (the sweeper cannot).
    Server s;
    RawSocket sock(s.port, 10000ms);
    REQUIRE(sock.send("POST /huge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::string flood;
    while (flood.size() < 65536) flood += "1\r\nx\r\n";
    std::atomic<bool> stop{false};
    auto start = std::chrono::steady_clock::now();
    std::thread flooder([&] {
      int fd = sock.fd();
      auto end = std::chrono::steady_clock::now() + 10s;
      std::string_view rest;
      while (!stop && std::chrono::steady_clock::now() < end) {
        if (rest.empty()) rest = flood;
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        if (p.revents & (POLLERR | POLLHUP)) break;
        ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
    });
    auto r = sock.read_response();
    auto took = std::chrono::steady_clock::now() - start;
    stop = true;
    flooder.join();
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(took < 6000ms);  // body_timeout is 2 s here
    check_serves(s);
  }

}  // TEST_SUITE

}  // namespace test_issue_16_parser_file
