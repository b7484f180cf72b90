// websocket/frame.hpp: the WebSocket frame vocabulary (RFC 6455 section 5): opcodes, close codes, masking, and
// the frame writer (server frames unmasked; client frames masked with a given key, for a client or a test).
// Fed by nothing but bytes; feeds websocket/frame_parser.hpp and, later, the WebSocket endpoint. Knows nothing
// of sockets, HTTP or the app: the station folder websocket/ comes after http/ (the handshake reads a Request).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace fastapi::ws {

/// The frame opcodes RFC 6455 defines; 3-7 and 11-15 are reserved (a frame with one fails with 1002).
enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

constexpr bool is_control(Opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

/// The close codes this layer sends (RFC 6455 section 7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  ///< never sent: "the close frame had no code"
inline constexpr std::uint16_t abnormal = 1006;   ///< never sent: "the connection dropped without a close"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t try_again_later = 1013;
}  // namespace close_code

/// True for a code a peer may put in a close frame (RFC 6455 section 7.4, the IANA registry): 1000-1003,
/// 1007-1014, and 3000-4999 (registered and private). 1004 (reserved), 1005, 1006, 1015 (never on the wire),
/// anything below 1000, the unassigned 1016-2999 and everything from 5000 are not.
constexpr bool is_valid_close_code(std::uint32_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/// The largest payload of a control frame (close, ping, pong), section 5.5.
inline constexpr std::size_t max_control_payload = 125;

/// XORs `n` bytes at `p` with the 4-byte `key`, starting at key byte `offset % 4`, 8 bytes at a time.
/// Returns the key offset after them (what to pass for the next piece of the same frame).
inline std::size_t apply_mask(char* p, std::size_t n, const std::array<std::uint8_t, 4>& key, std::size_t offset) {
  offset &= 3;
  std::array<std::uint8_t, 8> rotated{};
  for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) & 3];
  std::uint64_t wide;
  std::memcpy(&wide, rotated.data(), 8);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    w ^= wide;
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) p[i] = static_cast<char>(static_cast<std::uint8_t>(p[i]) ^ rotated[i & 7]);
  return (offset + n) & 3;
}

/// Appends one frame to `out`. `mask` set: the frame is masked with it (a client's frame); unset: unmasked (a
/// server's). The length takes the shortest form (7, 16 or 64 bits), as section 5.2 requires. `rsv` holds the
/// RSV1-3 bits in its low 3 bits (RSV1 = 4), for an extension; 0 otherwise.
inline void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin = true,
                         std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt, std::uint8_t rsv = 0) {
  const std::uint64_t n = payload.size();
  out += static_cast<char>((fin ? 0x80 : 0) | ((rsv & 7) << 4) | static_cast<std::uint8_t>(op));
  const std::uint8_t mask_bit = mask ? 0x80 : 0;
  if (n <= 125) {
    out += static_cast<char>(mask_bit | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((n >> s) & 0xFF);
  }
  if (mask) out.append(reinterpret_cast<const char*>(mask->data()), 4);
  const std::size_t start = out.size();
  out.append(payload);
  if (mask) apply_mask(out.data() + start, payload.size(), *mask, 0);
}

/// One frame as a string (see append_frame).
inline std::string encode_frame(Opcode op, std::string_view payload, bool fin = true,
                                std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt) {
  std::string out;
  out.reserve(payload.size() + 14);
  append_frame(out, op, payload, fin, mask);
  return out;
}

/// A whole text or binary message, cut into frames of at most `fragment` payload bytes (0 = one frame): the
/// first frame carries `op`, the rest are continuations, the last has FIN. An empty message is one empty frame.
/// Every frame is masked with `mask` when it is set.
inline std::string encode_message(Opcode op, std::string_view payload, std::size_t fragment = 0,
                                  std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt) {
  if (fragment == 0 || payload.size() <= fragment) return encode_frame(op, payload, true, mask);
  std::string out;
  out.reserve(payload.size() + (payload.size() / fragment + 1) * 14);
  for (std::size_t at = 0; at < payload.size(); at += fragment) {
    const std::string_view piece = payload.substr(at, fragment);
    append_frame(out, at == 0 ? op : Opcode::continuation, piece, at + fragment >= payload.size(), mask);
  }
  return out;
}

/// The payload of a close frame: the code (big-endian) then the reason. The reason is cut to fit the
/// 125-byte control-frame limit (at a UTF-8 boundary). Code 1005 means "no code": an empty payload.
inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  if (code == close_code::no_status) return {};
  if (reason.size() > max_control_payload - 2) {
    std::size_t n = max_control_payload - 2;
    while (n > 0 && (static_cast<std::uint8_t>(reason[n]) & 0xC0) == 0x80) --n;  // not inside a code point
    reason = reason.substr(0, n);
  }
  std::string out;
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xFF);
  out.append(reason);
  return out;
}

/// A close frame (see close_payload).
inline std::string encode_close(std::uint16_t code, std::string_view reason = {},
                                std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt) {
  return encode_frame(Opcode::close, close_payload(code, reason), true, mask);
}

}  // namespace fastapi::ws
