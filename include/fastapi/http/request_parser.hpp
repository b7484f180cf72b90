// http/request_parser.hpp: bytes -> Request views (incremental, strict RFC 9112).
// Fed by the connection's read buffer; feeds the middleware chain. Knows nothing of sockets, routes or JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/url.hpp"

namespace fastapi {

/// Incremental parser of one request head (request line and header fields), RFC 9112 to the letter.
/// ```
/// RequestParser p;  Request req;  req.arena = &arena;
/// if (p.parse_head(buffer, req) == RequestParser::Result::complete) body starts at p.head_size();
/// ```
/// Every rejection is Result::error with error() saying the status (400, 414, 417, 431, 501, 505);
/// the connection answers it and closes. Choices worth knowing:
/// - Bare LF is refused (400): a LF not preceded by CR, or a CR not followed by LF, anywhere in the
///   head, as soon as the byte after the CR is here (no waiting for the header timeout). RFC 9112 section 2.2 lets a recipient accept a bare LF as a line terminator; we do not,
///   because two hops that split lines differently are the root of request smuggling.
/// - Up to 4 empty lines before the request line are skipped (RFC 9112 section 2.2); more -> 400.
/// - obs-fold (a field line starting with SP/HTAB) -> 400 (RFC 9112 section 5.2); whitespace between
///   field name and colon -> 400 (section 5.1).
/// - Content-Length + Transfer-Encoding, differing Content-Lengths, Transfer-Encoding whose last
///   coding is not `chunked`, `chunked` twice, an empty list element (`, chunked`, `chunked, `),
///   Transfer-Encoding on HTTP/1.0 -> 400 (section 6);
///   other codings (gzip, ...) before `chunked` -> 501; codings with parameters -> 400.
/// - CONNECT must carry authority-form (`host:port`), `*` only with OPTIONS; a fragment -> 400.
/// A head that arrives whole is parsed in one pass, eight bytes at a time where it can; a head that
/// arrives in pieces is scanned for line ends once and parsed when whole, and the answer (status
/// included) is the same however the bytes were split.
/// `req.arena` must point to the connection's arena (decoded path and query live there); without it
/// the request is refused with 500.
class RequestParser {
 public:
  enum class Result { incomplete, complete, error };
  explicit RequestParser(HeadLimits limits = {}) : limits_(limits) {}
  /// `data`: every byte received so far for this request, from its first byte (the buffer may move).
  Result parse_head(std::string_view data, Request& req);
  /// Bytes of the head, final CRLFCRLF (and skipped leading empty lines) included; the body follows.
  std::size_t head_size() const { return head_size_; }
  const ParseError& error() const { return error_; }
  /// Forget the previous request (call before the next one on the same connection).
  void reset();

 private:
  Result fail(int status, std::string_view reason);
  Result check_limits(const char* s, std::size_t end);
  ParseError check_request_line(const char* s, std::size_t begin, std::size_t end);  // status 0: fine
  Result parse_lines(std::string_view data, Request& req, ParseError& why);
  ParseError split_target(Request& req);  // status 0: fine

  HeadLimits limits_;
  ParseError error_;
  std::size_t scan_ = 0;        // bytes already searched for LF
  std::size_t line_start_ = 0;  // offset of the line being received
  std::size_t head_start_ = 0;  // offset of the request line (after skipped empty lines)
  std::size_t head_size_ = 0;
  std::size_t field_lines_ = 0;
  std::size_t method_end_ = 0, target_begin_ = 0, target_end_ = 0;
  int version_minor_ = 1;
  int empty_lines_ = 0;
  bool in_request_line_ = true;
  bool done_ = false;
  bool failed_ = false;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void RequestParser::reset() {
  HeadLimits limits = limits_;
  *this = RequestParser(limits);
}

FASTAPI_DETAIL_INLINE RequestParser::Result RequestParser::fail(int status, std::string_view reason) {
  error_ = {status, reason};
  failed_ = true;
  return Result::error;
}

FASTAPI_DETAIL_INLINE RequestParser::Result RequestParser::parse_head(std::string_view data, Request& req) {
  if (failed_) return Result::error;
  if (done_) return Result::complete;
  if (scan_ == 0 && !data.empty()) {
    // Fast path: the whole head usually comes in the first read; parse it in one pass. Anything
    // else (a partial head, an error) is decided by the byte-ordered scan below, whose answer does
    // not depend on how the bytes were split between calls.
    ParseError ignored;
    if (parse_lines(data, req, ignored) == Result::complete) {
      done_ = true;
      return Result::complete;
    }
    req.reset();
  }
  const char* s = data.data();
  const std::size_t size = data.size();
  // Find line ends only; the request line is checked as soon as it is whole, the fields when the
  // head is, so feeding one byte at a time stays linear.
  while (scan_ < size) {
    const void* hit = std::memchr(s + scan_, '\n', size - scan_);
    std::size_t lf = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s) : size;
    // A bare CR (not followed by LF) is refused as soon as the byte after it is here, not when the
    // header timeout passes: `GET / HTTP/1.1\rHost: x\r\r` holds no LF at all (RFC 9112 section 2.2).
    if (std::size_t cr = detail::find_bare_cr(s, scan_, lf, size); cr != size) {
      if (Result r = check_limits(s, cr + 1); r == Result::error) return r;  // a limit crossed before it wins
      return fail(400, "Line ends must be CRLF.");
    }
    if (Result r = check_limits(s, lf); r == Result::error) return r;
    if (!hit) {
      scan_ = size;
      break;
    }
    scan_ = lf + 1;
    // RFC 9112 section 2.2: we accept CRLF only (see the class comment).
    if (lf == line_start_ || s[lf - 1] != '\r') return fail(400, "Line ends must be CRLF.");
    std::size_t len = lf - 1 - line_start_;
    if (in_request_line_) {
      if (len == 0) {
        if (++empty_lines_ > 4) return fail(400, "Too many empty lines before the request line.");
        line_start_ = head_start_ = scan_;
        continue;
      }
      if (ParseError e = check_request_line(s, line_start_, lf - 1); e.status) return fail(e.status, e.reason);
      in_request_line_ = false;
    } else if (len == 0) {
      ParseError why{400, "Malformed request head."};
      if (parse_lines(data.substr(0, scan_), req, why) != Result::complete) return fail(why.status, why.reason);
      done_ = true;
      return Result::complete;
    } else if (++field_lines_ > limits_.max_headers) {
      return fail(431, "Too many header fields.");
    }
    line_start_ = scan_;
  }
  return Result::incomplete;
}

// The size limits, for the first `end` bytes, none of them a LF past line_start_: each limit fires
// at the shortest prefix that is certain to exceed it; the earlier one wins.
FASTAPI_DETAIL_INLINE RequestParser::Result RequestParser::check_limits(const char* s, std::size_t end) {
  constexpr std::size_t never = std::numeric_limits<std::size_t>::max();
  auto add = [](std::size_t a, std::size_t b) { return b > never - a ? never : a + b; };
  std::size_t at_431 = add(head_start_, limits_.max_header_bytes);  // that many bytes, no end of head
  std::size_t at_414 = never;
  if (in_request_line_) {
    // More than max_request_line bytes of line, not counting a last CR (it may start the CRLF).
    std::size_t first = add(add(line_start_, limits_.max_request_line), 1);
    if (first <= end) at_414 = s[first - 1] == '\r' ? first + 1 : first;
  }
  if (at_414 <= end && at_414 <= at_431) return fail(414, "URI Too Long.");
  if (at_431 <= end) return fail(431, "Request Header Fields Too Large.");
  return Result::incomplete;
}

FASTAPI_DETAIL_INLINE ParseError RequestParser::check_request_line(const char* s, std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  while (i < end && detail::is_tchar(s[i])) ++i;
  if (i == begin || i == end || s[i] != ' ') return {400, "Invalid request line: bad method."};
  method_end_ = i++;
  target_begin_ = i;
  const char* t = detail::swar_skip(
      s + i, s + end, [](std::uint64_t x) { return detail::swar_not_visible(x) | detail::swar_equal(x, '#'); });
  i = static_cast<std::size_t>(t - s);
  while (i < end && detail::has_class(s[i], detail::char_target) && s[i] != '#') ++i;
  if (i < end && s[i] == '#') return {400, "The request target must not hold a fragment."};
  if (i == target_begin_ || i == end || s[i] != ' ') return {400, "Invalid request line: bad request target."};
  target_end_ = i++;
  // RFC 9112 section 2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
  std::string_view v(s + i, end - i);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !digit(v[5]) || v[6] != '.' || !digit(v[7]))
    return {400, "Invalid request line: bad HTTP version."};
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return {505, "HTTP Version Not Supported."};
  version_minor_ = v[7] - '0';
  return {0, {}};
}

// One pass over the head, filling `req`. In the fast path `data` is whatever arrived and
// `incomplete` means "not decided here"; after the scan found the end of the head, `data` is exactly
// the head, limits and line ends are known good, and an error here is the answer.
FASTAPI_DETAIL_INLINE RequestParser::Result RequestParser::parse_lines(std::string_view data, Request& req,
                                                                       ParseError& why) {
  const char* const s = data.data();
  const char* const end = s + data.size();
  const char* p = s;
  auto refuse = [&](int status, std::string_view reason) {
    why = {status, reason};
    return Result::error;
  };
  for (int empty = 0; p < end && *p == '\r'; p += 2)  // RFC 9112 section 2.2
    if (end - p < 2 || p[1] != '\n' || ++empty > 4) return Result::incomplete;
  const std::size_t head_start = static_cast<std::size_t>(p - s);
  std::size_t room = std::min(static_cast<std::size_t>(end - p), limits_.max_request_line + 2);
  const char* lf = static_cast<const char*>(std::memchr(p, '\n', room));
  if (!lf || lf == p || lf[-1] != '\r') return Result::incomplete;
  if (ParseError e = check_request_line(s, head_start, static_cast<std::size_t>(lf - 1 - s)); e.status)
    return refuse(e.status, e.reason);
  p = lf + 1;

  req.reset();
  detail::FramingFields f;
  if (detail::FieldLines r = detail::parse_field_lines(p, end, s + head_start, limits_, why,
                                                       [&](std::string_view name, std::string_view value) {
                                                         req.headers.add(name, value);
                                                         f.add_if_framing(name, value);
                                                       });
      r != detail::FieldLines::done)
    return r == detail::FieldLines::error ? Result::error : Result::incomplete;
  std::size_t head_size = static_cast<std::size_t>(p - s);
  if (head_size - head_start > limits_.max_header_bytes) return Result::incomplete;
  if (!req.arena) return refuse(500, "The request has no arena for decoded strings.");

  req.method_name = std::string_view(s + head_start, method_end_ - head_start);
  req.method = method_from_name(req.method_name);
  req.target = std::string_view(s + target_begin_, target_end_ - target_begin_);
  req.version_minor = version_minor_;
  if (ParseError e = split_target(req); e.status) return refuse(e.status, e.reason);
  // RFC 9112 section 3.2: exactly one Host on HTTP/1.1, never more than one.
  if (f.hosts > 1 || (f.hosts == 0 && version_minor_ == 1) || f.host_bad)
    return refuse(400, "Exactly one valid Host header is required.");
  if (f.content_length_bad) return refuse(400, "Invalid or conflicting Content-Length.");
  if (f.transfer_encoding) {
    // RFC 9112 sections 6.1 and 6.3: never guess the framing.
    if (version_minor_ == 0) return refuse(400, "Transfer-Encoding is not allowed in HTTP/1.0.");
    if (f.content_length) return refuse(400, "Both Transfer-Encoding and Content-Length were sent.");
    if (f.te_empty) return refuse(400, "Transfer-Encoding has an empty list element.");
    if (f.te_malformed || f.te_chunked != 1 || !f.te_last_chunked)
      return refuse(400, "Transfer-Encoding must end with chunked, once.");
    if (f.te_unknown) return refuse(501, "Not Implemented: only the chunked transfer coding is supported.");
    req.chunked = true;
  }
  req.content_length = f.content_length;
  req.keep_alive = version_minor_ == 1 ? !f.conn_close : (f.conn_keep_alive && !f.conn_close);
  // RFC 9110 section 10.1.1: 100-continue in HTTP/1.0 is ignored; other expectations -> 417.
  if (f.expect_other) return refuse(417, "Expectation Failed.");
  req.expect_continue = f.expect_continue && version_minor_ == 1;
  head_size_ = head_size;
  return Result::complete;
}

FASTAPI_DETAIL_INLINE ParseError RequestParser::split_target(Request& req) {
  std::string_view t = req.target;
  auto split_query = [&](std::string_view path_and_query) {
    std::size_t q = path_and_query.find('?');
    req.raw_path = path_and_query.substr(0, q);
    if (q != std::string_view::npos) req.query_string = path_and_query.substr(q + 1);
  };
  if (req.method == Method::connect) {
    // RFC 9112 section 3.2.3: authority-form, uri-host ":" port, and only for CONNECT.
    std::size_t colon = t.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size() ||
        t.find_first_of("/?@") != std::string_view::npos ||
        t.find_first_not_of("0123456789", colon + 1) != std::string_view::npos)
      return {400, "CONNECT needs an authority-form target (host:port)."};
    req.raw_path = req.path = t;
    return {0, {}};
  }
  if (t[0] == '/') {
    split_query(t);  // origin-form (RFC 9112 section 3.2.1)
  } else if (t == "*") {
    if (req.method != Method::options) return {400, "The target * is only allowed with OPTIONS."};
    req.raw_path = t;  // asterisk-form (section 3.2.4)
  } else {
    // absolute-form (section 3.2.2): scheme "://" authority [path-abempty] ["?" query].
    std::size_t scheme = iequals(t.substr(0, 7), "http://") ? 7 : iequals(t.substr(0, 8), "https://") ? 8 : 0;
    if (!scheme) return {400, "Invalid request target."};
    std::string_view rest = t.substr(scheme);
    std::size_t auth_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, auth_end);
    // RFC 9110 section 4.2.4: userinfo in an http(s) URI is to be treated as an error.
    if (authority.empty() || authority.find('@') != std::string_view::npos)
      return {400, "Invalid authority in the request target."};
    rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
    split_query(rest);
    if (req.raw_path.empty()) req.raw_path = "/";
  }
  auto path = decode_component(req.raw_path, *req.arena, false);
  if (!path) return {400, "Invalid percent-encoding in the path."};
  req.path = *path;
  if (!parse_query(req.query_string, req.query, *req.arena))
    return {400, "Invalid percent-encoding in the query string."};
  return {0, {}};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
