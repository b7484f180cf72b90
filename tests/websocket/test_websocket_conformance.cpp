// tests/websocket/test_websocket_conformance.cpp: a raw-frame conformance runner in the spirit of the Autobahn
// TestSuite (which cannot run on these machines): its case groups 1 (framing), 2 (pings and pongs), 3 (reserved
// bits), 4 (opcodes), 5 (fragmentation), 6 (UTF-8), 7 (close handling), 9 (limits, small sizes only: the large
// ones run with FASTAPI_WS_CONFORMANCE_LARGE=1, see bench/ws_conformance_large.sh) and 12-13 (permessage-deflate),
// each case written byte by byte over a raw TCP socket to an echo server, and the server's answer (every frame
// up to its close, read with the library's own parser in client mode) compared with what RFC 6455 / 7692 and
// Autobahn expect. Table-driven: a case is its bytes and the exact frames the server must answer.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

namespace fa = fastapi;
namespace ws = fastapi::ws;
using namespace std::chrono_literals;

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_websocket_conformance_file {

constexpr std::string_view client_key = "dGhlIHNhbXBsZSBub25jZQ==";

std::string handshake(std::string_view extensions = {}, std::string_view path = "/echo") {
  std::string h = "GET " + std::string(path) +
                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
                  std::string(client_key) + "\r\n";
  if (!extensions.empty()) h += "Sec-WebSocket-Extensions: " + std::string(extensions) + "\r\n";
  return h + "\r\n";
}

/// One client frame, masked, with any opcode (reserved ones too) and RSV bits (`rsv`: RSV1 = 4).
std::string frame(unsigned opcode, std::string_view payload, bool fin = true, unsigned rsv = 0) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xF));
  const std::uint64_t n = payload.size();
  if (n <= 125) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((n >> s) & 0xFF);
  }
  const std::array<std::uint8_t, 4> key{0x37, 0xfa, 0x21, 0x3d};
  out.append(reinterpret_cast<const char*>(key.data()), 4);
  const std::size_t start = out.size();
  out.append(payload);
  ws::apply_mask(out.data() + start, payload.size(), key, 0);
  return out;
}
std::string text(std::string_view s, bool fin = true) { return frame(1, s, fin); }
std::string binary(std::string_view s, bool fin = true) { return frame(2, s, fin); }
std::string cont(std::string_view s, bool fin = true) { return frame(0, s, fin); }
std::string ping(std::string_view s) { return frame(9, s); }
std::string pong(std::string_view s) { return frame(10, s); }
std::string close_raw(std::string_view payload) { return frame(8, payload); }
std::string close(std::uint16_t code, std::string_view reason = {}) {
  std::string p;
  p += static_cast<char>(code >> 8);
  p += static_cast<char>(code & 0xFF);
  return close_raw(p + std::string(reason));
}
std::string bye() { return close(1000); }

/// What the server said, one line per frame: "text hello", "binary 3 bytes", "pong x", "close 1002".
/// Messages longer than 40 bytes are named by their length and a hash (the case says what it expects).
std::string describe_payload(std::string_view data) {
  if (data.size() <= 40) return std::string(data);
  return std::to_string(data.size()) + " bytes #" + std::to_string(std::hash<std::string_view>{}(data) % 100000);
}

struct Answer {
  std::string head;                 ///< the HTTP response head (the 101)
  std::vector<std::string> frames;  ///< as described above; "unparsable: ..." when the server broke the protocol
  std::string raw;                  ///< the bytes after the head
  bool closed = false;              ///< the server closed the TCP connection
};

/// Sends `bytes` after the handshake (with `extensions` offered) and reads every frame until the server closes.
Answer exchange(std::uint16_t port, std::string_view bytes, std::string_view extensions = {}, bool deflate = false,
                std::chrono::milliseconds wait = 5000ms) {
  fa::test_support::RawSocket s(port, fa::test_support::scaled(wait));
  Answer a;
  if (!s.send(handshake(extensions) + std::string(bytes))) {
    a.frames.push_back("send failed");
    return a;
  }
  std::string all = s.read_until_close(fa::test_support::scaled(wait));
  a.closed = s.is_closed_by_peer(0ms);
  const std::size_t end = all.find("\r\n\r\n");
  if (end == std::string::npos) {
    a.head = all;
    return a;
  }
  a.head = all.substr(0, end + 4);
  a.raw = all.substr(end + 4);
  ws::FrameParser parser({.max_message = std::size_t{1} << 30, .require_mask = false});
#ifdef FASTAPI_ENABLE_GZIP
  if (deflate) parser.enable_deflate(ws::DeflateParams{});
#else
  (void)deflate;
#endif
  std::string_view in = a.raw;
  while (!in.empty() && !parser.done()) {
    auto r = parser.feed(in);
    in.remove_prefix(r.consumed);
    const ws::Event& e = r.event;
    switch (e.kind) {
      case ws::Event::Kind::none: break;
      case ws::Event::Kind::text: a.frames.push_back("text " + describe_payload(e.data)); break;
      case ws::Event::Kind::binary: a.frames.push_back("binary " + describe_payload(e.data)); break;
      case ws::Event::Kind::ping: a.frames.push_back("ping " + describe_payload(e.data)); break;
      case ws::Event::Kind::pong: a.frames.push_back("pong " + describe_payload(e.data)); break;
      case ws::Event::Kind::close: a.frames.push_back("close " + std::to_string(e.code)); break;
      case ws::Event::Kind::error: a.frames.push_back("unparsable: " + std::string(e.data)); break;
    }
  }
  return a;
}

/// Frames as one line, for readable failures.
std::string join(const std::vector<std::string>& frames) {
  std::string out;
  for (const auto& f : frames) out += (out.empty() ? "" : " | ") + f;
  return out;
}

struct Case {
  std::string id;    ///< Autobahn's group.case where one matches, else the group and a word
  std::string what;  ///< what it sends
  std::string bytes;
  std::vector<std::string> expect;
};

std::string repeat(char c, std::size_t n) { return std::string(n, c); }
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}
std::string bin_pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) & 0xFF);
  return s;
}
std::vector<std::string> echo(const std::string& kind, std::string_view data) {
  return {kind + " " + describe_payload(data), "close 1000"};
}

std::vector<Case> framing_cases() {
  std::vector<Case> c;
  for (std::size_t n : {0, 125, 126, 127, 128, 65535, 65536}) {
    c.push_back({"1.1", "text of " + std::to_string(n) + " bytes", text(pattern(n)) + bye(), echo("text", pattern(n))});
    c.push_back({"1.2", "binary of " + std::to_string(n) + " bytes", binary(bin_pattern(n)) + bye(),
                 echo("binary", bin_pattern(n))});
  }
  c.push_back({"1.1.x",
               "a length not in its shortest form (5 bytes in 16 bits)",
               std::string("\x81\xfe\x00\x05", 4) + "\x37\xfa\x21\x3d" + "hello",
               {"close 1002"}});
  c.push_back({"1.x", "an unmasked client frame", std::string("\x81\x05hello", 7), {"close 1002"}});
  return c;
}

std::vector<Case> ping_cases() {
  std::vector<Case> c;
  c.push_back({"2.1", "ping without payload", ping("") + bye(), {"pong ", "close 1000"}});
  c.push_back({"2.2", "ping with text payload", ping("Hello, world!") + bye(), {"pong Hello, world!", "close 1000"}});
  c.push_back({"2.3",
               "ping with binary payload",
               ping("\x00\xff\xfe\xfd\xfc\xfb\x00\xff") + bye(),
               {"pong " + std::string("\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), "close 1000"}});
  c.push_back({"2.4",
               "ping with 125 bytes",
               ping(repeat('\xfe', 125)) + bye(),
               {"pong " + describe_payload(repeat('\xfe', 125)), "close 1000"}});
  c.push_back({"2.5", "ping with 126 bytes", ping(repeat('\xfe', 126)), {"close 1002"}});
  c.push_back({"2.7", "unsolicited pong", pong("") + bye(), {"close 1000"}});
  c.push_back({"2.8", "unsolicited pong with payload", pong("unsolicited pong payload") + bye(), {"close 1000"}});
  c.push_back({"2.9",
               "unsolicited pong, then ping",
               pong("unsolicited") + ping("ping payload") + bye(),
               {"pong ping payload", "close 1000"}});
  std::string ten;
  std::vector<std::string> pongs;
  for (int i = 0; i < 10; ++i) {
    ten += ping("payload-" + std::to_string(i));
    pongs.push_back("pong payload-" + std::to_string(i));
  }
  pongs.push_back("close 1000");
  c.push_back({"2.10", "10 pings in a row", ten + bye(), pongs});
  c.push_back({"2.x", "a fragmented ping", frame(9, "ab", false), {"close 1002"}});
  return c;
}

std::vector<Case> reserved_bit_cases() {
  std::vector<Case> c;
  c.push_back({"3.1", "RSV1 on a text frame (no extension)", frame(1, "Hello", true, 4), {"close 1002"}});
  c.push_back(
      {"3.2", "RSV2 after a valid echo", text("Hello") + frame(1, "Hello", true, 2), {"text Hello", "close 1002"}});
  c.push_back({"3.3",
               "RSV3 after a valid echo and a ping",
               text("Hello") + frame(1, "Hello", true, 1) + ping(""),
               {"text Hello", "close 1002"}});
  c.push_back({"3.4", "RSV1+RSV3 on a binary frame", frame(2, "\x00\xff", true, 5), {"close 1002"}});
  c.push_back({"3.5", "RSV1+RSV2 on a ping", frame(9, "Hello", true, 6), {"close 1002"}});
  c.push_back({"3.6", "RSV2+RSV3 on a close", frame(8, "", true, 3), {"close 1002"}});
  c.push_back({"3.7", "all RSV bits on a text frame", frame(1, "Hello", true, 7), {"close 1002"}});
  return c;
}

std::vector<Case> opcode_cases() {
  std::vector<Case> c;
  for (unsigned op : {3u, 4u, 5u, 6u, 7u}) {
    c.push_back({"4.1", "reserved data opcode " + std::to_string(op), frame(op, ""), {"close 1002"}});
    c.push_back({"4.1",
                 "reserved data opcode " + std::to_string(op) + " after a valid echo, with payload",
                 text("Hello") + frame(op, "reserved opcode payload"),
                 {"text Hello", "close 1002"}});
  }
  for (unsigned op : {11u, 12u, 13u, 14u, 15u}) {
    c.push_back({"4.2", "reserved control opcode " + std::to_string(op), frame(op, ""), {"close 1002"}});
    c.push_back({"4.2",
                 "reserved control opcode " + std::to_string(op) + " after a valid echo",
                 text("Hello") + frame(op, "payload") + ping(""),
                 {"text Hello", "close 1002"}});
  }
  return c;
}

std::vector<Case> fragmentation_cases() {
  std::vector<Case> c;
  c.push_back({"5.1", "a fragmented ping", frame(9, "frag", false) + frame(0, "ment"), {"close 1002"}});
  c.push_back({"5.2", "a fragmented pong", frame(10, "frag", false) + frame(0, "ment"), {"close 1002"}});
  c.push_back({"5.3", "text in two fragments", text("fragment1", false) + cont("fragment2") + bye(),
               echo("text", "fragment1fragment2")});
  c.push_back({"5.6",
               "text in two fragments, a ping between",
               text("fragment1", false) + ping("") + cont("fragment2") + bye(),
               {"pong ", "text fragment1fragment2", "close 1000"}});
  c.push_back({"5.9",
               "a continuation with no message started",
               cont("non-continuation payload") + text("Hello"),
               {"close 1002"}});
  c.push_back({"5.10", "a continuation (not final) with no message started", cont("payload", false), {"close 1002"}});
  c.push_back(
      {"5.13", "a first continuation, then text", cont("fragment1", false) + text("fragment2"), {"close 1002"}});
  c.push_back({"5.15",
               "a text message finished, then a continuation",
               text("fragment1", false) + cont("fragment2") + cont("fragment3", false) + cont("fragment4"),
               {"text fragment1fragment2", "close 1002"}});
  c.push_back({"5.17",
               "a new text message while one is unfinished",
               text("fragment1", false) + text("fragment2"),
               {"close 1002"}});
  c.push_back({"5.19",
               "text in five fragments, pings between",
               text("fragment1", false) + cont("fragment2", false) + ping("pongme 1!") + cont("fragment3", false) +
                   ping("pongme 2!") + cont("fragment4", false) + cont("fragment5") + bye(),
               {"pong pongme 1!", "pong pongme 2!",
                "text " + describe_payload("fragment1fragment2fragment3fragment4fragment5"), "close 1000"}});
  std::string ones;
  const std::string word = "fragmented";
  for (std::size_t i = 0; i < word.size(); ++i) ones += frame(i == 0 ? 1 : 0, word.substr(i, 1), i + 1 == word.size());
  c.push_back({"5.x", "text in one-byte fragments", ones + bye(), echo("text", word)});
  c.push_back({"5.x", "binary with empty fragments",
               binary("", false) + cont("ab", false) + cont("", false) + cont("") + bye(), echo("binary", "ab")});
  return c;
}

std::vector<Case> utf8_cases() {
  std::vector<Case> c;
  const std::string hello = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";  // "κόσμε"
  c.push_back({"6.2", "valid UTF-8 (\"κόσμε\")", text(hello) + bye(), echo("text", hello)});
  // a code point cut between two fragments
  c.push_back({"6.2.3", "valid UTF-8 split inside a code point",
               text(hello.substr(0, 3), false) + cont(hello.substr(3)) + bye(), echo("text", hello)});
  std::string bytewise;
  for (std::size_t i = 0; i < hello.size(); ++i)
    bytewise += frame(i == 0 ? 1 : 0, hello.substr(i, 1), i + 1 == hello.size());
  c.push_back({"6.2.4", "valid UTF-8, one byte per fragment", bytewise + bye(), echo("text", hello)});
  for (std::string_view good : {"\xf4\x8f\xbf\xbf", "\xef\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", "\x7f"})
    c.push_back({"6.x", "a valid boundary code point", text(good) + bye(), echo("text", good)});
  for (std::string_view bad :
       {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xf8\x88\x80\x80\x80",
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
        "edited"})
    c.push_back({"6.3", "invalid UTF-8 in a text message", text(bad), {"close 1007"}});
  c.push_back({"6.3.x", "a text message that ends inside a code point", text("\xce"), {"close 1007"}});
  c.push_back({"6.3.x", "invalid UTF-8 in a later fragment", text("hello", false) + cont("\xff"), {"close 1007"}});
  // fail fast (6.4): the server must close at the invalid byte, without the rest of the message
  c.push_back({"6.4.1",
               "invalid UTF-8 in the first fragment, the rest never sent",
               text(hello + "\xf4\x90\x80\x80", false),
               {"close 1007"}});
  c.push_back({"6.4.2",
               "an invalid continuation byte, the rest never sent",
               text("\xce\xba\xe1\x80\xff", false),
               {"close 1007"}});
  c.push_back(
      {"6.x", "invalid UTF-8 in a binary message is data", binary("\xff\xfe") + bye(), echo("binary", "\xff\xfe")});
  return c;
}

std::vector<Case> close_cases() {
  std::vector<Case> c;
  c.push_back({"7.1.1", "echo, then close", text("Hello World!") + bye(), echo("text", "Hello World!")});
  c.push_back({"7.1.3", "close, then a text frame", bye() + text("after close"), {"close 1000"}});
  c.push_back({"7.1.4", "close, then a ping", bye() + ping("after close"), {"close 1000"}});
  c.push_back({"7.3.1", "an empty close", close_raw(""), {"close 1005"}});
  c.push_back({"7.3.2", "a close payload of 1 byte", close_raw("\x03"), {"close 1002"}});
  c.push_back({"7.3.3", "close 1000 without reason", close(1000), {"close 1000"}});
  c.push_back({"7.3.4", "close 1000 with a reason", close(1000, "Hello World!"), {"close 1000"}});
  c.push_back({"7.3.5", "close 1000 with a 123-byte reason", close(1000, repeat('*', 123)), {"close 1000"}});
  c.push_back({"7.3.6", "close with a 124-byte reason (payload 126)", close(1000, repeat('*', 124)), {"close 1002"}});
  c.push_back({"7.5.1",
               "close with a reason that is not UTF-8",
               close(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"),
               {"close 1007"}});
  for (std::uint16_t code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    c.push_back(
        {"7.7", "close with valid code " + std::to_string(code), close(code), {"close " + std::to_string(code)}});
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    c.push_back({"7.9", "close with invalid code " + std::to_string(code), close(code), {"close 1002"}});
  return c;
}

std::vector<Case> limit_cases() {
  // the app's ws_max_size is 256 KiB here (small sizes only; the 1-16 MiB cases are the large run's)
  std::vector<Case> c;
  for (std::size_t n : {std::size_t{64} << 10, std::size_t{256} << 10}) {
    c.push_back({"9.1", "text of " + std::to_string(n) + " bytes", text(pattern(n)) + bye(), echo("text", pattern(n))});
    c.push_back({"9.2", "binary of " + std::to_string(n) + " bytes", binary(bin_pattern(n)) + bye(),
                 echo("binary", bin_pattern(n))});
  }
  for (std::size_t frag : {64u, 256u, 1024u, 4096u, 16384u}) {
    const std::string body = pattern(std::size_t{64} << 10);
    std::string bytes;
    for (std::size_t at = 0; at < body.size(); at += frag)
      bytes += frame(at == 0 ? 1 : 0, std::string_view(body).substr(at, frag), at + frag >= body.size());
    c.push_back({"9.3", "64 KiB of text in fragments of " + std::to_string(frag), bytes + bye(), echo("text", body)});
  }
  c.push_back({"9.x",
               "text of 256 KiB + 1 byte (over ws_max_size)",
               text(pattern((std::size_t{256} << 10) + 1)),
               {"close 1009"}});
  c.push_back({"9.x",
               "fragments adding up past ws_max_size",
               text(pattern(200 << 10), false) + cont(pattern(57 << 10)),
               {"close 1009"}});
  // the header alone says too much: the server must not wait for 1 GiB of payload
  c.push_back({"9.x",
               "a frame header claiming 1 GiB",
               std::string("\x82\xff\x00\x00\x00\x00\x40\x00\x00\x00", 10) + "\x37\xfa\x21\x3d",
               {"close 1009"}});
  return c;
}

void run_cases(std::uint16_t port, const std::vector<Case>& cases, std::string_view extensions = {},
               bool deflate = false) {
  for (const Case& k : cases) {
    CAPTURE(k.id);
    CAPTURE(k.what);
    Answer a = exchange(port, k.bytes, extensions, deflate);
    CHECK_MESSAGE(a.head.starts_with("HTTP/1.1 101"), a.head);
    CHECK(join(a.frames) == join(k.expect));
    CHECK(a.closed);
  }
}

void add_echo(fa::App& app) {
  {
    app.websocket("/echo", [](fa::WebSocket& w) -> fa::Task<void> {
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
  }
}

fa::Config conformance_config(std::size_t max_size = std::size_t{256} << 10) {
  fa::Config config = fa::testing::TestClient::default_config();
  config.ws_max_size = max_size;
  config.ws_ping_interval = 0ms;  // no keep-alive ping in the answers
  return config;
}

#ifdef FASTAPI_ENABLE_GZIP
/// The client's compressor (context takeover across the messages of one case): a message compressed as
/// RFC 7692 section 7.2.1 says (sync flush, the 4-byte tail removed).
struct ClientDeflate {
  explicit ClientDeflate(int window_bits = 15) : z(Z_DEFAULT_COMPRESSION, -window_bits, 8) {}
  fa::detail::Deflater z;
  std::string operator()(std::string_view message) {
    std::string out;
    REQUIRE(z.write(message, Z_SYNC_FLUSH, out));
    REQUIRE(out.size() >= 4);
    out.resize(out.size() - 4);
    return out;
  }
};

std::string deflate_once(std::string_view message) { return ClientDeflate{}(message); }

std::string extensions_header(const Answer& a) {
  std::string lower = a.head;
  for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  const std::size_t at = lower.find("sec-websocket-extensions: ");
  if (at == std::string::npos) return {};
  const std::size_t start = at + 26;
  return a.head.substr(start, a.head.find("\r\n", start) - start);
}

std::vector<Case> deflate_cases() {
  std::vector<Case> c;
  {
    ClientDeflate d;
    std::string bytes;
    std::vector<std::string> expect;
    for (std::size_t n : {0, 1, 125, 126, 1000, 65535, 65536}) {
      bytes += frame(1, d(pattern(n)), true, 4);
      expect.push_back("text " + describe_payload(pattern(n)));
    }
    expect.push_back("close 1000");
    c.push_back({"12.1", "compressed text messages of 0..64 KiB, one context", bytes + bye(), expect});
  }
  {
    ClientDeflate d;
    const std::string data = bin_pattern(70000);
    c.push_back({"12.2", "compressed binary of 70000 bytes", frame(2, d(data), true, 4) + bye(), echo("binary", data)});
  }
  {
    const std::string packed = deflate_once("compressed across fragments");
    c.push_back({"13.x",
                 "a compressed message in three fragments, a ping between",
                 frame(1, packed.substr(0, 5), false, 4) + frame(0, packed.substr(5, 5), false) + ping("p") +
                     frame(0, packed.substr(10)) + bye(),
                 {"pong p", "text compressed across fragments", "close 1000"}});
  }
  c.push_back({"13.x", "an uncompressed message (RSV1 clear) in a compressed session", text("plain") + bye(),
               echo("text", "plain")});
  c.push_back({"13.x",
               "RSV1 on a continuation frame",
               frame(1, deflate_once("ab"), false, 4) + frame(0, "", true, 4),
               {"close 1002"}});
  c.push_back({"13.x", "RSV1 on a ping", frame(9, "x", true, 4), {"close 1002"}});
  c.push_back({"13.x", "RSV1 on a close", frame(8, std::string("\x03\xe8", 2), true, 4), {"close 1002"}});
  c.push_back({"13.x", "RSV2 in a compressed session", frame(1, deflate_once("ab"), true, 2), {"close 1002"}});
  c.push_back(
      {"13.x", "compressed data that is not deflate", frame(1, "\xff\xff\xff\xff\xff", true, 4), {"close 1002"}});
  {
    // a deflate bomb: 16 MiB of zeros in ~16 KiB on the wire; ws_max_size is 256 KiB: 1009 while inflating
    std::string zeros(std::size_t{16} << 20, '\0');
    c.push_back({"13.x",
                 "a deflate bomb (16 MiB inflated, 256 KiB allowed)",
                 frame(2, deflate_once(zeros), true, 4),
                 {"close 1009"}});
  }
  c.push_back({"13.x",
               "compressed text that is not UTF-8",
               frame(1, deflate_once("ok \xed\xa0\x80"), true, 4),
               {"close 1007"}});
  return c;
}
#endif

}  // namespace test_websocket_conformance_file

using namespace test_websocket_conformance_file;

TEST_SUITE("websocket/conformance") {
  TEST_CASE("Autobahn-style case groups 1-7 and 9 (small sizes) over a raw socket") {
    fa::App app;
    add_echo(app);
    fa::testing::TestClient client{app, conformance_config()};
    SUBCASE("1 framing") { run_cases(client.port(), framing_cases()); }
    SUBCASE("2 pings and pongs") { run_cases(client.port(), ping_cases()); }
    SUBCASE("3 reserved bits") { run_cases(client.port(), reserved_bit_cases()); }
    SUBCASE("4 opcodes") { run_cases(client.port(), opcode_cases()); }
    SUBCASE("5 fragmentation") { run_cases(client.port(), fragmentation_cases()); }
    SUBCASE("6 UTF-8") { run_cases(client.port(), utf8_cases()); }
    SUBCASE("7 close handling") { run_cases(client.port(), close_cases()); }
    SUBCASE("9 limits (small sizes)") { run_cases(client.port(), limit_cases()); }
  }

  TEST_CASE("the server's frames are exact: an unmasked echo, the shortest length, a fail close 88 02 03 ea") {
    fa::App app;
    add_echo(app);
    fa::testing::TestClient client{app, conformance_config()};
    Answer a = exchange(client.port(), text("Hello") + bye());
    CHECK(a.raw == std::string("\x81\x05Hello\x88\x02\x03\xe8", 11));
    a = exchange(client.port(), text(pattern(126)) + bye());
    CHECK(a.raw.substr(0, 4) == std::string("\x81\x7e\x00\x7e", 4));
    a = exchange(client.port(), frame(3, ""));
    CHECK(a.raw == std::string("\x88\x02\x03\xea", 4));
    a = exchange(client.port(), close_raw(""));
    CHECK(a.raw == std::string("\x88\x00", 2));  // an empty close answered with an empty close
    // without an offer, the 101 names no extension
    CHECK(a.head.find("xtensions") == std::string::npos);
  }

#ifdef FASTAPI_ENABLE_GZIP
  TEST_CASE("12-13 permessage-deflate: negotiation, compressed echo both ways, hostile compressed frames") {
    fa::App app;
    add_echo(app);
    fa::testing::TestClient client{app, conformance_config()};
    const std::uint16_t port = client.port();
    SUBCASE("the offers and the answers (RFC 7692 section 7.1)") {
      struct Offer {
        std::string offer;
        std::string answer;  ///< empty: declined (no Sec-WebSocket-Extensions in the 101)
      };
      const std::vector<Offer> offers = {
          {"permessage-deflate", "permessage-deflate"},
          {"permessage-deflate; client_max_window_bits", "permessage-deflate"},
          {"permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10"},
          {"permessage-deflate; server_max_window_bits=12", "permessage-deflate; server_max_window_bits=12"},
          {"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
           "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
          {"permessage-deflate; server_max_window_bits=\"9\"", "permessage-deflate; server_max_window_bits=9"},
          // declined offers: out of range, repeated, unknown, with a value where none is allowed, 8 bits for us
          {"permessage-deflate; server_max_window_bits=16", ""},
          {"permessage-deflate; server_max_window_bits=7", ""},
          {"permessage-deflate; server_max_window_bits=010", ""},
          {"permessage-deflate; server_max_window_bits", ""},
          {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", ""},
          {"permessage-deflate; server_no_context_takeover=1", ""},
          {"permessage-deflate; x_unknown", ""},
          {"permessage-deflate; server_max_window_bits=8", ""},
          {"x-webkit-deflate-frame", ""},
          // the first acceptable offer wins
          {"permessage-deflate; server_max_window_bits=99, permessage-deflate; client_no_context_takeover",
           "permessage-deflate; client_no_context_takeover"},
          {"foo, permessage-deflate; server_max_window_bits=10, permessage-deflate",
           "permessage-deflate; server_max_window_bits=10"},
      };
      for (const Offer& o : offers) {
        CAPTURE(o.offer);
        Answer a = exchange(port, bye(), o.offer, !o.answer.empty());
        CHECK(a.head.starts_with("HTTP/1.1 101"));
        CHECK(extensions_header(a) == o.answer);
        CHECK(join(a.frames) == join(std::vector<std::string>{"close 1000"}));
      }
      // a declined offer: RSV1 stays a protocol error
      Answer a = exchange(port, frame(1, deflate_once("x"), true, 4), "permessage-deflate; x_unknown");
      CHECK(join(a.frames) == join(std::vector<std::string>{"close 1002"}));
      // a malformed header is the handshake's 400
      a = exchange(port, bye(), "permessage-deflate; =");
      CHECK(a.head.starts_with("HTTP/1.1 400"));
    }
    SUBCASE("compressed messages, both ways") {
      run_cases(port, deflate_cases(), "permessage-deflate; client_max_window_bits", true);
      // the server's answer is compressed: RSV1 on its first frame
      Answer a = exchange(port, text("Hello Hello Hello") + bye(), "permessage-deflate", true);
      REQUIRE(!a.raw.empty());
      CHECK(static_cast<unsigned char>(a.raw[0]) == 0xC1);
      CHECK(join(a.frames) == join(echo("text", "Hello Hello Hello")));
    }
    SUBCASE("no context takeover, small windows") {
      std::string bytes;
      for (int i = 0; i < 5; ++i) bytes += frame(1, deflate_once("again and again"), true, 4);  // fresh each time
      std::vector<std::string> expect(5, "text again and again");
      expect.push_back("close 1000");
      for (std::string_view offer : {"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                                     "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"}) {
        CAPTURE(offer);
        Answer a = exchange(port, bytes + bye(), offer, true);
        CHECK(!extensions_header(a).empty());
        CHECK(join(a.frames) == join(expect));
      }
    }
  }

  TEST_CASE("Config: ws_per_message_deflate = false declines every offer; ws_deflate_max_window_bits caps windows") {
    fa::Config off = conformance_config();
    off.ws_per_message_deflate = false;
    {
      fa::App app_off;
      add_echo(app_off);
      fa::testing::TestClient client{app_off, off};
      Answer a = exchange(client.port(), frame(1, deflate_once("x"), true, 4), "permessage-deflate");
      CHECK(extensions_header(a).empty());
      CHECK(join(a.frames) == join(std::vector<std::string>{"close 1002"}));
    }
    fa::Config small = conformance_config();
    small.ws_deflate_max_window_bits = 10;
    fa::App app;
    add_echo(app);
    fa::testing::TestClient client{app, small};
    Answer a = exchange(client.port(), bye(), "permessage-deflate; client_max_window_bits", true);
    CHECK(extensions_header(a) == "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10");
    a = exchange(client.port(), bye(), "permessage-deflate; server_max_window_bits=14", true);
    CHECK(extensions_header(a) == "permessage-deflate; server_max_window_bits=10");
    ClientDeflate d(9);  // the window the client promised
    const std::string data = pattern(100000);
    a = exchange(client.port(), frame(1, d(data), true, 4) + bye(), "permessage-deflate; client_max_window_bits=9",
                 true);
    CHECK(join(a.frames) == join(echo("text", data)));
  }
#endif

  TEST_CASE("9 limits, large sizes (FASTAPI_WS_CONFORMANCE_LARGE=1: bench/ws_conformance_large.sh)") {
    if (!std::getenv("FASTAPI_WS_CONFORMANCE_LARGE")) return;  // not in the suite: megabytes per case
    fa::App app;
    add_echo(app);
    fa::testing::TestClient client{app, conformance_config(std::size_t{16} << 20)};
    for (std::size_t n : {std::size_t{1} << 20, std::size_t{4} << 20, std::size_t{8} << 20, std::size_t{16} << 20}) {
      CAPTURE(n);
      const std::string t = pattern(n);
      Answer a = exchange(client.port(), text(t) + bye(), {}, false, 60000ms);
      CHECK(join(a.frames) == join(echo("text", t)));
      const std::string b = bin_pattern(n);
      a = exchange(client.port(), binary(b) + bye(), {}, false, 60000ms);
      CHECK(join(a.frames) == join(echo("binary", b)));
      for (std::size_t frag : {std::size_t{64}, std::size_t{4096}, std::size_t{65536}, std::size_t{1} << 20}) {
        if (n / frag > 70000) continue;  // Autobahn's 9.3/9.4 go down to 64 bytes for 4 MiB only
        CAPTURE(frag);
        std::string bytes;
        for (std::size_t at = 0; at < n; at += frag)
          bytes += frame(at == 0 ? 1 : 0, std::string_view(t).substr(at, frag), at + frag >= n);
        a = exchange(client.port(), bytes + bye(), {}, false, 60000ms);
        CHECK(join(a.frames) == join(echo("text", t)));
      }
    }
    // one byte over: the server closes at the frame's header, so only the header and a first piece are sent (the
    // rest would meet a closed socket)
    const std::string over = text(pattern((std::size_t{16} << 20) + 1));
    Answer a = exchange(client.port(), std::string_view(over).substr(0, 65536), {}, false, 60000ms);
    CHECK(join(a.frames) == join(std::vector<std::string>{"close 1009"}));
  }
}
