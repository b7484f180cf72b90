// websocket/frame_parser.hpp: the incremental frame parser (RFC 6455 section 5). Fed the bytes read from the
// socket after the 101, in pieces of any size (one byte at a time works); gives whole messages (fragments
// joined), pings, pongs, a close, or an error carrying the close code to send. Feeds, later, the WebSocket
// endpoint. Knows nothing of sockets or HTTP.
//
// Rules, each failing the connection with the code in brackets:
// - RSV2 or RSV3 set [1002]; RSV1 set without permessage-deflate negotiated, or on a control frame, or on a
//   continuation (RFC 7692 section 6: only the first frame of a message says it is compressed) [1002]
// - a compressed message whose payload is not deflate data [1002, as websockets (uvicorn's library) closes]
// - a reserved opcode (3-7, 11-15) [1002]
// - an unmasked frame when masking is required (from a client: the server's default) [1002]; a masked one
//   when it is forbidden (from a server, for a client) [1002]
// - a length not in its shortest form [1002]: section 5.2 says the minimal number of bytes MUST be used. The
//   RFC does not tell the receiver what to do; Autobahn has no case for it; we take the MUST at its word.
// - a 64-bit length with the high bit set [1002]
// - a control frame longer than 125 bytes, or fragmented (FIN clear) [1002]
// - a continuation with no message started, or a text/binary frame while one is unfinished [1002]
// - a message longer than `max_message` bytes [1009]: checked from each frame header before its payload is
//   read, so a frame claiming 64 MiB under a 16 MiB limit fails at once and nothing is buffered past the limit;
//   a compressed message is also checked as it inflates: a deflate bomb stops at `max_message` + 1 bytes
// - text that is not UTF-8 [1007]: checked as bytes arrive (fail fast, as Autobahn 6.4 expects), across
//   fragments; a message that ends inside a code point fails at its last frame
// - a close payload of 1 byte, or with a code that is not valid (is_valid_close_code) [1002]; a close reason
//   that is not UTF-8 [1007]
// After an error or a close the parser takes no more bytes.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fastapi/core/utf8.hpp"
#include "fastapi/websocket/deflate.hpp"
#include "fastapi/websocket/frame.hpp"

namespace fastapi::ws {

struct ParserOptions {
  std::size_t max_message = 16 * 1024 * 1024;  ///< bytes of one message (uvicorn's default, 16 MiB)
  bool require_mask = true;                    ///< true: a server reading a client; false: a client reading a server
};

/// What one call of FrameParser::feed produced.
struct Event {
  enum class Kind : std::uint8_t { none, text, binary, ping, pong, close, error };
  Kind kind = Kind::none;
  /// text/binary: the whole message; ping/pong: the payload; close: the reason; error: the reason in words.
  /// Valid until the next feed.
  std::string_view data{};
  /// close: the peer's code (1005 when its frame had none); error: the code to close with (1002, 1007, 1009).
  std::uint16_t code = 0;
};

class FrameParser {
 public:
  explicit FrameParser(ParserOptions options = {}) : options_(options) {}

  struct Result {
    std::size_t consumed = 0;  ///< bytes of the input taken; feed the rest again
    Event event{};             ///< Kind::none when the input ran out before an event was complete
  };

  /// Reads bytes until one event is complete or the input runs out. Loop:
  /// `while (!in.empty()) { auto r = p.feed(in); in.remove_prefix(r.consumed); if (r.event.kind != none) ... }`
  Result feed(std::string_view in) {
    Result r;
    if (state_ == State::done) return r;
    if (state_ == State::message_ready) reset_message();
    while (r.consumed < in.size() || (state_ == State::payload && remaining_ == 0)) {
      if (state_ == State::header) {
        // the header is at most 14 bytes: gather it, then decode it once complete
        while (header_fill_ < header_need_ && r.consumed < in.size()) header_[header_fill_++] = in[r.consumed++];
        if (header_fill_ < header_need_) break;
        if (!decode_header(r.event)) return r;
        if (state_ != State::payload) continue;  // more header bytes needed
      }
      // state_ == payload
      if (compressed_ && !is_control(opcode_)) {
        if (!inflate_payload(in, r)) return r;
        if (remaining_ > 0) break;
        if (frame_done(r.event)) return r;
        continue;
      }
      std::string& target = is_control(opcode_) ? control_ : message_;
      const std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(in.size() - r.consumed)));
      if (take > 0) {
        const std::size_t start = target.size();
        target.append(in.data() + r.consumed, take);
        if (masked_) mask_offset_ = apply_mask(target.data() + start, take, mask_, mask_offset_);
        r.consumed += take;
        remaining_ -= take;
        if (!is_control(opcode_) && message_opcode_ == Opcode::text &&
            !utf8_.feed(std::string_view(target.data() + start, take)))
          return fail(r, close_code::invalid_payload, "a text message is not valid UTF-8");
      }
      if (remaining_ > 0) break;
      if (frame_done(r.event)) return r;
    }
    return r;
  }

  /// Moves the text/binary message just given out of the parser (its Event::data is then empty): the caller
  /// owns it, and the parser holds no buffer for it while it waits for the next one.
  std::string take_message() {
    std::string out;
    if (state_ == State::message_ready) out.swap(message_);
    return out;
  }

  /// True once a close or an error was given: the parser takes no more bytes.
  bool done() const { return state_ == State::done; }

#ifdef FASTAPI_ENABLE_GZIP
  /// permessage-deflate was negotiated: a data message whose first frame has RSV1 is inflated.
  void enable_deflate(const DeflateParams& params) { inflater_ = std::make_unique<detail::MessageInflater>(params); }
#endif

 private:
  enum class State : std::uint8_t { header, payload, message_ready, done };

  Result& fail(Result& r, std::uint16_t code, std::string_view why) {
    state_ = State::done;
    r.event = Event{Event::Kind::error, why, code};
    return r;
  }

  // Decodes header_[0..header_fill_); asks for more bytes (header_need_) until the length and mask are in.
  // False with `ev` set on a protocol error.
  bool decode_header(Event& ev) {
    const auto b0 = static_cast<std::uint8_t>(header_[0]);
    const auto b1 = static_cast<std::uint8_t>(header_[1]);
    const unsigned len7 = b1 & 0x7F;
    const bool masked = (b1 & 0x80) != 0;
    const std::size_t need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
    if (header_fill_ == 2) {  // first look: the checks the first two bytes allow
      if (b0 & 0x30) return error(ev, close_code::protocol_error, "a reserved bit (RSV2 or RSV3) is set");
      const unsigned op = b0 & 0x0F;
      if (!(op <= 2 || (op >= 8 && op <= 10))) return error(ev, close_code::protocol_error, "a reserved opcode");
      frame_rsv1_ = (b0 & 0x40) != 0;
      if (frame_rsv1_) {
        if (!deflate_enabled()) return error(ev, close_code::protocol_error, "RSV1 is set and no extension is in use");
        if (op != 1 && op != 2) return error(ev, close_code::protocol_error, "RSV1 on a control or continuation frame");
      }
      if (masked != options_.require_mask)
        return error(ev, close_code::protocol_error,
                     masked ? "a masked frame from a server" : "an unmasked frame from a client");
      fin_ = (b0 & 0x80) != 0;
      opcode_ = static_cast<Opcode>(op);
      if (is_control(opcode_)) {
        if (!fin_) return error(ev, close_code::protocol_error, "a fragmented control frame");
        if (len7 > max_control_payload) return error(ev, close_code::protocol_error, "a control frame over 125 bytes");
      } else if (opcode_ == Opcode::continuation) {
        if (!in_message_) return error(ev, close_code::protocol_error, "a continuation frame with no message started");
      } else if (in_message_) {
        return error(ev, close_code::protocol_error, "a new message before the previous one was finished");
      }
      header_need_ = need;
      if (need > 2) return true;  // state stays header: gather the rest
    }
    std::uint64_t len = len7;
    std::size_t at = 2;
    if (len7 == 126) {
      len = std::uint64_t{static_cast<std::uint8_t>(header_[2])} << 8 | static_cast<std::uint8_t>(header_[3]);
      at = 4;
      if (len < 126) return error(ev, close_code::protocol_error, "a length not in its shortest form");
    } else if (len7 == 127) {
      len = 0;
      for (std::size_t i = 2; i < 10; ++i) len = len << 8 | static_cast<std::uint8_t>(header_[i]);
      at = 10;
      if (len >> 63) return error(ev, close_code::protocol_error, "a 64-bit length with its high bit set");
      if (len <= 0xFFFF) return error(ev, close_code::protocol_error, "a length not in its shortest form");
    }
    masked_ = masked;
    if (masked)
      for (std::size_t i = 0; i < 4; ++i) mask_[i] = static_cast<std::uint8_t>(header_[at + i]);
    mask_offset_ = 0;
    if (is_control(opcode_)) {
      control_.clear();
    } else {
      if (opcode_ != Opcode::continuation) wire_size_ = 0;
      // the bytes on the wire are bounded too (compressed ones as well: empty deflate blocks inflate to nothing)
      if (len > options_.max_message - wire_size_)
        return error(ev, close_code::message_too_big, "a message over the size limit");
      wire_size_ += static_cast<std::size_t>(len);
      if (opcode_ != Opcode::continuation) {
        in_message_ = true;
        message_opcode_ = opcode_;
        compressed_ = frame_rsv1_;
        utf8_.reset();
        // a small whole message is reserved at once; a large one grows as its bytes arrive, so a header alone
        // (no payload sent) never makes the parser allocate much
        if (fin_ && len <= 64 * 1024 && !compressed_) message_.reserve(static_cast<std::size_t>(len));
      }
    }
    remaining_ = len;
    state_ = State::payload;
    return true;
  }

  bool error(Event& ev, std::uint16_t code, std::string_view why) {
    state_ = State::done;
    ev = Event{Event::Kind::error, why, code};
    return false;
  }

  // The payload of the current frame is all in; true when that made an event (or an error).
  bool frame_done(Event& ev) {
    state_ = State::header;
    header_fill_ = 0;
    header_need_ = 2;
    switch (opcode_) {
      case Opcode::ping: ev = Event{Event::Kind::ping, control_, 0}; return true;
      case Opcode::pong: ev = Event{Event::Kind::pong, control_, 0}; return true;
      case Opcode::close: return close_event(ev);
      default: break;
    }
    if (!fin_) return false;
    if (compressed_ && !inflate_end(ev)) return true;
    if (message_opcode_ == Opcode::text && !utf8_.complete())
      return error(ev, close_code::invalid_payload, "a text message ends inside a UTF-8 sequence"), true;
    ev = Event{message_opcode_ == Opcode::text ? Event::Kind::text : Event::Kind::binary, message_, 0};
    state_ = State::message_ready;  // the message stays readable until the next feed
    return true;
  }

  bool close_event(Event& ev) {
    state_ = State::done;
    if (control_.empty()) {
      ev = Event{Event::Kind::close, {}, close_code::no_status};
      return true;
    }
    if (control_.size() == 1) return error(ev, close_code::protocol_error, "a close payload of one byte"), true;
    const auto code = static_cast<std::uint16_t>(static_cast<std::uint8_t>(control_[0]) << 8 |
                                                 static_cast<std::uint8_t>(control_[1]));
    if (!is_valid_close_code(code))
      return error(ev, close_code::protocol_error, "a close code that is not valid"), true;
    const std::string_view reason = std::string_view(control_).substr(2);
    if (!fastapi::detail::is_valid_utf8(reason))
      return error(ev, close_code::invalid_payload, "a close reason that is not valid UTF-8"), true;
    ev = Event{Event::Kind::close, reason, code};
    return true;
  }

  void reset_message() {
    message_.clear();
    in_message_ = false;
    compressed_ = false;
    state_ = State::header;
  }

  bool deflate_enabled() const {
#ifdef FASTAPI_ENABLE_GZIP
    return inflater_ != nullptr;
#else
    return false;
#endif
  }

  // Inflates what `in` holds of the current compressed frame's payload (unmasked in small pieces on the
  // stack), checking the inflated size and the UTF-8 of text as it grows. False with `r` failed.
  bool inflate_payload(std::string_view in, Result& r) {
#ifdef FASTAPI_ENABLE_GZIP
    std::array<char, 4096> piece;
    while (remaining_ > 0 && r.consumed < in.size()) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(
          std::min<std::uint64_t>(remaining_, piece.size()), static_cast<std::uint64_t>(in.size() - r.consumed)));
      std::copy_n(in.data() + r.consumed, take, piece.data());
      if (masked_) mask_offset_ = apply_mask(piece.data(), take, mask_, mask_offset_);
      r.consumed += take;
      remaining_ -= take;
      const std::size_t start = message_.size();
      if (!inflated(inflater_->feed(std::string_view(piece.data(), take), message_, options_.max_message), start,
                    r.event))
        return false;
    }
    return true;
#else
    (void)in;
    return !error(r.event, close_code::protocol_error, "permessage-deflate is not supported");
#endif
  }

  // The compressed message's last frame is in: the flush block the sender removed goes back in.
  bool inflate_end(Event& ev) {
#ifdef FASTAPI_ENABLE_GZIP
    const std::size_t start = message_.size();
    return inflated(inflater_->finish(message_, options_.max_message), start, ev);
#else
    return !error(ev, close_code::protocol_error, "permessage-deflate is not supported");
#endif
  }

#ifdef FASTAPI_ENABLE_GZIP
  bool inflated(detail::MessageInflater::Result result, std::size_t start, Event& ev) {
    using R = detail::MessageInflater::Result;
    if (result == R::too_big) return error(ev, close_code::message_too_big, "a message over the size limit");
    if (result == R::error) return error(ev, close_code::protocol_error, "a compressed message is not deflate data");
    if (message_opcode_ == Opcode::text && !utf8_.feed(std::string_view(message_).substr(start)))
      return error(ev, close_code::invalid_payload, "a text message is not valid UTF-8");
    return true;
  }
#endif

  ParserOptions options_;
  State state_ = State::header;
  std::array<char, 14> header_{};
  std::size_t header_fill_ = 0;
  std::size_t header_need_ = 2;
  bool fin_ = false;
  bool masked_ = false;
  bool in_message_ = false;
  bool frame_rsv1_ = false;    // the frame being decoded has RSV1 (allowed only with permessage-deflate)
  bool compressed_ = false;    // the message being assembled is compressed (its first frame had RSV1)
  std::size_t wire_size_ = 0;  // payload bytes of the message so far, as sent
  Opcode opcode_ = Opcode::continuation;
  Opcode message_opcode_ = Opcode::binary;
  std::array<std::uint8_t, 4> mask_{};
  std::size_t mask_offset_ = 0;
  std::uint64_t remaining_ = 0;
  std::string message_;  // the data message being assembled (never past max_message)
  std::string control_;  // the control frame being read (at most 125 bytes)
  fastapi::detail::Utf8Validator utf8_;
#ifdef FASTAPI_ENABLE_GZIP
  std::unique_ptr<detail::MessageInflater> inflater_;  // set once permessage-deflate is negotiated
#endif
};

}  // namespace fastapi::ws
