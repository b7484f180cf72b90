// tests/fuzz/fuzz_ws_deflate.cpp: libFuzzer target for permessage-deflate's inflate path (websocket/deflate.hpp
// through websocket/frame_parser.hpp). The first byte picks the parameters (window bits, context takeover,
// masking) and a piece size; the rest is used twice:
// - as a stream of frames from a peer that negotiated permessage-deflate (hostile: RSV1 anywhere, bad deflate
//   data, bombs): fed whole and in pieces the parser gives the same events (a failure may differ in its code),
//   a message never exceeds the limit
//   (the inflated size: a bomb stops at limit + 1), text is UTF-8, an error carries 1002, 1007 or 1009;
// - as a message compressed by our deflater and framed with RSV1: it parses back to itself (or 1009 when it is
//   over the limit), and a second message on the same context too.
// Build and run with tests/fuzz/run.sh.
// The deflate half of the websocket headers is there only with FASTAPI_ENABLE_GZIP, which must come from the
// command line (run.sh passes it): a #define here would come after the other targets, built in the same
// translation unit, have included those headers without it.
#ifndef FASTAPI_ENABLE_GZIP
#error "fuzz_ws_deflate needs -DFASTAPI_ENABLE_GZIP on the command line (tests/fuzz/run.sh passes it)"
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../support/ws_frames.hpp"
#include "fastapi/core/utf8.hpp"
#include "fastapi/websocket/deflate.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/frame_parser.hpp"
#include "fuzz_target.hpp"

namespace fuzz_ws_deflate {

namespace ws = fastapi::ws;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_ws_deflate invariant broken: %s\n", what);
    std::abort();
  }
}

using ws_frames::Got;

std::vector<Got> run(std::string_view in, ws::ParserOptions options, const ws::DeflateParams& params,
                     std::size_t step) {
  ws::FrameParser p(options);
  p.enable_deflate(params);
  return ws_frames::feed_in_pieces(p, in, step, [](const char* what) { require(false, what); });
}

}  // namespace fuzz_ws_deflate

FASTAPI_FUZZ_TARGET(ws_deflate, bytes, size) {
  if (size == 0) return 0;
  const std::uint8_t knob = bytes[0];
  const std::string_view in(reinterpret_cast<const char*>(bytes + 1), size - 1);
  ws::DeflateParams params;
  params.client_max_window_bits = 9 + (knob & 7) % 7;  // 9..15
  params.server_max_window_bits = params.client_max_window_bits;
  params.client_no_context_takeover = (knob & 8) != 0;
  params.server_no_context_takeover = (knob & 16) != 0;
  const bool masked = (knob & 32) != 0;
  const ws::ParserOptions options{.max_message = 4096, .require_mask = masked};
  const std::size_t step = 1 + (knob >> 6) * 5;

  // 1. the input as frames from the peer
  const auto whole = run(in, options, params, in.size() + 1);
  const auto pieces = run(in, options, params, step);
  // The same events whole and in pieces; only a failing message may fail for another reason, as where a piece
  // ends decides whether zlib meets its bad data before the text's bad UTF-8 comes out of it (1002 or 1007).
  const bool both_fail = !whole.empty() && !pieces.empty() && whole.back().kind == ws::Event::Kind::error &&
                         pieces.back().kind == ws::Event::Kind::error;
  // zlib checks a back-reference against the negotiated window only across calls: a peer's stream that refers
  // farther back than its window (invalid: it compressed with a larger one) is refused with 1002 when its bytes
  // arrive in small pieces, and may inflate to the bytes the peer meant when they arrive at once. Either way no
  // memory beyond the window is used and nothing is invented; the events before the refusal are the same.
  auto refusal = [](const std::vector<Got>& v) {
    return !v.empty() && v.back().kind == ws::Event::Kind::error && v.back().code == 1002;
  };
  const bool whole_refused = refusal(whole), pieces_refused = refusal(pieces);
  if (whole.size() != pieces.size() || (whole_refused != pieces_refused && !both_fail)) {
    require(whole_refused || pieces_refused, "whole and in pieces differ in number");
    // The side refused first (both may be: whole can take a far reference that a later one then breaks).
    const bool whole_first = whole_refused && (!pieces_refused || whole.size() <= pieces.size());
    const auto& refused = whole_first ? whole : pieces;
    const auto& accepted = whole_first ? pieces : whole;
    const std::size_t before = refused.size() - 1;
    require(accepted.size() >= before, "whole and in pieces differ in number");
    for (std::size_t i = 0; i < before; ++i) require(refused[i] == accepted[i], "whole and in pieces differ");
  } else {
    for (std::size_t i = 0; i < whole.size(); ++i)
      require(whole[i] == pieces[i] || (both_fail && i + 1 == whole.size()), "whole and in pieces differ");
  }
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const auto& e = whole[i];
    switch (e.kind) {
      case ws::Event::Kind::text:
        require(fastapi::detail::is_valid_utf8(e.data), "a text message that is not UTF-8");
        [[fallthrough]];
      case ws::Event::Kind::binary: require(e.data.size() <= options.max_message, "a message over the limit"); break;
      case ws::Event::Kind::ping:
      case ws::Event::Kind::pong: require(e.data.size() <= 125, "a control payload over 125 bytes"); break;
      case ws::Event::Kind::close: require(i + 1 == whole.size(), "an event after the close"); break;
      case ws::Event::Kind::error:
        require(i + 1 == whole.size(), "an event after an error");
        require(e.code == 1002 || e.code == 1007 || e.code == 1009, "an error with an unexpected code");
        break;
      case ws::Event::Kind::none: require(false, "a none event recorded"); break;
    }
  }

  // 2. the input as a message, compressed by our deflater (the peer's role: the parser reads it as the client's)
  ws::DeflateParams ours = params;
  ours.server_max_window_bits = params.client_max_window_bits;  // our deflater writes what the parser reads
  ours.server_no_context_takeover = params.client_no_context_takeover;
  ws::detail::MessageDeflater deflater(ours);
  std::string frames;
  for (int round = 0; round < 2; ++round) {
    std::string packed;
    require(deflater.compress(in, packed), "the deflater failed");
    const std::size_t cut = packed.size() / 2;
    const std::optional<std::array<std::uint8_t, 4>> mask =
        masked ? std::optional<std::array<std::uint8_t, 4>>({7, 1, 9, 3}) : std::nullopt;
    if (knob & 64) {  // in two fragments, RSV1 on the first only
      ws::append_frame(frames, ws::Opcode::binary, std::string_view(packed).substr(0, cut), false, mask, 4);
      ws::append_frame(frames, ws::Opcode::continuation, std::string_view(packed).substr(cut), true, mask, 0);
    } else {
      ws::append_frame(frames, ws::Opcode::binary, packed, true, mask, 4);
    }
  }
  const auto back = run(frames, options, params, step);
  if (in.size() <= options.max_message) {
    require(back.size() == 2, "a compressed message did not come back twice");
    for (const auto& e : back)
      require(e.kind == ws::Event::Kind::binary && e.data == in, "a message came back changed");
  } else {
    require(back.size() == 1 && back[0].kind == ws::Event::Kind::error && back[0].code == 1009,
            "a message over the limit was not 1009");
  }
  return 0;
}
