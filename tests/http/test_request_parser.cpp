// tests/http/test_request_parser.cpp: the incremental request-head parser (http/request_parser.hpp), and the
// field-line rules it shares with the response parser (http/field_lines.hpp).
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/http/request_parser.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_request_parser_file {

namespace fa = fastapi;
using namespace std::string_view_literals;
using R = fa::RequestParser::Result;

namespace {

/// A parser, a request and its arena, and the buffer the views point into.
struct Harness {
  fa::detail::Arena arena;
  fa::Request req;
  fa::RequestParser parser;
  std::string buffer;

  explicit Harness(fa::HeadLimits limits = {}) : parser(limits) { req.arena = &arena; }

  R parse(std::string_view text) {
    buffer.assign(text);
    return parser.parse_head(buffer, req);
  }
  /// Feeds text one byte more per call, in a fresh buffer each time (so the bytes move).
  R parse_bytewise(std::string_view text) {
    R r = R::incomplete;
    for (std::size_t i = 1; i <= text.size() && r == R::incomplete; ++i) {
      std::string next(text.substr(0, i));
      next.reserve(i + 64 + i % 7);
      buffer.swap(next);
      r = parser.parse_head(buffer, req);
    }
    return r;
  }
  int status() const { return parser.error().status; }
};

/// 0 when the head parses, -1 when it stays incomplete, else the error status. Checks that byte by
/// byte feeding agrees with one-shot parsing.
int outcome(std::string_view text, fa::HeadLimits limits = {}) {
  Harness one(limits), each(limits);
  R a = one.parse(text);
  R b = each.parse_bytewise(text);
  int sa = a == R::complete ? 0 : a == R::incomplete ? -1 : one.status();
  int sb = b == R::complete ? 0 : b == R::incomplete ? -1 : each.status();
  CHECK_MESSAGE(sa == sb, "one-shot and byte-by-byte disagree on: ", text);
  if (a == R::error) CHECK_FALSE(one.parser.error().reason.empty());
  return sa;
}

/// A request with the given field lines (each without CRLF).
std::string request(std::string_view line, std::vector<std::string_view> fields) {
  std::string s(line);
  s += "\r\n";
  for (auto f : fields) {
    s += f;
    s += "\r\n";
  }
  s += "\r\n";
  return s;
}

std::string get_with(std::vector<std::string_view> fields) {
  fields.insert(fields.begin(), "Host: example.com");
  return request("GET / HTTP/1.1", std::move(fields));
}
std::string post_with(std::vector<std::string_view> fields) {
  fields.insert(fields.begin(), "Host: example.com");
  return request("POST /upload HTTP/1.1", std::move(fields));
}

struct Reject {
  std::string_view why;
  std::string text;
  int status;
};

void check_rejections(const std::vector<Reject>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.why);
    CHECK(outcome(c.text) == c.status);
  }
}

constexpr std::string_view browser_get =
    "GET /items/caf%C3%A9/a%20b?q=x+y&tag=1&tag=2&flag HTTP/1.1\r\n"
    "Host: shop.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session=abc123; theme=dark\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "X-Spaced:   padded value \t \r\n"
    "X-Spaced: second\r\n"
    "\r\n";

bool inside(std::string_view part, const std::string& buffer) {
  return part.data() >= buffer.data() && part.data() + part.size() <= buffer.data() + buffer.size();
}

}  // namespace

TEST_SUITE("http/request_parser") {

  TEST_CASE("a browser GET with a dozen headers is parsed into views of the buffer") {
    Harness h;
    REQUIRE(h.parse(browser_get) == R::complete);
    const auto& r = h.req;
    CHECK(h.parser.head_size() == browser_get.size());
    CHECK(r.method == fa::Method::get);
    CHECK(r.method_name == "GET");
    CHECK(r.target == "/items/caf%C3%A9/a%20b?q=x+y&tag=1&tag=2&flag");
    CHECK(r.raw_path == "/items/caf%C3%A9/a%20b");
    CHECK(r.path == "/items/caf\xc3\xa9/a b");
    CHECK(r.query_string == "q=x+y&tag=1&tag=2&flag");
    CHECK(r.query.get("q") == "x y");
    CHECK(r.query.get_all("tag") == std::vector<std::string_view>{"1", "2"});
    CHECK(r.query.get("flag") == "");
    CHECK(r.query.size() == 4);
    CHECK(r.version_minor == 1);
    REQUIRE(r.headers.size() == 12);
    CHECK(r.headers[0].name == "Host");
    CHECK(r.headers[0].value == "shop.example.com");
    CHECK(r.headers[5].name == "Connection");
    CHECK(r.headers.get("cookie") == "session=abc123; theme=dark");
    CHECK(r.headers.get("accept-encoding") == "gzip, deflate, br");
    CHECK(r.headers.get_all("x-spaced") == std::vector<std::string_view>{"padded value", "second"});
    CHECK(r.keep_alive);
    CHECK_FALSE(r.chunked);
    CHECK_FALSE(r.content_length.has_value());
    CHECK_FALSE(r.expect_continue);
    CHECK(inside(r.method_name, h.buffer));
    CHECK(inside(r.target, h.buffer));
    CHECK(inside(r.headers[11].value, h.buffer));
    CHECK(inside(r.query_string, h.buffer));
  }

  TEST_CASE("feeding one byte at a time gives the same request as one shot") {
    const std::string samples[] = {
        std::string(browser_get),
        "\r\nPOST /x?a=%41 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
        "GET http://example.com:8080/p%2Fq?z=1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
    };
    for (const auto& text : samples) {
      CAPTURE(text);
      Harness one, each;
      REQUIRE(one.parse(text) == R::complete);
      REQUIRE(each.parse_bytewise(text) == R::complete);
      CHECK(each.parser.head_size() == one.parser.head_size());
      CHECK(each.req.method_name == one.req.method_name);
      CHECK(each.req.target == one.req.target);
      CHECK(each.req.raw_path == one.req.raw_path);
      CHECK(each.req.path == one.req.path);
      CHECK(each.req.query_string == one.req.query_string);
      CHECK(each.req.query.size() == one.req.query.size());
      CHECK(each.req.version_minor == one.req.version_minor);
      CHECK(each.req.chunked == one.req.chunked);
      CHECK(each.req.keep_alive == one.req.keep_alive);
      CHECK(each.req.expect_continue == one.req.expect_continue);
      REQUIRE(each.req.headers.size() == one.req.headers.size());
      for (std::size_t i = 0; i < one.req.headers.size(); ++i) {
        CHECK(each.req.headers[i].name == one.req.headers[i].name);
        CHECK(each.req.headers[i].value == one.req.headers[i].value);
        CHECK(inside(each.req.headers[i].value, each.buffer));  // views into the latest buffer
      }
    }
  }

  TEST_CASE("every strict prefix of a valid head is incomplete") {
    std::string text(browser_get);
    for (std::size_t n = 0; n < text.size(); ++n) {
      Harness h;
      CAPTURE(n);
      CHECK(h.parse(std::string_view(text).substr(0, n)) == R::incomplete);
    }
  }

  TEST_CASE("a POST with Content-Length reports its length and where the body starts") {
    std::string text = post_with({"Content-Type: application/json", "Content-Length: 13"}) + "{\"a\": \"bcd\"}X";
    Harness h;
    REQUIRE(h.parse(text) == R::complete);
    CHECK(h.req.method == fa::Method::post);
    CHECK(h.req.content_length == std::optional<std::size_t>(13));
    CHECK(text.substr(h.parser.head_size(), 13) == "{\"a\": \"bcd\"}X");
    CHECK(h.req.path == "/upload");
  }

  TEST_CASE("pipelined requests back to back are parsed one after the other") {
    std::string first = post_with({"Content-Length: 5"});
    std::string second = get_with({"X-N: 2"});
    std::string third = "DELETE /items/7 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    std::string wire = first + "hello" + second + third;
    Harness h;
    REQUIRE(h.parse(wire) == R::complete);
    CHECK(h.parser.head_size() == first.size());
    std::size_t offset = h.parser.head_size() + *h.req.content_length;

    h.parser.reset();
    h.arena.reset();
    REQUIRE(h.parser.parse_head(std::string_view(wire).substr(offset), h.req) == R::complete);
    CHECK(h.parser.head_size() == second.size());
    CHECK(h.req.method == fa::Method::get);
    CHECK(h.req.headers.size() == 2);
    CHECK(h.req.headers.get("x-n") == "2");
    CHECK_FALSE(h.req.content_length.has_value());
    offset += h.parser.head_size();

    h.parser.reset();
    REQUIRE(h.parser.parse_head(std::string_view(wire).substr(offset), h.req) == R::complete);
    CHECK(h.parser.head_size() == third.size());
    CHECK(h.req.method == fa::Method::del);
    CHECK(h.req.path == "/items/7");
    CHECK_FALSE(h.req.keep_alive);
  }

  TEST_CASE("reset forgets the previous request entirely") {
    Harness h;
    REQUIRE(h.parse(browser_get) == R::complete);
    h.parser.reset();
    REQUIRE(h.parse("OPTIONS * HTTP/1.0\r\n\r\n") == R::complete);
    CHECK(h.req.method == fa::Method::options);
    CHECK(h.req.path == "*");
    CHECK(h.req.headers.empty());
    CHECK(h.req.query.empty());
    CHECK(h.req.query_string.empty());
    CHECK(h.req.version_minor == 0);
    CHECK(h.parser.head_size() == 22);
  }

  TEST_CASE("an error is sticky until reset") {
    Harness h;
    REQUIRE(h.parse("GET / HTTP/2.0\r\n") == R::error);
    CHECK(h.parser.parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", h.req) == R::error);
    CHECK(h.status() == 505);
    h.parser.reset();
    CHECK(h.parser.parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", h.req) == R::complete);
  }

  TEST_CASE("up to four empty lines before the request line are skipped; a fifth is refused") {
    Harness h;
    std::string text = "\r\n\r\n\r\n\r\n" + get_with({});
    REQUIRE(h.parse(text) == R::complete);
    CHECK(h.parser.head_size() == text.size());
    CHECK(h.req.method_name == "GET");
    CHECK(outcome(text) == 0);
    CHECK(outcome("\r\n" + text) == 400);
    CHECK(outcome("\n" + get_with({})) == 400);
  }

  TEST_CASE("a path without escapes is not copied") {
    Harness h;
    REQUIRE(h.parse("GET /plain/path+x?a=b HTTP/1.1\r\nHost: h\r\n\r\n") == R::complete);
    CHECK(h.req.path == "/plain/path+x");  // no plus-as-space in paths
    CHECK(h.req.path.data() == h.req.raw_path.data());
    CHECK(h.arena.capacity() == 0);
  }

  TEST_CASE("absolute-form targets yield the path and query") {
    struct Case {
      std::string_view target, raw_path, path, query;
    };
    const Case cases[] = {
        {"http://example.com/a%20b?x=1", "/a%20b", "/a b", "x=1"},
        {"https://example.com:8443/p", "/p", "/p", ""},
        {"HTTP://Example.com", "/", "/", ""},
        {"http://example.com?q=2", "/", "/", "q=2"},
        {"http://[::1]:80/v6", "/v6", "/v6", ""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.target);
      Harness h;
      REQUIRE(h.parse(request("GET " + std::string(c.target) + " HTTP/1.1", {"Host: example.com"})) == R::complete);
      CHECK(h.req.target == c.target);
      CHECK(h.req.raw_path == c.raw_path);
      CHECK(h.req.path == c.path);
      CHECK(h.req.query_string == c.query);
    }
  }

  TEST_CASE("asterisk-form is accepted with OPTIONS only") {
    CHECK(outcome(request("OPTIONS * HTTP/1.1", {"Host: a"})) == 0);
    CHECK(outcome(request("GET * HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("OPTIONS *x HTTP/1.1", {"Host: a"})) == 400);
  }

  TEST_CASE("authority-form is accepted with CONNECT only, and CONNECT needs it") {
    Harness h;
    REQUIRE(h.parse(request("CONNECT example.com:443 HTTP/1.1", {"Host: example.com:443"})) == R::complete);
    CHECK(h.req.method == fa::Method::connect);
    CHECK(h.req.target == "example.com:443");
    CHECK(h.req.path == "example.com:443");
    CHECK(outcome(request("CONNECT [::1]:8443 HTTP/1.1", {"Host: a"})) == 0);
    CHECK(outcome(request("CONNECT / HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("CONNECT example.com HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("CONNECT example.com: HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("CONNECT example.com:44x HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("CONNECT u@example.com:443 HTTP/1.1", {"Host: a"})) == 400);
    CHECK(outcome(request("GET example.com:443 HTTP/1.1", {"Host: a"})) == 400);
  }

  TEST_CASE("any token is a method; unknown and lowercase ones are Method::other") {
    struct Case {
      std::string_view name;
      fa::Method method;
    };
    const Case cases[] = {
        {"GET", fa::Method::get},         {"HEAD", fa::Method::head},      {"POST", fa::Method::post},
        {"PUT", fa::Method::put},         {"PATCH", fa::Method::patch},    {"DELETE", fa::Method::del},
        {"OPTIONS", fa::Method::options}, {"TRACE", fa::Method::trace},    {"get", fa::Method::other},
        {"PROPFIND", fa::Method::other},  {"M-SEARCH", fa::Method::other}, {"X!#$%&'*+.^_`|~9", fa::Method::other}};
    for (const auto& c : cases) {
      CAPTURE(c.name);
      Harness h;
      REQUIRE(h.parse(request(std::string(c.name) + " / HTTP/1.1", {"Host: a"})) == R::complete);
      CHECK(h.req.method == c.method);
      CHECK(h.req.method_name == c.name);
    }
  }

  TEST_CASE("malformed request lines are rejected with 400, other versions with 505") {
    check_rejections({
        {"two spaces after the method", request("GET  / HTTP/1.1", {"Host: a"}), 400},
        {"two spaces before the version", request("GET /  HTTP/1.1", {"Host: a"}), 400},
        {"trailing space", request("GET / HTTP/1.1 ", {"Host: a"}), 400},
        {"leading space", request(" GET / HTTP/1.1", {"Host: a"}), 400},
        {"tab as separator", request("GET\t/ HTTP/1.1", {"Host: a"}), 400},
        {"method with a bracket", request("GE(T / HTTP/1.1", {"Host: a"}), 400},
        {"missing version", request("GET /", {"Host: a"}), 400},
        {"missing target", request("GET HTTP/1.1", {"Host: a"}), 400},
        {"lowercase protocol", request("GET / http/1.1", {"Host: a"}), 400},
        {"version with junk", request("GET / HTTP/1.1x", {"Host: a"}), 400},
        {"version without minor", request("GET / HTTP/1", {"Host: a"}), 400},
        {"two-digit major", request("GET / HTTP/10.1", {"Host: a"}), 400},
        {"HTTP/2.0", request("GET / HTTP/2.0", {"Host: a"}), 505},
        {"HTTP/0.9", request("GET / HTTP/0.9", {"Host: a"}), 505},
        {"HTTP/1.2", request("GET / HTTP/1.2", {"Host: a"}), 505},
        {"HTTP/3.0", request("GET / HTTP/3.0", {"Host: a"}), 505},
        {"space inside the target", request("GET /a b HTTP/1.1", {"Host: a"}), 400},
        {"fragment", request("GET /page#top HTTP/1.1", {"Host: a"}), 400},
        {"relative target", request("GET items HTTP/1.1", {"Host: a"}), 400},
        {"other scheme", request("GET ftp://a/ HTTP/1.1", {"Host: a"}), 400},
        {"empty authority", request("GET http:///x HTTP/1.1", {"Host: a"}), 400},
        {"userinfo", request("GET http://user:pw@a/x HTTP/1.1", {"Host: a"}), 400},
        {"bad escape in the path", request("GET /a%zz HTTP/1.1", {"Host: a"}), 400},
        {"truncated escape in the path", request("GET /a% HTTP/1.1", {"Host: a"}), 400},
        {"bad escape in the query", request("GET /a?x=%4 HTTP/1.1", {"Host: a"}), 400},
        {"NUL in the target", request("GET /a\0b HTTP/1.1"sv, {"Host: a"}), 400},
        {"DEL in the target", request("GET /a\x7f HTTP/1.1", {"Host: a"}), 400},
        {"byte above 0x7F in the target", request("GET /caf\xc3\xa9 HTTP/1.1", {"Host: a"}), 400},
        {"CR alone in the request line", request("GET /\r HTTP/1.1", {"Host: a"}), 400},
        {"CR before CRLF", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 400},
        {"bare LF after the request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400},
    });
  }

  TEST_CASE("malformed header fields are rejected with 400") {
    check_rejections({
        {"obs-fold with a space", get_with({"X-A: one", " two"}), 400},
        {"obs-fold with a tab", get_with({"X-A: one", "\ttwo"}), 400},
        {"space before the colon", get_with({"Content-Length : 5"}), 400},
        {"tab before the colon", get_with({"X-A\t: 1"}), 400},
        {"empty name", get_with({": value"}), 400},
        {"no colon", get_with({"X-A value"}), 400},
        {"separator in the name", get_with({"X(A): 1"}), 400},
        {"non-ASCII name", get_with({"X-\xc3\xa9: 1"}), 400},
        {"NUL in the value", get_with({"X-A: a\0b"sv}), 400},
        {"DEL in the value", get_with({"X-A: a\x7f"}), 400},
        {"control byte in the value", get_with({"X-A: a\x01"}), 400},
        {"CR alone inside the value", get_with({"X-A: a\rb"}), 400},
        {"CR alone at the end of the value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\r\r\n\r\n", 400},
        {"LF alone inside the value", get_with({"X-A: a\nb"}), 400},
        {"bare LF as the final line end", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400},
        {"bare LF terminating a field", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400},
    });
  }

  TEST_CASE("a bare LF is refused as soon as it arrives, before the head ends") {
    for (std::string_view prefix : {"GET / HTTP/1.1\n"sv, "GET / HTTP/1.1\r\nHost: a\nX: b"sv,
                                    "GET / HTTP/1.1\r\nHost: a\r\n\n"sv, "\r\n\nGET"sv}) {
      CAPTURE(prefix);
      Harness h;
      CHECK(h.parse(prefix) == R::error);
      CHECK(h.status() == 400);
      CHECK(h.parser.error().reason == "Line ends must be CRLF.");
    }
  }

  TEST_CASE("field values may hold tabs, spaces and obs-text, and are trimmed") {
    Harness h;
    REQUIRE(h.parse(get_with({"X-A:\t a\tb  c \t", "X-Latin: caf\xe9", "X-Empty:", "X-Blank:   "})) == R::complete);
    CHECK(h.req.headers.get("x-a") == "a\tb  c");
    CHECK(h.req.headers.get("x-latin") == "caf\xe9");
    CHECK(h.req.headers.get("x-empty") == "");
    CHECK(h.req.headers.get("x-blank") == "");
    CHECK(h.req.headers.get("X-EMPTY").has_value());
  }

  TEST_CASE("a long header value with a control byte late in it is rejected") {
    std::string value(200, 'v');
    for (std::size_t at : {0u, 7u, 8u, 9u, 63u, 64u, 199u}) {
      CAPTURE(at);
      for (char c : {'\x1f', '\x7f', '\0', '\r', '\n'}) {
        CAPTURE(int(c));
        std::string bad = value;
        bad[at] = c;
        std::string field = "X-Long: x" + bad;
        CHECK(outcome(get_with({field})) == 400);
      }
      std::string ok = value;
      ok[at] = '\t';
      std::string good_field = "X-Long: x" + ok + "x";
      CHECK(outcome(get_with({good_field})) == 0);
    }
  }

  TEST_CASE("HTTP/1.1 needs exactly one valid Host") {
    CHECK(outcome(request("GET / HTTP/1.1", {})) == 400);
    CHECK(outcome(request("GET / HTTP/1.1", {"Host: a", "Host: a"})) == 400);
    CHECK(outcome(request("GET / HTTP/1.1", {"Host: a", "HOST: b"})) == 400);
    CHECK(outcome(request("GET / HTTP/1.1", {"Host: a b"})) == 400);
    CHECK(outcome(request("GET / HTTP/1.1", {"Host: a/b"})) == 400);
    CHECK(outcome(request("GET / HTTP/1.1", {"hOsT: [::1]:8000"})) == 0);
    CHECK(outcome(request("GET / HTTP/1.1", {"Host:"})) == 0);
    CHECK(outcome(request("GET / HTTP/1.0", {})) == 0);
    CHECK(outcome(request("GET / HTTP/1.0", {"Host: a", "Host: b"})) == 400);
  }

  TEST_CASE("Content-Length is digits only; identical repeats are merged") {
    struct Case {
      std::vector<std::string_view> fields;
      std::size_t length;
    };
    const Case cases[] = {
        {{"Content-Length: 0"}, 0},      {{"Content-Length: 42"}, 42},
        {{"content-length:\t 7 \t"}, 7}, {{"Content-Length: 5, 5"}, 5},
        {{"Content-Length: 5,5,5"}, 5},  {{"Content-Length: 5", "Content-Length: 5"}, 5},
        {{"Content-Length: 007"}, 7},    {{"Content-Length: 9223372036854775807"}, 9223372036854775807ull},
    };
    for (const auto& c : cases) {
      Harness h;
      std::string text = post_with(c.fields);
      CAPTURE(text);
      REQUIRE(h.parse(text) == R::complete);
      CHECK(h.req.content_length == std::optional<std::size_t>(c.length));
      CHECK_FALSE(h.req.chunked);
    }
  }

  TEST_CASE("malformed, conflicting and huge Content-Lengths are rejected with 400") {
    check_rejections({
        {"plus sign", post_with({"Content-Length: +5"}), 400},
        {"minus sign", post_with({"Content-Length: -5"}), 400},
        {"space inside", post_with({"Content-Length: 5 5"}), 400},
        {"differing list", post_with({"Content-Length: 1,2"}), 400},
        {"trailing comma", post_with({"Content-Length: 5,"}), 400},
        {"leading comma", post_with({"Content-Length: ,5"}), 400},
        {"empty", post_with({"Content-Length:"}), 400},
        {"hex", post_with({"Content-Length: 0x10"}), 400},
        {"decimal point", post_with({"Content-Length: 1.0"}), 400},
        {"2^63", post_with({"Content-Length: 9223372036854775808"}), 400},
        {"2^64", post_with({"Content-Length: 18446744073709551616"}), 400},
        {"huge", post_with({"Content-Length: 99999999999999999999999999999"}), 400},
        {"differing repeats", post_with({"Content-Length: 5", "Content-Length: 6"}), 400},
        {"differing list across fields", post_with({"Content-Length: 5", "Content-Length: 5, 6"}), 400},
    });
  }

  TEST_CASE("Transfer-Encoding chunked, in any case, sets chunked") {
    for (auto te :
         {"Transfer-Encoding: chunked"sv, "transfer-encoding: CHUNKED"sv, "Transfer-Encoding: \t chunked \t"sv}) {
      Harness h;
      CAPTURE(te);
      REQUIRE(h.parse(post_with({te})) == R::complete);
      CHECK(h.req.chunked);
      CHECK_FALSE(h.req.content_length.has_value());
    }
  }

  TEST_CASE("Transfer-Encoding that does not end in one chunked is rejected, unknown codings get 501") {
    check_rejections({
        {"chunked, gzip", post_with({"Transfer-Encoding: chunked, gzip"}), 400},
        {"gzip alone", post_with({"Transfer-Encoding: gzip"}), 400},
        {"chunked twice in one field", post_with({"Transfer-Encoding: chunked, chunked"}), 400},
        {"chunked twice in two fields", post_with({"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"}), 400},
        {"chunked then gzip in two fields", post_with({"Transfer-Encoding: chunked", "Transfer-Encoding: gzip"}), 400},
        {"empty", post_with({"Transfer-Encoding:"}), 400},
        {"parameters", post_with({"Transfer-Encoding: chunked;q=1"}), 400},
        {"not a token", post_with({"Transfer-Encoding: \"chunked\""}), 400},
        {"near miss", post_with({"Transfer-Encoding: chunke"}), 400},
        {"gzip, chunked", post_with({"Transfer-Encoding: gzip, chunked"}), 501},
        {"gzip then chunked in two fields", post_with({"Transfer-Encoding: gzip", "Transfer-Encoding: chunked"}), 501},
        {"TE and CL", post_with({"Transfer-Encoding: chunked", "Content-Length: 5"}), 400},
        {"CL and TE", post_with({"Content-Length: 5", "Transfer-Encoding: chunked"}), 400},
        {"CL and unknown TE", post_with({"Content-Length: 0", "Transfer-Encoding: gzip, chunked"}), 400},
        {"TE in HTTP/1.0", request("POST / HTTP/1.0", {"Transfer-Encoding: chunked"}), 400},
    });
  }

  TEST_CASE("Connection decides keep-alive per HTTP version") {
    struct Case {
      std::string_view version;
      std::vector<std::string_view> fields;
      bool keep_alive;
    };
    const Case cases[] = {
        {"HTTP/1.1", {"Host: a"}, true},
        {"HTTP/1.1", {"Host: a", "Connection: close"}, false},
        {"HTTP/1.1", {"Host: a", "Connection: CLOSE"}, false},
        {"HTTP/1.1", {"Host: a", "Connection: Upgrade, close"}, false},
        {"HTTP/1.1", {"Host: a", "Connection: keep-alive", "Connection: close"}, false},
        {"HTTP/1.1", {"Host: a", "Connection: keep-alive, Upgrade"}, true},
        {"HTTP/1.1", {"Host: a", "Connection: closed"}, true},
        {"HTTP/1.0", {}, false},
        {"HTTP/1.0", {"Connection: keep-alive"}, true},
        {"HTTP/1.0", {"Connection: Keep-Alive"}, true},
        {"HTTP/1.0", {"Connection: keep-alive, close"}, false},
        {"HTTP/1.0", {"Connection: keep-alives"}, false},
    };
    for (const auto& c : cases) {
      Harness h;
      std::string text = request("GET / " + std::string(c.version), c.fields);
      CAPTURE(text);
      REQUIRE(h.parse(text) == R::complete);
      CHECK(h.req.keep_alive == c.keep_alive);
      CHECK(h.req.version_minor == (c.version == "HTTP/1.1" ? 1 : 0));
    }
  }

  TEST_CASE("Expect: 100-continue is noted on HTTP/1.1, ignored on 1.0, anything else gets 417") {
    Harness a;
    REQUIRE(a.parse(post_with({"Content-Length: 3", "Expect: 100-Continue"})) == R::complete);
    CHECK(a.req.expect_continue);
    Harness b;
    REQUIRE(b.parse(request("POST / HTTP/1.0", {"Content-Length: 3", "Expect: 100-continue"})) == R::complete);
    CHECK_FALSE(b.req.expect_continue);
    Harness c;
    REQUIRE(c.parse(post_with({"Content-Length: 3"})) == R::complete);
    CHECK_FALSE(c.req.expect_continue);
    check_rejections({
        {"unknown expectation", post_with({"Expect: teapot"}), 417},
        {"100-continue with another", post_with({"Expect: 100-continue, foo"}), 417},
        {"near miss", post_with({"Expect: 100-continues"}), 417},
        {"on HTTP/1.0 too", request("POST / HTTP/1.0", {"Expect: 200-ok"}), 417},
    });
  }

  TEST_CASE("the request line limit allows exactly max bytes and answers 414 one past it") {
    fa::HeadLimits limits{.max_request_line = 64};
    std::string at = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1";  // 5 + 50 + 9 = 64
    REQUIRE(at.size() == 64);
    std::string over = "GET /" + std::string(64 - 13, 'a') + " HTTP/1.1";
    CHECK(outcome(request(at, {"Host: a"}), limits) == 0);
    CHECK(outcome(request(over, {"Host: a"}), limits) == 414);
    // Detected before the line ends: 64 bytes (+ a CR) are still fine, 65 without CRLF are not.
    Harness h(limits);
    CHECK(h.parse(at) == R::incomplete);
    CHECK(h.parse(at + "\r") == R::incomplete);
    Harness o(limits);
    CHECK(o.parse(over.substr(0, 64)) == R::incomplete);
    CHECK(o.parse(over.substr(0, 65)) == R::error);
    CHECK(o.status() == 414);
  }

  TEST_CASE("the header bytes limit allows exactly max bytes and answers 431 one past it") {
    std::string base = get_with({"X-Pad: "});
    std::size_t limit = base.size() + 100;
    std::string pad(100, 'p');
    std::string at = get_with({"X-Pad: " + pad});
    std::string over = get_with({"X-Pad: " + pad + "p"});
    REQUIRE(at.size() == limit);
    fa::HeadLimits limits{.max_header_bytes = limit};
    CHECK(outcome(at, limits) == 0);
    CHECK(outcome(over, limits) == 431);
    // Detected as soon as `limit` bytes arrived without the end of the head.
    Harness h(limits);
    CHECK(h.parse(std::string_view(over).substr(0, limit - 1)) == R::incomplete);
    CHECK(h.parse(std::string_view(over).substr(0, limit)) == R::error);
    CHECK(h.status() == 431);
  }

  TEST_CASE("when a long line breaks both size limits, the limit reached first answers") {
    std::string text = request("GET /" + std::string(100, 'a') + " HTTP/1.1", {"Host: a"});
    CHECK(outcome(text, {.max_request_line = 64, .max_header_bytes = 32}) == 431);
    CHECK(outcome(text, {.max_request_line = 10, .max_header_bytes = 32}) == 414);
    CHECK(outcome(text, {.max_request_line = 32, .max_header_bytes = 32}) == 431);  // 32 bytes come first
  }

  TEST_CASE("a size limit reached before a malformed byte answers, however the bytes were split") {
    // Bare LF at byte 80, but the 64-byte request line limit was crossed before it.
    std::string text = "GET /" + std::string(72, 'a') + "\nHost: a\r\n\r\n";
    CHECK(outcome(text, {.max_request_line = 64}) == 414);
    CHECK(outcome(text, {.max_request_line = 100}) == 400);
  }

  TEST_CASE("the header count limit allows exactly max fields and answers 431 one past it") {
    fa::HeadLimits limits{.max_headers = 5};
    std::vector<std::string_view> four{"A: 1", "B: 2", "C: 3", "D: 4"};
    CHECK(outcome(get_with(four), limits) == 0);  // Host + 4
    four.push_back("E: 5");
    CHECK(outcome(get_with(four), limits) == 431);
    // Detected at the sixth field line, before the head ends.
    Harness h(limits);
    std::string text = get_with(four);
    CHECK(h.parse(text.substr(0, text.size() - 2)) == R::error);
    CHECK(h.status() == 431);
  }

  TEST_CASE("the default limits hold the documented sizes") {
    fa::HeadLimits d;
    CHECK(d.max_request_line == 8192);
    CHECK(d.max_header_bytes == 16384);
    CHECK(d.max_headers == 2000);
    std::string long_target = "GET /" + std::string(9000, 'x') + " HTTP/1.1";
    CHECK(outcome(request(long_target, {"Host: a"})) == 414);
    std::string big(17000, 'v');
    std::string field = "X-Big: " + big;
    CHECK(outcome(get_with({field})) == 431);
  }

  TEST_CASE("a request without an arena is refused with 500 rather than crashing") {
    fa::RequestParser p;
    fa::Request req;
    CHECK(p.parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", req) == R::error);
    CHECK(p.error().status == 500);
  }

}  // TEST_SUITE

}  // namespace test_request_parser_file
