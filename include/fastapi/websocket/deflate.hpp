// websocket/deflate.hpp: permessage-deflate (RFC 7692) after its negotiation: what was agreed (DeflateParams),
// the server's settings (DeflateSettings, from fa::Config), and the two codecs: a message compressed for
// sending, and a message's payload inflated as its frames arrive with a bound on the inflated size. Fed by the
// negotiation (websocket/handshake.hpp) and by bytes; feeds websocket/frame_parser.hpp (inflate) and
// websocket/session.hpp (deflate). Knows nothing of sockets or HTTP. The codecs exist only with
// FASTAPI_ENABLE_GZIP (zlib, through core/zlib.hpp); without it nothing is ever negotiated.
//
// Memory: zlib's state is made at the first message that needs it, and kept between messages only with
// context takeover (the default). At 15 window bits a deflater holds about 256 KiB (window 128 KiB, hash
// 128 KiB at memLevel 8) and an inflater about 40 KiB (window 32 KiB): ~300 KiB for a socket that has both
// sent and received compressed messages. Fewer window bits shrink both (memLevel follows: window_bits - 7):
// 12 bits ~ 48 KiB, 9 bits ~ 17 KiB (counted through zlib's allocator). With no context takeover the state is
// freed after each message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fastapi/core/zlib.hpp"

namespace fastapi::ws {

/// The server's side of the negotiation (fa::Config::ws_per_message_deflate, ws_deflate_max_window_bits).
struct DeflateSettings {
  bool enabled = true;       ///< answer a client's permessage-deflate offer (uvicorn's ws_per_message_deflate)
  int max_window_bits = 15;  ///< 9..15: the largest LZ77 window for our compressor and, when the client allows
                             ///< it (client_max_window_bits offered), for its compressor too
};

/// What one negotiation agreed (RFC 7692 section 7.1): how each side compresses.
struct DeflateParams {
  bool server_no_context_takeover = false;  ///< our compressor starts each message afresh
  bool client_no_context_takeover = false;  ///< the client's does (so our inflater may too)
  int server_max_window_bits = 15;          ///< our compressor's window
  int client_max_window_bits = 15;          ///< the client's window (our inflater's)
};

#ifdef FASTAPI_ENABLE_GZIP

namespace detail {

/// zlib's memLevel for a window: 8 (zlib's default) at 15 bits, one less per bit below.
constexpr int deflate_mem_level(int window_bits) {
  return window_bits >= 15 ? 8 : window_bits > 8 ? window_bits - 7 : 1;
}

/// Our compressor: one whole message at a time, flushed at its end with the 4-byte empty block removed
/// (section 7.2.1).
class MessageDeflater {
 public:
  explicit MessageDeflater(const DeflateParams& params)
      : bits_(params.server_max_window_bits < 9 ? 9 : params.server_max_window_bits),
        reset_each_(params.server_no_context_takeover) {}
  /// Appends the compressed payload of `message` to `out`; false when zlib failed (out of memory): then the
  /// message goes out uncompressed, and so does every later one (the stream's context is lost).
  bool compress(std::string_view message, std::string& out) {
    if (failed_) return false;
    if (!z_) z_ = std::make_unique<fastapi::detail::Deflater>(Z_DEFAULT_COMPRESSION, -bits_, deflate_mem_level(bits_));
    const std::size_t start = out.size();
    if (!z_->ok() || !z_->write(message, Z_SYNC_FLUSH, out)) {
      out.resize(start);
      failed_ = true;
      z_.reset();
      return false;
    }
    const std::string_view tail = std::string_view(out).substr(start);
    if (tail.size() >= 4 && tail.substr(tail.size() - 4) == std::string_view("\0\0\xff\xff", 4))
      out.resize(out.size() - 4);
    if (reset_each_) z_.reset();  // no context takeover: nothing kept between messages
    return true;
  }

 private:
  std::unique_ptr<fastapi::detail::Deflater> z_;
  int bits_;
  bool reset_each_;
  bool failed_ = false;
};

/// Our decompressor: a message's payload inflated as it arrives (frame by frame, piece by piece), the
/// inflated size bounded.
class MessageInflater {
 public:
  explicit MessageInflater(const DeflateParams& params)
      : bits_(params.client_max_window_bits < 9 ? 9 : params.client_max_window_bits),
        reset_each_(params.client_no_context_takeover) {}
  using Result = fastapi::detail::Inflater::Result;
  /// Inflates `in` (payload bytes, unmasked) onto `out`, never past `limit` + 1 bytes (too_big beyond).
  Result feed(std::string_view in, std::string& out, std::size_t limit) {
    if (!z_) z_ = std::make_unique<fastapi::detail::Inflater>(-bits_);
    return z_->write(in, out, limit);
  }
  /// The message's last frame is in: the empty block the sender removed is put back (section 7.2.2).
  Result finish(std::string& out, std::size_t limit) {
    Result r = feed(std::string_view("\0\0\xff\xff", 4), out, limit);
    if (reset_each_) z_.reset();
    return r;
  }

 private:
  std::unique_ptr<fastapi::detail::Inflater> z_;
  int bits_;
  bool reset_each_;
};

}  // namespace detail

#endif  // FASTAPI_ENABLE_GZIP

}  // namespace fastapi::ws
