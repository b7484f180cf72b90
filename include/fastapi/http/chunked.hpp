// http/chunked.hpp: a `Transfer-Encoding: chunked` body -> its bytes (RFC 9112 section 7.1), fed incrementally.
// Fed by the connection's read buffer after a request head, and by the client after a response head; feeds
// Request::body (or the client's response body). Knows nothing of sockets, heads, routes or JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/url.hpp"

namespace fastapi {

/// Decoder of a `Transfer-Encoding: chunked` body (RFC 9112 section 7.1), fed incrementally.
/// ```
/// ChunkedDecoder dec{max_body};  std::size_t used;
/// auto r = dec.feed(bytes, body, used);   // keep bytes.substr(used) for the next request
/// ```
/// Chunk extensions are checked and skipped (at most 4 KiB per chunk line, 16 KiB per body), trailer fields are
/// checked like header fields and dropped. Malformed framing -> 400, a decoded body over `max_body`
/// -> 413 (from the chunk size, before its data arrives), trailers over `max_trailer_bytes` -> 431.
class ChunkedDecoder {
 public:
  enum class Result { incomplete, complete, error };
  explicit ChunkedDecoder(std::size_t max_body, std::size_t max_trailer_bytes = FASTAPI_MAX_HEADER_BYTES)
      : max_body_(max_body), max_trailer_(max_trailer_bytes) {}
  /// Consumes from `in` (sets `consumed`: all of it unless complete or error), appends data to `out`.
  Result feed(std::string_view in, std::string& out, std::size_t& consumed);
  const ParseError& error() const { return error_; }
  void reset();

  /// Longest run of chunk extensions on one chunk-size line.
  static constexpr std::size_t max_extension_bytes = 4096;
  /// Most chunk-extension bytes in one whole body (Node's limit since CVE-2024-22019): many small chunks,
  /// each with its 4 KiB of extensions, cannot make a peer read without end what nobody uses.
  static constexpr std::size_t max_extension_total = 16384;
  /// Most hex digits of a chunk size (only leading zeros can make it long without overflowing).
  static constexpr std::size_t max_size_digits = 32;

 private:
  enum class State : std::uint8_t {
    size,
    ext_bws,
    ext_name_start,
    ext_name,
    ext_after_name,
    ext_value_start,
    ext_token,
    ext_quoted,
    ext_escape,
    ext_after_quoted,
    size_lf,
    data,
    data_cr,
    data_lf,
    trailer_start,
    trailer_name,
    trailer_value,
    trailer_lf,
    final_lf,
    done,
    failed
  };
  Result fail(int status, std::string_view reason);
  bool step(char c);  // one byte outside chunk data; false -> failed

  std::size_t max_body_;
  std::size_t max_trailer_;
  std::size_t total_ = 0;  // decoded bytes announced so far
  std::size_t chunk_ = 0;  // size being read, then bytes of data still expected
  std::size_t digits_ = 0;
  std::size_t ext_bytes_ = 0;
  std::size_t ext_total_ = 0;
  std::size_t trailer_bytes_ = 0;
  State state_ = State::size;
  ParseError error_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void ChunkedDecoder::reset() { *this = ChunkedDecoder(max_body_, max_trailer_); }

FASTAPI_DETAIL_INLINE ChunkedDecoder::Result ChunkedDecoder::fail(int status, std::string_view reason) {
  error_ = {status, reason};
  state_ = State::failed;
  return Result::error;
}

FASTAPI_DETAIL_INLINE ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view in, std::string& out,
                                                                  std::size_t& consumed) {
  consumed = 0;
  if (state_ == State::done) return Result::complete;
  if (state_ == State::failed) return Result::error;
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
    if (state_ == State::data) {
      std::size_t n = std::min(chunk_, static_cast<std::size_t>(end - p));
      out.append(p, n);
      p += n;
      chunk_ -= n;
      if (chunk_ == 0) state_ = State::data_cr;
      continue;
    }
    bool ok = step(*p++);
    if (!ok || state_ == State::done) {
      consumed = static_cast<std::size_t>(p - in.data());
      return ok ? Result::complete : Result::error;
    }
  }
  consumed = in.size();
  return Result::incomplete;
}

// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )   (RFC 9112 section 7.1.1)
FASTAPI_DETAIL_INLINE bool ChunkedDecoder::step(char c) {
  auto bad = [&](std::string_view reason) { return fail(400, reason), false; };
  auto ext_byte = [&](State next) {
    if (++ext_bytes_ > max_extension_bytes || ++ext_total_ > max_extension_total)
      return bad("Chunk extensions too long.");
    state_ = next;
    return true;
  };
  auto line_end = [&]() {
    state_ = State::size_lf;
    return true;
  };
  switch (state_) {
    case State::size: {
      int h = detail::hex_value(c);
      if (h >= 0) {
        if (++digits_ > max_size_digits || chunk_ > (std::numeric_limits<std::size_t>::max() >> 4))
          return bad("Chunk size too large.");
        chunk_ = (chunk_ << 4) | static_cast<std::size_t>(h);
        return true;
      }
      if (digits_ == 0) return bad("Invalid chunk size.");
      if (chunk_ > max_body_ - total_) return fail(413, "Content Too Large."), false;
      total_ += chunk_;
      if (c == '\r') return line_end();
      if (c == ';') return ext_byte(State::ext_name_start);
      if (detail::is_ows(c)) return ext_byte(State::ext_bws);
      return bad("Invalid chunk size.");
    }
    case State::ext_bws:  // BWS before ";"
      if (detail::is_ows(c)) return ext_byte(State::ext_bws);
      if (c == ';') return ext_byte(State::ext_name_start);
      return bad("Invalid chunk extension.");
    case State::ext_name_start:
      if (detail::is_ows(c)) return ext_byte(State::ext_name_start);
      if (detail::is_tchar(c)) return ext_byte(State::ext_name);
      return bad("Invalid chunk extension.");
    case State::ext_name:
      if (detail::is_tchar(c)) return ext_byte(State::ext_name);
      if (c == '\r') return line_end();
      if (c == ';') return ext_byte(State::ext_name_start);
      if (c == '=') return ext_byte(State::ext_value_start);
      if (detail::is_ows(c)) return ext_byte(State::ext_after_name);
      return bad("Invalid chunk extension.");
    case State::ext_after_name:  // BWS before "=" or ";"
      if (detail::is_ows(c)) return ext_byte(State::ext_after_name);
      if (c == '=') return ext_byte(State::ext_value_start);
      if (c == ';') return ext_byte(State::ext_name_start);
      return bad("Invalid chunk extension.");
    case State::ext_value_start:
      if (detail::is_ows(c)) return ext_byte(State::ext_value_start);
      if (c == '"') return ext_byte(State::ext_quoted);
      if (detail::is_tchar(c)) return ext_byte(State::ext_token);
      return bad("Invalid chunk extension.");
    case State::ext_token:
      if (detail::is_tchar(c)) return ext_byte(State::ext_token);
      if (c == '\r') return line_end();
      if (c == ';') return ext_byte(State::ext_name_start);
      if (detail::is_ows(c)) return ext_byte(State::ext_bws);
      return bad("Invalid chunk extension.");
    case State::ext_quoted:
      if (c == '"') return ext_byte(State::ext_after_quoted);
      if (c == '\\') return ext_byte(State::ext_escape);
      if (detail::has_class(c, detail::char_qdtext)) return ext_byte(State::ext_quoted);
      return bad("Invalid quoted string in a chunk extension.");
    case State::ext_escape:  // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
      if (c != '\x7F' && detail::has_class(c, detail::char_value)) return ext_byte(State::ext_quoted);
      return bad("Invalid quoted string in a chunk extension.");
    case State::ext_after_quoted:
      if (c == '\r') return line_end();
      if (c == ';') return ext_byte(State::ext_name_start);
      if (detail::is_ows(c)) return ext_byte(State::ext_bws);
      return bad("Invalid chunk extension.");
    case State::size_lf:
      if (c != '\n') return bad("Chunk size line must end with CRLF.");
      state_ = chunk_ == 0 ? State::trailer_start : State::data;
      return true;
    case State::data_cr:
      if (c != '\r') return bad("Chunk data must be followed by CRLF.");
      state_ = State::data_lf;
      return true;
    case State::data_lf:
      if (c != '\n') return bad("Chunk data must be followed by CRLF.");
      state_ = State::size;
      chunk_ = digits_ = ext_bytes_ = 0;
      return true;
    default: break;
  }
  // Trailer section: field lines like headers, then CRLF (RFC 9112 section 7.1.2); read and dropped.
  if (++trailer_bytes_ > max_trailer_) return fail(431, "Trailer fields too large."), false;
  switch (state_) {
    case State::trailer_start:
      if (c == '\r') state_ = State::final_lf;
      else if (detail::is_tchar(c)) state_ = State::trailer_name;
      else return bad("Invalid trailer field.");
      return true;
    case State::trailer_name:
      if (c == ':') state_ = State::trailer_value;
      else if (!detail::is_tchar(c)) return bad("Invalid trailer field name.");
      return true;
    case State::trailer_value:
      if (c == '\r') state_ = State::trailer_lf;
      else if (!detail::has_class(c, detail::char_value)) return bad("Invalid trailer field value.");
      return true;
    case State::trailer_lf:
      if (c != '\n') return bad("Trailer field must end with CRLF.");
      state_ = State::trailer_start;
      return true;
    case State::final_lf:
      if (c != '\n') return bad("Chunked body must end with CRLF.");
      state_ = State::done;
      return true;
    default: return false;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
