// tests/fuzz/fuzz_websocket_frames.cpp: libFuzzer target for websocket/frame_parser.hpp. The first byte picks
// the options (masking required or not) and a piece size; the rest is the stream. Fed whole and in pieces the
// parser must give the same events; a message never exceeds the limit; text is valid UTF-8; an error carries
// 1002, 1007 or 1009; each message, written again by the writer, parses back to itself. Build and run with
// tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../support/ws_frames.hpp"
#include "fastapi/core/utf8.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/frame_parser.hpp"
#include "fuzz_target.hpp"

namespace fuzz_websocket_frames {

namespace ws = fastapi::ws;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_websocket_frames invariant broken: %s\n", what);
    std::abort();
  }
}

using ws_frames::Got;

std::vector<Got> run(std::string_view in, ws::ParserOptions options, std::size_t step) {
  ws::FrameParser p(options);
  return ws_frames::feed_in_pieces(p, in, step, [](const char* what) { require(false, what); });
}

}  // namespace fuzz_websocket_frames

FASTAPI_FUZZ_TARGET(websocket_frames, bytes, size) {
  if (size == 0) return 0;
  const std::uint8_t knob = bytes[0];
  const std::string_view in(reinterpret_cast<const char*>(bytes + 1), size - 1);
  const ws::ParserOptions options{.max_message = 4096, .require_mask = (knob & 1) != 0};
  const std::size_t step = 1 + (knob >> 1);

  const auto whole = run(in, options, in.size() + 1);
  const auto pieces = run(in, options, step);
  require(whole == pieces, "whole and in pieces differ");
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const auto& e = whole[i];
    switch (e.kind) {
      case ws::Event::Kind::text:
        require(fastapi::detail::is_valid_utf8(e.data), "a text message that is not UTF-8");
        [[fallthrough]];
      case ws::Event::Kind::binary: {
        require(e.data.size() <= options.max_message, "a message over the limit");
        const auto op = e.kind == ws::Event::Kind::text ? ws::Opcode::text : ws::Opcode::binary;
        const std::string again = options.require_mask ? ws::encode_message(op, e.data, 1 + knob, {{1, 2, 3, 4}})
                                                       : ws::encode_message(op, e.data, 1 + knob);
        require(run(again, options, 7) == std::vector<Got>{e}, "a message written again parses differently");
        break;
      }
      case ws::Event::Kind::ping:
      case ws::Event::Kind::pong: require(e.data.size() <= 125, "a control payload over 125 bytes"); break;
      case ws::Event::Kind::close:
        require(i + 1 == whole.size(), "an event after the close");
        require(e.code == 1005 || ws::is_valid_close_code(e.code), "an invalid close code given");
        break;
      case ws::Event::Kind::error:
        require(i + 1 == whole.size(), "an event after an error");
        require(e.code == 1002 || e.code == 1007 || e.code == 1009, "an error with an unexpected code");
        break;
      case ws::Event::Kind::none: require(false, "a none event recorded"); break;
    }
  }
  return 0;
}
