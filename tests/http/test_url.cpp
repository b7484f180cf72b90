// tests/http/test_url.cpp: percent-decoding, query splitting and percent-encoding (http/url.hpp).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/http/url.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_url_file {

namespace fa = fastapi;
using namespace std::string_view_literals;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs_of(const fa::QueryParams& q) {
  Pairs out;
  for (const auto& p : q) out.emplace_back(std::string(p.key), std::string(p.value));
  return out;
}

}  // namespace

TEST_SUITE("http/url") {

  TEST_CASE("percent_decode turns escapes into bytes, in either hex case") {
    std::string out;
    CHECK(fa::percent_decode("a%20b%2fc%2Fd%41%4a", out, false));
    CHECK(out == "a b/c/dAJ");
  }

  TEST_CASE("percent_decode appends to what the string already holds") {
    std::string out = "x:";
    CHECK(fa::percent_decode("%31", out, false));
    CHECK(out == "x:1");
  }

  TEST_CASE("percent_decode turns plus into space only when asked") {
    std::string a, b;
    CHECK(fa::percent_decode("x+y%2B", a, true));
    CHECK(fa::percent_decode("x+y%2B", b, false));
    CHECK(a == "x y+");
    CHECK(b == "x+y+");
  }

  TEST_CASE("percent_decode yields NUL and high bytes as raw bytes") {
    std::string out;
    CHECK(fa::percent_decode("%00%ff%C3%A9", out, false));
    CHECK(out == std::string("\0\xff\xc3\xa9", 4));
  }

  TEST_CASE("percent_decode refuses truncated and non-hex escapes and leaves the output untouched") {
    for (std::string_view bad : {"%"sv, "%4"sv, "a%"sv, "%zz"sv, "%g0"sv, "%0g"sv, "ok%2"sv, "% 20"sv}) {
      CAPTURE(bad);
      std::string out = "keep";
      CHECK_FALSE(fa::percent_decode(bad, out, true));
      CHECK(out == "keep");
    }
  }

  TEST_CASE("decode_component returns the input itself when nothing needs decoding") {
    fa::detail::Arena arena;
    std::string_view in = "/items/plain+text";
    auto out = fa::decode_component(in, arena, false);
    REQUIRE(out);
    CHECK(out->data() == in.data());
    CHECK(out->size() == in.size());
    CHECK(arena.capacity() == 0);  // nothing allocated
  }

  TEST_CASE("decode_component copies into the arena when it decodes") {
    fa::detail::Arena arena;
    std::string in = "a%20b+c";
    auto out = fa::decode_component(in, arena, true);
    REQUIRE(out);
    CHECK(*out == "a b c");
    CHECK(out->data() != in.data());
    in.assign("zzzzzzz");  // the result does not depend on the input buffer
    CHECK(*out == "a b c");
    CHECK(arena.capacity() > 0);
  }

  TEST_CASE("decode_component with plus_as_space decodes a lone plus") {
    fa::detail::Arena arena;
    auto out = fa::decode_component("a+b", arena, true);
    REQUIRE(out);
    CHECK(*out == "a b");
  }

  TEST_CASE("decode_component reports an invalid escape as nullopt") {
    fa::detail::Arena arena;
    CHECK_FALSE(fa::decode_component("/a%2", arena, false).has_value());
    CHECK_FALSE(fa::decode_component("%x1", arena, true).has_value());
  }

  TEST_CASE("parse_query splits pairs in order, keeps repeats and decodes both sides") {
    struct Case {
      std::string_view raw;
      Pairs expected;
    };
    const Case cases[] = {
        {"", {}},
        {"a=1", {{"a", "1"}}},
        {"a=1&b=2", {{"a", "1"}, {"b", "2"}}},
        {"tag=x&tag=y&tag=x", {{"tag", "x"}, {"tag", "y"}, {"tag", "x"}}},
        {"flag", {{"flag", ""}}},
        {"a=", {{"a", ""}}},
        {"=v", {{"", "v"}}},
        {"a=b=c", {{"a", "b=c"}}},
        {"&&a=1&&b&", {{"a", "1"}, {"b", ""}}},
        {"q=x+y%2B%26&k%20ey=%3D", {{"q", "x y+&"}, {"k ey", "="}}},
        {"name=J%C3%BCrgen", {{"name", "J\xc3\xbcrgen"}}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.raw);
      fa::detail::Arena arena;
      fa::QueryParams q;
      REQUIRE(fa::parse_query(c.raw, q, arena));
      CHECK(pairs_of(q) == c.expected);
    }
  }

  TEST_CASE("parse_query refuses an invalid escape in a key or a value") {
    for (std::string_view bad : {"a=%zz"sv, "%zz=1"sv, "a=1&b=%"sv, "a=1&%4=2"sv}) {
      CAPTURE(bad);
      fa::detail::Arena arena;
      fa::QueryParams q;
      CHECK_FALSE(fa::parse_query(bad, q, arena));
    }
  }

  TEST_CASE("parse_query appends to the params it is given") {
    fa::detail::Arena arena;
    fa::QueryParams q;
    q.add("first", "0");
    REQUIRE(fa::parse_query("second=1", q, arena));
    CHECK(pairs_of(q) == Pairs{{"first", "0"}, {"second", "1"}});
  }

  TEST_CASE("parse_query does not allocate in the arena when nothing is encoded") {
    fa::detail::Arena arena;
    fa::QueryParams q;
    std::string raw = "a=1&b=two";
    REQUIRE(fa::parse_query(raw, q, arena));
    CHECK(arena.capacity() == 0);
    CHECK(q.get("b")->data() == raw.data() + 6);
  }

  TEST_CASE("percent_encode keeps unreserved bytes and encodes the rest in uppercase hex") {
    CHECK(fa::percent_encode("AZaz09-._~", true) == "AZaz09-._~");
    CHECK(fa::percent_encode("a b", true) == "a%20b");
    CHECK(fa::percent_encode("&=+?#%", true) == "%26%3D%2B%3F%23%25");
    CHECK(fa::percent_encode("\xc3\xa9", false) == "%C3%A9");
    CHECK(fa::percent_encode(std::string_view("\0\x7f", 2), true) == "%00%7F");
    CHECK(fa::percent_encode("", true).empty());
  }

  TEST_CASE("percent_encode keeps slashes in a path and encodes them in a query component") {
    CHECK(fa::percent_encode("/items/a b", false) == "/items/a%20b");
    CHECK(fa::percent_encode("/items/a b", true) == "%2Fitems%2Fa%20b");
  }

  TEST_CASE("percent_encode then percent_decode gives back every byte") {
    std::string all;
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
    for (bool for_query : {true, false}) {
      std::string back;
      REQUIRE(fa::percent_decode(fa::percent_encode(all, for_query), back, true));
      CHECK(back == all);
    }
  }

}  // TEST_SUITE

}  // namespace test_url_file
