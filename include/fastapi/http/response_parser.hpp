// http/response_parser.hpp: bytes -> ResponseHead views (status line, fields, body framing), for the HTTP
// client, with the request parser's field-line rules. Fed by the client's read buffer; feeds client/client.hpp,
// which reads the body as the framing says. Knows nothing of sockets, of the server side, routes or JSON.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/headers.hpp"

namespace fastapi {

/// How a response's body is delimited (RFC 9112 section 6.3).
enum class BodyFraming { none, content_length, chunked, until_close };

/// The head of one response: views into the bytes given to ResponseParser::parse_head.
struct ResponseHead {
  int status = 0;           ///< 100..599
  int version_minor = 1;    ///< 1 for HTTP/1.1, 0 for HTTP/1.0
  std::string_view reason;  ///< the reason phrase, possibly empty (a client ignores it)
  HeaderViews headers;      ///< in order, duplicates kept
  BodyFraming framing = BodyFraming::none;
  std::size_t content_length = 0;  ///< with BodyFraming::content_length
  bool keep_alive = true;          ///< the connection may carry another request after this response

  void reset() { *this = ResponseHead{}; }
};

/// Incremental parser of one response head (status line and header fields) for the HTTP client, with
/// the request parser's field-line code, so both directions obey one set of rules (no obs-fold, no
/// whitespace before the colon, CRLF only, the same limits), and framing decided as RFC 9112 section 6.3
/// says, never guessed:
/// - no body for a response to HEAD, for 1xx, 204 and 304, whatever the fields say;
/// - Transfer-Encoding: exactly `chunked` -> chunked; with Content-Length too, another coding, or on
///   HTTP/1.0 -> error (a sign of response smuggling; we decode no other coding);
/// - Content-Length (identical repeats allowed) -> that many bytes; malformed or conflicting -> error;
/// - neither -> the body ends when the server closes (and the connection is not reused).
/// ```
/// ResponseParser p;  ResponseHead head;
/// if (p.parse_head(buffer, head, /*head_request=*/false) == ResponseParser::Result::complete)
///   body starts at p.head_size(), framed by head.framing;
/// ```
/// Errors have status 502 (the upstream's answer is unusable) and a reason for the client's message.
class ResponseParser {
 public:
  enum class Result { incomplete, complete, error };
  explicit ResponseParser(HeadLimits limits = {}) : limits_(limits) {}
  /// `data`: every byte received so far for this response, from its first byte (the buffer may move).
  /// `head_request`: the request was HEAD, so the response has no body.
  Result parse_head(std::string_view data, ResponseHead& head, bool head_request = false);
  /// Bytes of the head, final CRLFCRLF included; the body follows.
  std::size_t head_size() const { return head_size_; }
  const ParseError& error() const { return error_; }
  /// Forget the previous response (the next one on the connection, or after a 1xx interim response).
  void reset() { *this = ResponseParser(limits_); }

 private:
  Result fail(std::string_view reason);
  Result parse_whole(std::string_view head_bytes, ResponseHead& head, bool head_request);

  HeadLimits limits_;
  ParseError error_;
  std::size_t scan_ = 0;        // bytes already searched for LF
  std::size_t line_start_ = 0;  // offset of the line being received
  std::size_t head_size_ = 0;
  bool done_ = false;
  bool failed_ = false;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::fail(std::string_view reason) {
  error_ = {502, reason};
  failed_ = true;
  return Result::error;
}

FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::parse_head(std::string_view data, ResponseHead& head,
                                                                        bool head_request) {
  if (failed_) return Result::error;
  if (done_) return Result::complete;
  const char* s = data.data();
  while (scan_ < data.size()) {
    const void* hit = std::memchr(s + scan_, '\n', data.size() - scan_);
    std::size_t lf = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s) : data.size();
    // The limits fire on the shortest prefix certain to exceed them, whole lines or not.
    if (detail::find_bare_cr(s, scan_, lf, data.size()) != data.size()) return fail("Line ends must be CRLF.");
    if (line_start_ == 0 && lf > limits_.max_request_line + 1) return fail("The status line is too long.");
    if (lf > limits_.max_header_bytes + 1) return fail("The response head is too large.");
    if (!hit) {
      scan_ = data.size();
      break;
    }
    scan_ = lf + 1;
    if (lf == line_start_ || s[lf - 1] != '\r') return fail("Line ends must be CRLF.");
    if (lf - 1 == line_start_) {  // the empty line: the head is whole
      if (line_start_ == 0) return fail("Empty status line.");
      head_size_ = scan_;
      if (parse_whole(data.substr(0, scan_), head, head_request) == Result::error) return Result::error;
      done_ = true;
      return Result::complete;
    }
    line_start_ = scan_;
  }
  return Result::incomplete;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ]   (RFC 9112 section 4)
FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::parse_whole(std::string_view bytes, ResponseHead& head,
                                                                         bool head_request) {
  head.reset();
  const char* s = bytes.data();
  const char* end = s + bytes.size();
  const char* line_end = static_cast<const char*>(std::memchr(s, '\n', bytes.size())) - 1;  // at its CR
  std::string_view line(s, static_cast<std::size_t>(line_end - s));
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !digit(line[5]) || line[6] != '.' || !digit(line[7]) ||
      line[8] != ' ' || !digit(line[9]) || !digit(line[10]) || !digit(line[11]) ||
      (line.size() > 12 && line[12] != ' '))
    return fail("Malformed status line.");
  if (line[5] != '1') return fail("Unsupported HTTP version (only HTTP/1.x).");
  head.version_minor = line[7] == '0' ? 0 : 1;  // a higher 1.x minor is read as 1.1 (RFC 9110 section 6.2)
  head.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (head.status < 100 || head.status > 599) return fail("Status code out of range.");
  if (line.size() > 12) {
    head.reason = line.substr(13);
    for (char c : head.reason)
      if (!detail::has_class(c, detail::char_value)) return fail("Invalid character in the reason phrase.");
  }
  const char* p = line_end + 2;
  detail::FramingFields f;
  ParseError why;
  detail::FieldLines r =
      detail::parse_field_lines(p, end, s, limits_, why, [&](std::string_view n, std::string_view v) {
        head.headers.add(n, v);
        f.add_if_framing(n, v);
      });
  if (r == detail::FieldLines::too_many) return fail("Too many header fields in the response.");
  if (r == detail::FieldLines::too_large) return fail("The response head is too large.");
  if (r != detail::FieldLines::done)
    return fail(r == detail::FieldLines::error ? why.reason : "Malformed response head.");
  head.keep_alive = head.version_minor == 1 ? !f.conn_close : (f.conn_keep_alive && !f.conn_close);
  // RFC 9112 section 6.3, in its order.
  if (head_request || head.status < 200 || head.status == 204 || head.status == 304) {
    head.framing = BodyFraming::none;
    return Result::complete;
  }
  if (f.transfer_encoding) {
    if (head.version_minor == 0) return fail("Transfer-Encoding in an HTTP/1.0 response.");
    if (f.content_length) return fail("Both Transfer-Encoding and Content-Length in the response.");
    if (f.te_empty) return fail("Transfer-Encoding has an empty list element in the response.");
    if (f.te_malformed || f.te_unknown || f.te_chunked != 1)
      return fail("Unsupported Transfer-Encoding in the response (only chunked is decoded).");
    head.framing = BodyFraming::chunked;
    return Result::complete;
  }
  if (f.content_length_bad) return fail("Invalid or conflicting Content-Length in the response.");
  if (f.content_length) {
    head.framing = BodyFraming::content_length;
    head.content_length = *f.content_length;
    return Result::complete;
  }
  head.framing = BodyFraming::until_close;
  head.keep_alive = false;
  return Result::complete;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
