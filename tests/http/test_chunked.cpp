// tests/http/test_chunked.cpp: the chunked body decoder (http/chunked.hpp): whole, byte by byte, split anywhere,
// extensions and trailers, limits, and every way the framing can be wrong.
#include <doctest/doctest.h>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "fastapi/http/chunked.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_chunked_file {

namespace fa = fastapi;
using namespace std::string_view_literals;
using CR = fa::ChunkedDecoder::Result;

namespace {

struct Decoded {
  CR result;
  std::string body;
  std::size_t consumed = 0;
  int status = 0;
};

Decoded decode(std::string_view wire, std::size_t max_body = 1 << 20, std::size_t max_trailer = 16384) {
  fa::ChunkedDecoder dec(max_body, max_trailer);
  Decoded d;
  d.result = dec.feed(wire, d.body, d.consumed);
  d.status = dec.error().status;
  return d;
}

/// Feeds one byte per call; `consumed` counts what the decoder took in total.
Decoded decode_bytewise(std::string_view wire, std::size_t max_body = 1 << 20) {
  fa::ChunkedDecoder dec(max_body);
  Decoded d{CR::incomplete, {}, 0, 0};
  for (std::size_t i = 0; i < wire.size() && d.result == CR::incomplete; ++i) {
    std::size_t used = 0;
    d.result = dec.feed(wire.substr(i, 1), d.body, used);
    CHECK(used == 1);
    d.consumed += used;
  }
  d.status = dec.error().status;
  return d;
}

}  // namespace

TEST_SUITE("http/chunked") {

  TEST_CASE("a chunked body in one piece is decoded and fully consumed") {
    std::string_view wire = "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n";
    auto d = decode(wire);
    CHECK(d.result == CR::complete);
    CHECK(d.body == "Wikipedia in\r\n\r\nchunks.");
    CHECK(d.consumed == wire.size());
  }

  TEST_CASE("a chunked body fed byte by byte gives the same body") {
    std::string_view wire = "4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: 1\r\n\r\n";
    auto d = decode_bytewise(wire);
    CHECK(d.result == CR::complete);
    CHECK(d.body == "Wikipedia");
    CHECK(d.consumed == wire.size());
  }

  TEST_CASE("a chunked body stops consuming at its end, leaving the next request") {
    std::string wire = "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
    auto d = decode(wire);
    CHECK(d.result == CR::complete);
    CHECK(d.body == "abc");
    CHECK(wire.substr(d.consumed) == "GET / HTTP/1.1\r\n");
  }

  TEST_CASE("a chunked body split anywhere is resumed with the rest") {
    std::string wire = "a\r\n0123456789\r\n1;ext=\"q\\\"s\"\r\nZ\r\n0\r\nT: v\r\n\r\n";
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
      CAPTURE(cut);
      fa::ChunkedDecoder dec(1000);
      std::string body;
      std::size_t used = 0;
      CR r = dec.feed(std::string_view(wire).substr(0, cut), body, used);
      if (cut < wire.size()) {
        REQUIRE(r == CR::incomplete);
        CHECK(used == cut);
        r = dec.feed(std::string_view(wire).substr(cut), body, used);
        CHECK(used == wire.size() - cut);
      }
      CHECK(r == CR::complete);
      CHECK(body == "0123456789Z");
    }
  }

  TEST_CASE("chunk sizes are hex in either case, with leading zeros") {
    auto d = decode("A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0001\r\n!\r\n000\r\n\r\n");
    CHECK(d.result == CR::complete);
    CHECK(d.body == "0123456789abcdefghijk!");
  }

  TEST_CASE("chunk extensions, tokens or quoted strings, are skipped") {
    const std::string_view wires[] = {
        "3;name\r\nabc\r\n0\r\n\r\n",
        "3;name=value\r\nabc\r\n0\r\n\r\n",
        "3 ; a = b ; c\r\nabc\r\n0\r\n\r\n",
        "3;a=\"quoted; \\\"string\\\" \xff\"\r\nabc\r\n0\r\n\r\n",
        "3;a=\"\";b=1\r\nabc\r\n0;last=1\r\n\r\n",
    };
    for (auto w : wires) {
      CAPTURE(w);
      auto d = decode(w);
      CHECK(d.result == CR::complete);
      CHECK(d.body == "abc");
    }
  }

  TEST_CASE("trailer fields are checked and dropped") {
    auto d = decode("3\r\nabc\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\nX-Tab:\ta b\r\n\r\n");
    CHECK(d.result == CR::complete);
    CHECK(d.body == "abc");
  }

  TEST_CASE("malformed chunked framing is rejected with 400") {
    struct Case {
      std::string_view why, wire;
    };
    const Case cases[] = {
        {"non-hex size", "x\r\n"},
        {"empty size", "\r\n"},
        {"negative size", "-1\r\n"},
        {"0x prefix", "0x4\r\nabcd\r\n0\r\n\r\n"},
        {"space after size", "4 \r\nWiki\r\n0\r\n\r\n"},
        {"bare LF after size", "4\nWiki\r\n0\r\n\r\n"},
        {"CR without LF after size", "4\rWiki"},
        {"data longer than the size", "4\r\nWikiX\r\n0\r\n\r\n"},
        {"LF alone after data", "4\r\nWiki\n0\r\n\r\n"},
        {"CR alone after data", "4\r\nWiki\r0\r\n"},
        {"empty extension name", "4;\r\nWiki\r\n0\r\n\r\n"},
        {"empty extension value", "4;a=\r\nWiki\r\n0\r\n\r\n"},
        {"space before CRLF in extension", "4;a \r\nWiki\r\n0\r\n\r\n"},
        {"bad byte in extension", "4;a=b@c\r\nWiki\r\n0\r\n\r\n"},
        {"LF in quoted extension", "4;a=\"x\ny\"\r\nWiki\r\n0\r\n\r\n"},
        {"CR in quoted extension", "4;a=\"x\r\n\"\r\nWiki\r\n0\r\n\r\n"},
        {"junk after quoted extension", "4;a=\"x\"y\r\nWiki\r\n0\r\n\r\n"},
        {"obs-fold in trailer", "0\r\nX: a\r\n b\r\n\r\n"},
        {"space before colon in trailer", "0\r\nX : a\r\n\r\n"},
        {"empty trailer name", "0\r\n: a\r\n\r\n"},
        {"NUL in trailer value", "0\r\nX: a\0\r\n\r\n"sv},
        {"bare LF in trailer", "0\r\nX: a\n\r\n"},
        {"bare LF at the end", "0\r\n\n"},
        {"CR CR at the end", "0\r\n\r\r"},
        {"too many size digits", "000000000000000000000000000000001\r\nx\r\n0\r\n\r\n"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.why);
      auto d = decode(c.wire);
      CHECK(d.result == CR::error);
      CHECK(d.status == 400);
      auto e = decode_bytewise(c.wire);
      CHECK(e.result == CR::error);
      CHECK(e.status == 400);
    }
  }

  TEST_CASE("a missing CRLF after the data is an error, not a silent resync") {
    auto d = decode("4\r\nWikipedia\r\n0\r\n\r\n");
    CHECK(d.result == CR::error);
    CHECK(d.status == 400);
    CHECK(d.body == "Wiki");
  }

  TEST_CASE("truncated chunked bodies stay incomplete") {
    std::string_view wire = "4;e=\"v\"\r\nWiki\r\n0\r\nT: 1\r\n\r\n";
    for (std::size_t n = 0; n < wire.size(); ++n) {
      CAPTURE(n);
      CHECK(decode(wire.substr(0, n)).result == CR::incomplete);
    }
  }

  TEST_CASE("a chunk size that overflows is rejected with 400") {
    auto d = decode("10000000000000000\r\n", std::numeric_limits<std::size_t>::max());
    CHECK(d.result == CR::error);
    CHECK(d.status == 400);
    auto e = decode("FFFFFFFFFFFFFFFF\r\n", std::numeric_limits<std::size_t>::max());
    CHECK(e.result == CR::incomplete);  // 2^64 - 1 fits; its data has not arrived
  }

  TEST_CASE("a body over max_body is refused with 413 from the chunk size, before its data") {
    auto at = decode("4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", 9);
    CHECK(at.result == CR::complete);
    CHECK(at.body == "Wikipedia");
    auto over = decode("4\r\nWiki\r\n5\r", 8);
    CHECK(over.result == CR::error);
    CHECK(over.status == 413);
    auto huge = decode("FFFFFFFF;", 1 << 20);
    CHECK(huge.result == CR::error);
    CHECK(huge.status == 413);
    auto bytewise = decode_bytewise("4\r\nWiki\r\n5\r\npedia", 8);
    CHECK(bytewise.result == CR::error);
    CHECK(bytewise.status == 413);
    CHECK(bytewise.body == "Wiki");
  }

  TEST_CASE("chunk extensions are bounded at 4 KiB per chunk line") {
    std::string at = "1;" + std::string(fa::ChunkedDecoder::max_extension_bytes - 1, 'e') + "\r\nx\r\n0\r\n\r\n";
    std::string over = "1;" + std::string(fa::ChunkedDecoder::max_extension_bytes, 'e') + "\r\nx\r\n0\r\n\r\n";
    CHECK(decode(at).result == CR::complete);
    auto d = decode(over);
    CHECK(d.result == CR::error);
    CHECK(d.status == 400);
    // The bound is per line: many chunks with long extensions are fine.
    std::string many;
    for (int i = 0; i < 5; ++i) many += "1;" + std::string(3000, 'e') + "\r\nx\r\n";
    auto m = decode(many + "0\r\n\r\n");
    CHECK(m.result == CR::complete);
    CHECK(m.body == "xxxxx");
  }

  TEST_CASE("trailers are bounded by max_trailer_bytes with 431") {
    std::string trailer = "0\r\nX: " + std::string(20, 't') + "\r\n\r\n";
    std::size_t trailer_bytes = trailer.size() - 3;  // everything after the last-chunk line
    CHECK(decode(trailer, 100, trailer_bytes).result == CR::complete);
    auto d = decode(trailer, 100, trailer_bytes - 1);
    CHECK(d.result == CR::error);
    CHECK(d.status == 431);
  }

  TEST_CASE("feeding after completion consumes nothing, and reset starts a new body") {
    fa::ChunkedDecoder dec(100);
    std::string body;
    std::size_t used = 0;
    REQUIRE(dec.feed("1\r\na\r\n0\r\n\r\n", body, used) == CR::complete);
    CHECK(dec.feed("1\r\nb\r\n", body, used) == CR::complete);
    CHECK(used == 0);
    CHECK(body == "a");
    dec.reset();
    REQUIRE(dec.feed("2\r\nbc\r\n0\r\n\r\n", body, used) == CR::complete);
    CHECK(body == "abc");
  }

  TEST_CASE("the body limit counts across chunks and is restored by reset") {
    fa::ChunkedDecoder dec(3);
    std::string body;
    std::size_t used = 0;
    REQUIRE(dec.feed("3\r\nabc\r\n0\r\n\r\n", body, used) == CR::complete);
    dec.reset();
    body.clear();
    CHECK(dec.feed("2\r\nab\r\n2\r\n", body, used) == CR::error);
    CHECK(dec.error().status == 413);
    dec.reset();
    CHECK(dec.feed("3\r\nabc\r\n0\r\n\r\n", body, used) == CR::complete);
  }

}  // TEST_SUITE

}  // namespace test_chunked_file
