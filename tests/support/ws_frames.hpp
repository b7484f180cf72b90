// tests/support/ws_frames.hpp: a WebSocket byte stream fed to websocket/frame_parser.hpp in pieces, every event
// collected: shared by tests/websocket/test_frame.cpp and the fuzz targets tests/fuzz/fuzz_websocket_frames.cpp
// and tests/fuzz/fuzz_ws_deflate.cpp (which include it by its relative path: they are built with -Iinclude
// only). Needs nothing but the parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/websocket/frame_parser.hpp"

namespace ws_frames {

/// One event of the parser, its data copied (the parser's view lasts until its next feed).
struct Got {
  fastapi::ws::Event::Kind kind;
  std::string data;
  std::uint16_t code;
  bool operator==(const Got&) const = default;
};

/// Feeds `in` to `parser` in pieces of `step` bytes (0: all at once) until it is done, collecting every event;
/// a zero-length frame at the very end is complete without more bytes, so the parser is fed nothing once more.
/// The parser's contract (it never takes more than it is given, and it takes something, gives an event or is
/// done) is checked: `broken` is called with what broke, and the feeding stops there.
inline std::vector<Got> feed_in_pieces(fastapi::ws::FrameParser& parser, std::string_view in, std::size_t step,
                                       void (*broken)(const char* what)) {
  using Kind = fastapi::ws::Event::Kind;
  std::vector<Got> out;
  auto keep = [&](const fastapi::ws::Event& e) {
    if (e.kind != Kind::none) out.push_back({e.kind, std::string(e.data), e.code});
  };
  std::size_t at = 0;
  while (at < in.size() && !parser.done()) {
    std::string_view piece = in.substr(at, step == 0 ? in.size() : step);
    while (!piece.empty() && !parser.done()) {
      auto r = parser.feed(piece);
      if (r.consumed > piece.size()) {
        broken("consumed more than given");
        return out;
      }
      piece.remove_prefix(r.consumed);
      at += r.consumed;
      keep(r.event);
      if (r.consumed == 0 && r.event.kind == Kind::none && !parser.done()) {
        broken("no progress");
        return out;
      }
    }
  }
  if (!parser.done()) keep(parser.feed({}).event);
  return out;
}

}  // namespace ws_frames
