// tests/websocket/test_frame.cpp: websocket/frame.hpp (the writer, masking) and websocket/frame_parser.hpp (the
// incremental parser): RFC 6455 section 5.7's example frames, every split point of a valid stream, every rule
// that fails the connection (with its close code), hostile input (a 2^63 length, a 64 MiB claim under a 16 MiB
// limit, a ping flood, 10,000 tiny fragments), and a seeded writer -> parser round trip.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/frame_parser.hpp"
#include "support/ws_frames.hpp"

namespace ws = fastapi::ws;
using Kind = ws::Event::Kind;

namespace {

using ws_frames::Got;

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

// Feeds `in` in pieces of `step` bytes (0 = all at once), collecting every event.
std::vector<Got> parse(std::string_view in, ws::ParserOptions options = {}, std::size_t step = 0) {
  ws::FrameParser p(options);
  return ws_frames::feed_in_pieces(p, in, step, [](const char* what) { FAIL(what); });
}

const ws::ParserOptions from_server{.max_message = 16 * 1024 * 1024, .require_mask = false};
constexpr std::array<std::uint8_t, 4> key{0x37, 0xfa, 0x21, 0x3d};

std::uint16_t error_code(std::string_view in, ws::ParserOptions options = {}) {
  auto got = parse(in, options);
  REQUIRE(!got.empty());
  CHECK(got.back().kind == Kind::error);
  return got.back().code;
}

}  // namespace

TEST_CASE("frames: RFC 6455 section 5.7's examples") {
  CHECK(parse(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), from_server) ==
        std::vector<Got>{{Kind::text, "Hello", 0}});
  const std::string masked_hello = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  CHECK(parse(masked_hello) == std::vector<Got>{{Kind::text, "Hello", 0}});
  CHECK(ws::encode_frame(ws::Opcode::text, "Hello", true, key) == masked_hello);
  CHECK(ws::encode_frame(ws::Opcode::text, "Hello") == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  CHECK(parse(bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}), from_server) ==
        std::vector<Got>{{Kind::text, "Hello", 0}});
  CHECK(parse(bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), from_server) ==
        std::vector<Got>{{Kind::ping, "Hello", 0}});
  CHECK(parse(bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})) ==
        std::vector<Got>{{Kind::pong, "Hello", 0}});
  const std::string b256(256, 'x');
  CHECK(ws::encode_frame(ws::Opcode::binary, b256).substr(0, 4) == bytes({0x82, 0x7E, 0x01, 0x00}));
  const std::string b64k(65536, 'y');
  CHECK(ws::encode_frame(ws::Opcode::binary, b64k).substr(0, 10) == bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
  CHECK(parse(ws::encode_frame(ws::Opcode::binary, b64k), from_server) == std::vector<Got>{{Kind::binary, b64k, 0}});
}

TEST_CASE("frames: the writer takes the shortest length form at each boundary") {
  for (std::size_t n : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    const std::string f = ws::encode_frame(ws::Opcode::binary, std::string(n, 'a'), true, key);
    const std::size_t header = 2 + (n > 65535 ? 8 : n > 125 ? 2 : 0) + 4;
    CHECK(f.size() == header + n);
    CHECK(parse(f) == std::vector<Got>{{Kind::binary, std::string(n, 'a'), 0}});
  }
}

TEST_CASE("frames: apply_mask at any offset equals byte-by-byte masking") {
  std::mt19937 rng(18);
  for (std::size_t n = 0; n < 40; ++n)
    for (std::size_t offset = 0; offset < 4; ++offset) {
      std::string s(n, '\0');
      for (auto& c : s) c = static_cast<char>(rng());
      std::string expect = s;
      for (std::size_t i = 0; i < n; ++i) expect[i] = static_cast<char>(expect[i] ^ key[(offset + i) % 4]);
      CHECK(ws::apply_mask(s.data(), n, key, offset) == (offset + n) % 4);
      CHECK(s == expect);
    }
}

TEST_CASE("frames: a stream parses the same at every split point and one byte at a time") {
  std::string stream;
  ws::append_frame(stream, ws::Opcode::text, "frag", false, key);
  ws::append_frame(stream, ws::Opcode::ping, "p1", true, key);
  ws::append_frame(stream, ws::Opcode::continuation, "", false, key);
  ws::append_frame(stream, ws::Opcode::continuation, "mented \xc3", false, key);
  ws::append_frame(stream, ws::Opcode::continuation, "\xa9t\xc3\xa9", true, key);  // é split across frames
  ws::append_frame(stream, ws::Opcode::binary, std::string(300, '\x01'), true, key);
  ws::append_frame(stream, ws::Opcode::text, "", true, key);
  ws::append_frame(stream, ws::Opcode::pong, "", true, key);
  ws::append_frame(stream, ws::Opcode::close, ws::close_payload(1000, "bye"), true, key);
  const std::vector<Got> expect{{Kind::ping, "p1", 0},
                                {Kind::text, "fragmented \xc3\xa9t\xc3\xa9", 0},
                                {Kind::binary, std::string(300, '\x01'), 0},
                                {Kind::text, "", 0},
                                {Kind::pong, "", 0},
                                {Kind::close, "bye", 1000}};
  CHECK(parse(stream) == expect);
  CHECK(parse(stream, {}, 1) == expect);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    ws::FrameParser p;
    std::vector<Got> got;
    for (std::string_view piece : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      while (!piece.empty() && !p.done()) {
        auto r = p.feed(piece);
        piece.remove_prefix(r.consumed);
        if (r.event.kind != Kind::none) got.push_back({r.event.kind, std::string(r.event.data), r.event.code});
      }
    }
    CHECK_MESSAGE(got == expect, cut);
  }
  // after the close, nothing more is taken
  ws::FrameParser p;
  std::string_view rest = stream;
  while (!p.done()) rest.remove_prefix(p.feed(rest).consumed);
  CHECK(p.feed("\x81\x80xxxx").consumed == 0);
}

TEST_CASE("frames: every rule that fails the connection, with its code") {
  const auto m = [](int b0, std::string payload = {}) {  // a masked frame with a raw first byte
    std::string f = ws::encode_frame(ws::Opcode::text, payload, true, key);
    f[0] = static_cast<char>(b0);
    return f;
  };
  for (int rsv : {0x10, 0x20, 0x40, 0x70}) CHECK(error_code(m(0x81 | rsv, "a")) == 1002);
  for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) CHECK(error_code(m(0x80 | op)) == 1002);
  CHECK(error_code(ws::encode_frame(ws::Opcode::text, "a")) == 1002);                          // unmasked from a client
  CHECK(error_code(ws::encode_frame(ws::Opcode::text, "a", true, key), from_server) == 1002);  // masked from a server
  CHECK(error_code(bytes({0x82, 0xFE, 0x00, 0x7D, 1, 2, 3, 4})) == 1002);                      // 125 in 16 bits
  CHECK(error_code(bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4})) == 1002);    // 65535 in 64 bits
  CHECK(error_code(bytes({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})) == 1002);       // 2^63
  CHECK(error_code(bytes({0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4})) == 1002);
  CHECK(error_code(ws::encode_frame(ws::Opcode::ping, std::string(126, 'p'), true, key)) == 1002);
  CHECK(error_code(ws::encode_frame(ws::Opcode::ping, "p", false, key)) == 1002);  // fragmented control
  CHECK(error_code(ws::encode_frame(ws::Opcode::close, "", false, key)) == 1002);
  CHECK(error_code(ws::encode_frame(ws::Opcode::continuation, "x", true, key)) == 1002);  // nothing started
  CHECK(error_code(ws::encode_frame(ws::Opcode::text, "a", false, key) +
                   ws::encode_frame(ws::Opcode::binary, "b", true, key)) == 1002);  // new message mid-message
  CHECK(error_code(ws::encode_frame(ws::Opcode::text, "a", false, key) +
                   ws::encode_frame(ws::Opcode::text, "b", true, key)) == 1002);
  CHECK(ws::encode_frame(ws::Opcode::ping, std::string(125, 'p'), true, key).size() == 131);
  CHECK(parse(ws::encode_frame(ws::Opcode::ping, std::string(125, 'p'), true, key))[0].kind == Kind::ping);
}

TEST_CASE("frames: text must be UTF-8, checked as bytes arrive and across fragments") {
  for (std::string_view bad :
       {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "a\x80", "\xf0\x9f\x98"})
    CHECK_MESSAGE(error_code(ws::encode_frame(ws::Opcode::text, bad, true, key)) == 1007, bad);
  // binary is not checked
  CHECK(parse(ws::encode_frame(ws::Opcode::binary, "\xff", true, key))[0].kind == Kind::binary);
  // fail fast: the first fragment is already invalid, the message never finishes
  auto got = parse(ws::encode_frame(ws::Opcode::text, "ok\xff", false, key));
  REQUIRE(got.size() == 1);
  CHECK(got[0] == Got{Kind::error, got[0].data, 1007});
  // a code point split across fragments is fine; one left open at the end is not
  CHECK(parse(ws::encode_frame(ws::Opcode::text, "\xf0\x9f", false, key) +
              ws::encode_frame(ws::Opcode::continuation, "\x98\x80", true, key)) ==
        std::vector<Got>{{Kind::text, "\xf0\x9f\x98\x80", 0}});
  CHECK(error_code(ws::encode_frame(ws::Opcode::text, "\xf0\x9f", false, key) +
                   ws::encode_frame(ws::Opcode::continuation, "\x98", true, key)) == 1007);
}

TEST_CASE("frames: close payloads") {
  auto close = [](std::string payload) { return parse(ws::encode_frame(ws::Opcode::close, payload, true, key)); };
  CHECK(close("") == std::vector<Got>{{Kind::close, "", 1005}});
  CHECK(close("\x03").back().code == 1002);
  CHECK(close(ws::close_payload(1000, "caf\xc3\xa9")) == std::vector<Got>{{Kind::close, "caf\xc3\xa9", 1000}});
  CHECK(close(ws::close_payload(1000, "\xff")).back() ==
        Got{Kind::error, close(ws::close_payload(1000, "\xff")).back().data, 1007});
  for (std::uint32_t code = 0; code < 65536; ++code) {
    const bool valid =
        (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    CHECK(ws::is_valid_close_code(code) == valid);
    if (code % 97 != 0 && !(code >= 990 && code <= 1020) && code != 2999 && code != 3000 && code != 4999 &&
        code != 5000)
      continue;  // parse a sample, every boundary
    auto got = close(bytes({static_cast<int>(code >> 8), static_cast<int>(code & 0xFF)}));  // 1005 too
    REQUIRE(got.size() == 1);
    CHECK_MESSAGE(got[0].kind == (valid ? Kind::close : Kind::error), code);
    if (!valid) CHECK(got[0].code == 1002);
  }
  // the writer cuts a long reason to fit in 125 bytes, never inside a code point
  std::string long_reason;
  for (int i = 0; i < 100; ++i) long_reason += "\xc3\xa9";
  const std::string payload = ws::close_payload(1001, long_reason);
  CHECK(payload.size() <= 125);
  CHECK(close(payload)[0].kind == Kind::close);
  CHECK(ws::close_payload(1005, "ignored").empty());
  CHECK(ws::encode_close(1000, "", key) == ws::encode_frame(ws::Opcode::close, ws::close_payload(1000), true, key));
}

TEST_CASE("frames: the message size limit, enforced before the bytes are buffered") {
  const ws::ParserOptions small{.max_message = 100};
  CHECK(parse(ws::encode_frame(ws::Opcode::binary, std::string(100, 'a'), true, key), small)[0].kind == Kind::binary);
  CHECK(error_code(ws::encode_frame(ws::Opcode::binary, std::string(101, 'a'), true, key), small) == 1009);
  // across fragments: 60 + 41 > 100, refused at the second header
  CHECK(error_code(ws::encode_frame(ws::Opcode::binary, std::string(60, 'a'), false, key) +
                       ws::encode_frame(ws::Opcode::continuation, std::string(41, 'a'), true, key),
                   small) == 1009);
  // a 64 MiB claim under the 16 MiB default fails on its 14-byte header alone: no payload sent, nothing allocated
  const std::uint64_t claim = 64ull << 20;
  std::string head = bytes({0x82, 0xFF});
  for (int s = 56; s >= 0; s -= 8) head += static_cast<char>((claim >> s) & 0xFF);
  head += bytes({1, 2, 3, 4});
  ws::FrameParser p;
  auto r = p.feed(head);
  CHECK(r.consumed == head.size());
  CHECK(r.event.kind == Kind::error);
  CHECK(r.event.code == 1009);
  // control frames do not count towards the limit of the message they interrupt
  CHECK(parse(ws::encode_frame(ws::Opcode::binary, std::string(90, 'a'), false, key) +
                  ws::encode_frame(ws::Opcode::ping, std::string(100, 'p'), true, key) +
                  ws::encode_frame(ws::Opcode::continuation, std::string(10, 'a'), true, key),
              small)
            .back() == Got{Kind::binary, std::string(100, 'a'), 0});
}

TEST_CASE("frames: a ping flood and 10,000 tiny fragments") {
  std::string flood;
  for (int i = 0; i < 20000; ++i) ws::append_frame(flood, ws::Opcode::ping, std::to_string(i), true, key);
  ws::FrameParser p;
  std::string_view rest = flood;
  int pings = 0;
  while (!rest.empty()) {
    auto r = p.feed(rest);
    rest.remove_prefix(r.consumed);
    REQUIRE(r.event.kind == Kind::ping);
    CHECK(r.event.data == std::to_string(pings));
    ++pings;
  }
  CHECK(pings == 20000);

  std::string tiny;
  ws::append_frame(tiny, ws::Opcode::text, "a", false, key);
  for (int i = 1; i < 9999; ++i) ws::append_frame(tiny, ws::Opcode::continuation, "b", false, key);
  ws::append_frame(tiny, ws::Opcode::continuation, "c", true, key);
  auto got = parse(tiny);
  REQUIRE(got.size() == 1);
  CHECK(got[0].data == "a" + std::string(9998, 'b') + "c");
  CHECK(parse(tiny, {}, 7) == got);
}

TEST_CASE("frames: writer -> parser round trip on seeded random messages") {
  std::mt19937 rng(6455);
  for (int round = 0; round < 300; ++round) {
    const bool text = rng() % 2;
    std::string payload(rng() % 3 == 0 ? rng() % 70000 : rng() % 300, '\0');
    for (auto& c : payload) c = static_cast<char>(text ? 'a' + rng() % 26 : rng());
    const std::size_t fragment = rng() % 4 == 0 ? 0 : 1 + rng() % 500;
    const bool client = rng() % 2;
    const std::array<std::uint8_t, 4> k{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                                        static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    const auto op = text ? ws::Opcode::text : ws::Opcode::binary;
    const std::string wire =
        client ? ws::encode_message(op, payload, fragment, k) : ws::encode_message(op, payload, fragment);
    const ws::ParserOptions options{.max_message = 1 << 20, .require_mask = client};
    const std::size_t step = rng() % 3 == 0 ? 1 + rng() % 17 : 0;
    const auto got = parse(wire, options, step);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == Got{text ? Kind::text : Kind::binary, payload, 0});
  }
}
