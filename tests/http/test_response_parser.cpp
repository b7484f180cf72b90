// tests/http/test_response_parser.cpp: the HTTP client's response-head parser (http/response_parser.hpp): status
// line, framing as RFC 9112 section 6.3 says, keep-alive, and the same field-line rules as requests.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/http/response_parser.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_response_parser_file {

namespace fa = fastapi;

namespace response_test {
using RR = fa::ResponseParser::Result;

/// The parse of `text` in one piece and byte by byte (fresh buffer each time): they must agree.
struct Parsed {
  RR result = RR::incomplete;
  fa::ResponseHead head;
  std::string reason;
  std::size_t head_size = 0;
  std::string buffer;
};
inline Parsed parse_response(std::string_view text, bool head_request = false, fa::HeadLimits limits = {}) {
  Parsed one;
  fa::ResponseParser p(limits);
  one.buffer.assign(text);
  one.result = p.parse_head(one.buffer, one.head, head_request);
  one.reason = std::string(p.error().reason);
  one.head_size = p.head_size();
  if (one.result == RR::error) CHECK(p.error().status == 502);
  fa::ResponseParser each(limits);
  fa::ResponseHead h;
  RR r = RR::incomplete;
  for (std::size_t i = 1; i <= text.size() && r == RR::incomplete; ++i) {
    std::string next(text.substr(0, i));
    r = each.parse_head(next, h, head_request);
  }
  CHECK_MESSAGE(r == one.result, "one-shot and byte-by-byte disagree on: ", text);
  return one;
}
inline std::string response(std::string_view status_line, std::vector<std::string_view> fields) {
  std::string s(status_line);
  s += "\r\n";
  for (auto f : fields) s.append(f).append("\r\n");
  return s + "\r\n";
}
}  // namespace response_test

TEST_SUITE("http/response_parser") {
  using namespace response_test;

  TEST_CASE("a response head gives status, reason, headers as views, framing and where the body starts") {
    std::string text = response("HTTP/1.1 200 OK", {"Content-Type: application/json", "Content-Length: 7",
                                                    "Set-Cookie: a=1", "Set-Cookie: b=2"}) +
                       "{\"a\":1}";
    Parsed r = parse_response(text);
    REQUIRE(r.result == RR::complete);
    CHECK(r.head.status == 200);
    CHECK(r.head.reason == "OK");
    CHECK(r.head.version_minor == 1);
    CHECK(r.head.headers.get("content-type") == "application/json");
    CHECK(r.head.headers.get_all("set-cookie") == std::vector<std::string_view>{"a=1", "b=2"});
    CHECK(r.head.framing == fa::BodyFraming::content_length);
    CHECK(r.head.content_length == 7);
    CHECK(r.head.keep_alive);
    CHECK(r.buffer.substr(r.head_size) == "{\"a\":1}");
  }

  TEST_CASE("status lines: the reason may be empty or absent; the version, the code and its range are checked") {
    CHECK(parse_response("HTTP/1.1 204\r\n\r\n").head.status == 204);
    CHECK(parse_response("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").head.reason.empty());
    CHECK(parse_response("HTTP/1.1 404 Not  Found here\r\nContent-Length: 0\r\n\r\n").head.reason == "Not  Found here");
    CHECK(parse_response("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n").head.version_minor == 1);
    for (std::string_view bad : {"HTTP/2 200 OK", "HTTP/2.0 200 OK", "http/1.1 200 OK", "HTTP/1.1 20 OK",
                                 "HTTP/1.1 2000 OK", "HTTP/1.1 099 Low", "HTTP/1.1 600 High", "HTTP/1.1  200 OK",
                                 "HTTP/1.1 200\tOK", "HTTP/1.1 200 O\x01K", "ICY 200 OK", "garbage"}) {
      Parsed r = parse_response(std::string(bad) + "\r\nContent-Length: 0\r\n\r\n");
      CHECK_MESSAGE(r.result == RR::error, bad);
    }
    CHECK(parse_response("HTTP/2.0 200 OK\r\n\r\n").reason == "Unsupported HTTP version (only HTTP/1.x).");
    CHECK(parse_response("\r\nHTTP/1.1 200 OK\r\n\r\n").result == RR::error);  // no empty lines before it
  }

  TEST_CASE("response framing follows RFC 9112 section 6.3 and never guesses") {
    auto framing = [](std::string_view status, std::vector<std::string_view> fields, bool head_request = false) {
      Parsed r = parse_response(response(status, std::move(fields)), head_request);
      return r.result == RR::complete ? static_cast<int>(r.head.framing) : -1;
    };
    using F = fa::BodyFraming;
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: chunked"}) == static_cast<int>(F::chunked));
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: CHUNKED"}) == static_cast<int>(F::chunked));
    CHECK(framing("HTTP/1.1 200 OK", {"Content-Length: 5, 5"}) == static_cast<int>(F::content_length));
    CHECK(framing("HTTP/1.1 200 OK", {}) == static_cast<int>(F::until_close));
    // No body, whatever the fields say: HEAD, 1xx, 204, 304.
    CHECK(framing("HTTP/1.1 200 OK", {"Content-Length: 10"}, true) == static_cast<int>(F::none));
    CHECK(framing("HTTP/1.1 100 Continue", {}) == static_cast<int>(F::none));
    CHECK(framing("HTTP/1.1 204 No Content", {}) == static_cast<int>(F::none));
    CHECK(framing("HTTP/1.1 304 Not Modified", {"Content-Length: 10"}) == static_cast<int>(F::none));
    // Smuggling shapes and codings we do not decode are errors.
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: chunked", "Content-Length: 5"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: gzip, chunked"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: chunked, chunked"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Transfer-Encoding: gzip"}) == -1);
    CHECK(framing("HTTP/1.0 200 OK", {"Transfer-Encoding: chunked"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Content-Length: 5", "Content-Length: 6"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Content-Length: -1"}) == -1);
    CHECK(framing("HTTP/1.1 200 OK", {"Content-Length: 0x10"}) == -1);
  }

  TEST_CASE("keep-alive: HTTP/1.1 unless Connection: close, HTTP/1.0 only with keep-alive, never close-delimited") {
    auto keeps = [](std::string_view status, std::vector<std::string_view> fields) {
      Parsed r = parse_response(response(status, std::move(fields)));
      REQUIRE(r.result == RR::complete);
      return r.head.keep_alive;
    };
    CHECK(keeps("HTTP/1.1 200 OK", {"Content-Length: 0"}));
    CHECK_FALSE(keeps("HTTP/1.1 200 OK", {"Content-Length: 0", "Connection: close"}));
    CHECK_FALSE(keeps("HTTP/1.1 200 OK", {"Content-Length: 0", "Connection: keep-alive, Close"}));
    CHECK_FALSE(keeps("HTTP/1.0 200 OK", {"Content-Length: 0"}));
    CHECK(keeps("HTTP/1.0 200 OK", {"Content-Length: 0", "Connection: keep-alive"}));
    CHECK_FALSE(keeps("HTTP/1.1 200 OK", {}));  // the body ends at close
  }

  TEST_CASE("response field lines obey the request parser's rules, with the same words") {
    auto reason = [](std::string_view text) {
      Parsed r = parse_response(text);
      CHECK(r.result == RR::error);
      return r.reason;
    };
    CHECK(reason("HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n") == "Obsolete line folding is not accepted.");
    CHECK(reason("HTTP/1.1 200 OK\r\nA : 1\r\n\r\n") ==
          "No whitespace is allowed between a header name and its colon.");
    CHECK(reason("HTTP/1.1 200 OK\r\nA: 1\n\r\n") == "Line ends must be CRLF.");
    CHECK(reason("HTTP/1.1 200 OK\nA: 1\r\n\r\n") == "Line ends must be CRLF.");
    CHECK(reason("HTTP/1.1 200 OK\r\nA: x\ry\r\n\r\n") ==
          "Line ends must be CRLF.");  // a bare CR, before the line is whole
    CHECK(reason("HTTP/1.1 200 OK\r\nA: x\x01y\r\n\r\n") == "Invalid character in a header field value.");
    CHECK(reason("HTTP/1.1 200 OK\r\n: 1\r\n\r\n") == "Empty header field name.");
    CHECK(reason("HTTP/1.1 200 OK\r\nA(b): 1\r\n\r\n") == "Invalid header field name.");
    CHECK(reason("\r\n\r\n") == "Empty status line.");
    Parsed trimmed = parse_response("HTTP/1.1 200 OK\r\nX-Pad: \t value \t\r\nContent-Length: 0\r\n\r\n");
    CHECK(trimmed.head.headers.get("x-pad") == "value");
  }

  TEST_CASE("response head limits: status line, header bytes and field count") {
    fa::HeadLimits small{.max_request_line = 32, .max_header_bytes = 128, .max_headers = 3};
    CHECK(parse_response("HTTP/1.1 200 " + std::string(40, 'x') + "\r\n\r\n", false, small).reason ==
          "The status line is too long.");
    CHECK(parse_response("HTTP/1.1 200 OK\r\nA: " + std::string(200, 'x') + "\r\n\r\n", false, small).reason ==
          "The response head is too large.");
    CHECK(parse_response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", false, small).reason ==
          "Too many header fields in the response.");
    CHECK(parse_response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", false, small).result == RR::complete);
    // An endless head without a line end is refused as soon as it passes the limit, not buffered for ever.
    fa::ResponseParser p(small);
    fa::ResponseHead h;
    std::string endless = "HTTP/1.1 200 OK\r\nA: " + std::string(200, 'y');
    CHECK(p.parse_head(endless, h) == RR::error);
  }

  TEST_CASE("an interim 1xx head is parsed alone, and reset() reads the final one after it") {
    std::string text =
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    fa::ResponseParser p;
    fa::ResponseHead h;
    REQUIRE(p.parse_head(text, h) == RR::complete);
    CHECK(h.status == 103);
    CHECK(h.framing == fa::BodyFraming::none);
    std::string rest = text.substr(p.head_size());
    p.reset();
    REQUIRE(p.parse_head(rest, h) == RR::complete);
    CHECK(h.status == 200);
    CHECK(rest.substr(p.head_size()) == "ok");
  }

}  // TEST_SUITE

}  // namespace test_response_parser_file
