// http/parser.hpp: bytes -> Request views (incremental, strict RFC 9112), and chunked bodies -> bytes.
// Fed by the connection's read buffer; feeds the middleware chain. Knows nothing of sockets, routes or JSON.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/url.hpp"

namespace fastapi {

/// Why a request was refused: the status to answer with and a short static English sentence.
/// The connection answers it and closes. `{400, "Content-Length values differ."}`
struct ParseError {
  int status = 400;
  std::string_view reason;
};

/// Size limits of a request head; the defaults come from core/config.hpp.
struct HeadLimits {
  std::size_t max_request_line = FASTAPI_MAX_REQUEST_LINE;  ///< bytes without CRLF; 414 above it
  std::size_t max_header_bytes = FASTAPI_MAX_HEADER_BYTES;  ///< request line + fields + CRLFs; 431 above it
  std::size_t max_headers = FASTAPI_MAX_HEADERS;            ///< field lines, every one (Host too); 431 above it
};

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

/// How a response's body is delimited (RFC 9112 section 6.3).
enum class BodyFraming { none, content_length, chunked, until_close };

/// The head of one response: views into the bytes given to ResponseParser::parse_head.
struct ResponseHead {
  int status = 0;                  ///< 100..599
  int version_minor = 1;           ///< 1 for HTTP/1.1, 0 for HTTP/1.0
  std::string_view reason;         ///< the reason phrase, possibly empty (a client ignores it)
  HeaderViews headers;             ///< in order, duplicates kept
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
    size, ext_bws, ext_name_start, ext_name, ext_after_name, ext_value_start, ext_token,
    ext_quoted, ext_escape, ext_after_quoted, size_lf, data, data_cr, data_lf,
    trailer_start, trailer_name, trailer_value, trailer_lf, final_lf, done, failed
  };
  Result fail(int status, std::string_view reason);
  bool step(char c);  // one byte outside chunk data; false -> failed

  std::size_t max_body_;
  std::size_t max_trailer_;
  std::size_t total_ = 0;   // decoded bytes announced so far
  std::size_t chunk_ = 0;   // size being read, then bytes of data still expected
  std::size_t digits_ = 0;
  std::size_t ext_bytes_ = 0;
  std::size_t ext_total_ = 0;
  std::size_t trailer_bytes_ = 0;
  State state_ = State::size;
  ParseError error_;
};

namespace detail {

inline constexpr std::uint8_t char_tchar = 1;   // token (RFC 9110 section 5.6.2)
inline constexpr std::uint8_t char_value = 2;   // field-value byte: VCHAR, SP, HTAB, obs-text
inline constexpr std::uint8_t char_target = 4;  // request-target byte: visible ASCII
inline constexpr std::uint8_t char_qdtext = 8;  // quoted-string byte (RFC 9110 section 5.6.4)
inline constexpr std::uint8_t char_host = 16;   // Host value byte (RFC 3986 reg-name, IP literal, port)

struct HttpCharTable {
  std::uint8_t bits[256] = {};
};

constexpr HttpCharTable make_http_char_table() {
  HttpCharTable t;
  for (int c = 0; c < 256; ++c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    std::uint8_t b = 0;
    if (alnum || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
      b |= char_tchar;
    if (c == '\t' || (c >= 0x20 && c != 0x7F)) b |= char_value;
    if (c >= 0x21 && c <= 0x7E) b |= char_target;
    if (c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) || c >= 0x80)
      b |= char_qdtext;
    if (alnum || std::string_view("-._~%!$&'()*+,;=:[]").find(static_cast<char>(c)) != std::string_view::npos)
      b |= char_host;
    t.bits[c] = b;
  }
  return t;
}

inline constexpr HttpCharTable http_chars = make_http_char_table();

constexpr bool has_class(char c, std::uint8_t cls) { return (http_chars.bits[static_cast<unsigned char>(c)] & cls) != 0; }
constexpr bool is_tchar(char c) { return has_class(c, char_tchar); }
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

/// Calls f(element) for every non-empty, OWS-trimmed element of a comma list (RFC 9110 section 5.6.1);
/// stops and returns false as soon as f does.
template <class F>
bool for_each_list_element(std::string_view v, F&& f) {
  while (true) {
    std::size_t comma = v.find(',');
    std::string_view e = trim_ows(v.substr(0, comma));
    if (!e.empty() && !f(e)) return false;
    if (comma == std::string_view::npos) return true;
    v.remove_prefix(comma + 1);
  }
}

/// True when a comma list holds an empty element: `", a"`, `"a, "`, `"a,,b"`, `""`, `" "`.
inline bool has_empty_list_element(std::string_view v) {
  while (true) {
    std::size_t comma = v.find(',');
    if (trim_ows(v.substr(0, comma)).empty()) return true;
    if (comma == std::string_view::npos) return false;
    v.remove_prefix(comma + 1);
  }
}

// SWAR (8 bytes per step) helpers. Each returns the high bit of every flagged byte; only the lowest
// flag is exact (a borrow may flag bytes above it), which is the one used.
inline constexpr std::uint64_t swar_ones = 0x0101010101010101ull;
inline constexpr std::uint64_t swar_highs = 0x8080808080808080ull;
constexpr std::uint64_t swar_less(std::uint64_t x, std::uint8_t n) { return (x - swar_ones * n) & ~x & swar_highs; }
constexpr std::uint64_t swar_equal(std::uint64_t x, std::uint8_t c) { return swar_less(x ^ (swar_ones * c), 1); }
/// Flags bytes outside 0x21..0x7E (CTL, SP, DEL, non-ASCII).
constexpr std::uint64_t swar_not_visible(std::uint64_t x) { return swar_less(x, 0x21) | swar_equal(x, 0x7F) | (x & swar_highs); }

/// Advances 8 bytes at a time while `flags(word)` is zero. Returns the first flagged byte, or the
/// place where fewer than 8 bytes remain (or where the word with a flag starts, on big-endian).
template <class Flags>
const char* swar_skip(const char* p, const char* end, Flags flags) {
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    if (std::uint64_t m = flags(x)) {
      if constexpr (std::endian::native == std::endian::little) p += std::countr_zero(m) / 8;
      return p;
    }
    p += 8;
  }
  return p;
}

/// First byte in [p, end) that may not appear in a field value (VCHAR, SP, HTAB, obs-text).
inline const char* scan_field_value(const char* p, const char* end) {
  auto ctl_or_del = [](std::uint64_t x) { return swar_less(x, 0x20) | swar_equal(x, 0x7F); };
  while (true) {
    p = swar_skip(p, end, ctl_or_del);
    if (p < end && *p == '\t') {
      ++p;
      continue;
    }
    break;
  }
  while (p < end && has_class(*p, char_value)) ++p;
  return p;
}

/// First byte in [p, end) that ends a header name: ':' or any byte outside 0x21..0x7E. Sets
/// `valid` to whether every byte before it is a tchar.
inline const char* scan_field_name(const char* p, const char* end, bool& valid) {
  const char* begin = p;
  p = swar_skip(p, end, [](std::uint64_t x) { return swar_equal(x, ':') | swar_not_visible(x); });
  std::uint8_t all = char_tchar;
  for (const char* q = begin; q < p; ++q) all &= http_chars.bits[static_cast<unsigned char>(*q)];
  while (p < end && is_tchar(*p)) ++p;
  valid = all != 0;
  return p;
}

/// The first CR in s[from, lf) that is known not to start a CRLF: followed by a byte other than LF.
/// `lf` is the next LF (or `size` when none came yet); a CR just before `lf`, or in the last byte
/// received, is not decided yet. Returns `size` when there is none. `from` may be one byte back (a CR
/// that was the last byte of the previous call is decided now).
inline std::size_t find_bare_cr(const char* s, std::size_t from, std::size_t lf, std::size_t size) {
  if (from > 0 && s[from - 1] == '\r') --from;
  std::size_t stop = lf < size ? (lf > 0 ? lf - 1 : 0) : size - 1;  // the CR that may end the line is fine
  while (from < stop) {
    const void* hit = std::memchr(s + from, '\r', stop - from);
    if (!hit) break;
    std::size_t cr = static_cast<std::size_t>(static_cast<const char*>(hit) - s);
    if (s[cr + 1] != '\n') return cr;
    from = cr + 1;  // cannot happen before `stop` (no LF there), but stay linear anyway
  }
  return size;
}

/// Content-Length value: digits, or a comma list of identical digit strings (RFC 9110 section 8.6).
/// Merges with an earlier value in `cl`; false when malformed, too large or different.
inline bool merge_content_length(std::string_view v, std::optional<std::size_t>& cl) {
  constexpr std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) <
                                        std::numeric_limits<std::size_t>::max()
                                    ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                                    : std::numeric_limits<std::size_t>::max();
  while (true) {
    std::size_t comma = v.find(',');
    std::string_view e = trim_ows(v.substr(0, comma));
    if (e.empty()) return false;  // "", "5,", ",5"
    std::uint64_t n = 0;
    for (char c : e) {
      if (c < '0' || c > '9') return false;  // "+5", "5 5", "0x5"
      if (n > (max - static_cast<unsigned>(c - '0')) / 10) return false;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (cl && *cl != n) return false;
    cl = static_cast<std::size_t>(n);
    if (comma == std::string_view::npos) return true;
    v.remove_prefix(comma + 1);
  }
}

/// What the framing fields said, gathered over every field line.
struct FramingFields {
  std::optional<std::size_t> content_length;
  bool content_length_bad = false;
  bool transfer_encoding = false;
  bool te_malformed = false;     // empty field or a coding that is not a bare token
  bool te_empty = false;         // an empty list element (", chunked", "chunked, ")
  bool te_unknown = false;       // a coding other than chunked
  int te_chunked = 0;            // how often chunked appeared
  bool te_last_chunked = false;  // is the latest coding chunked
  int hosts = 0;
  bool host_bad = false;
  bool conn_close = false, conn_keep_alive = false;
  bool expect_continue = false, expect_other = false;

  /// Bit n set: some framing field name has n letters (host, expect, connection, ...).
  static constexpr std::uint32_t name_sizes = 1u << 4 | 1u << 6 | 1u << 10 | 1u << 14 | 1u << 17;
  void add(std::string_view name, std::string_view value);
  /// add(), for the names that can be framing fields only (a cheap length test first).
  void add_if_framing(std::string_view name, std::string_view value) {
    if (name.size() < 32 && (name_sizes >> name.size() & 1)) add(name, value);
  }
};

/// How parse_field_lines ended.
enum class FieldLines { done, incomplete, too_many, too_large, error };

/// The field lines of a head (RFC 9112 section 5), from `pos` up to and including the empty line that ends
/// them; `on_field(name, value)` for each, in order. Shared by requests and responses: one set of rules.
/// `head` is the first byte of the head (for max_header_bytes). On `done`, `pos` is the first byte after
/// the head; `incomplete` means more bytes are needed; too_many / too_large report the limits (the request
/// parser leaves them to its byte-ordered scan); `error` fills `why` (status 400).
template <class OnField>
FieldLines parse_field_lines(const char*& pos, const char* end, const char* head, const HeadLimits& limits,
                             ParseError& why, OnField&& on_field) {
  const char* p = pos;
  const std::size_t max_headers = limits.max_headers, max_bytes = limits.max_header_bytes;
  auto refuse = [&](std::string_view reason) {
    why = {400, reason};
    return FieldLines::error;
  };
  std::size_t fields = 0;
  while (true) {
    if (end - p < 2) return FieldLines::incomplete;
    if (*p == '\r') {
      if (p[1] != '\n') return refuse("Line ends must be CRLF.");
      pos = p + 2;
      return FieldLines::done;
    }
    if (++fields > max_headers) return FieldLines::too_many;
    const char* name = p;
    bool name_ok = true;
    p = scan_field_name(p, end, name_ok);
    if (p == end) return FieldLines::incomplete;
    if (!name_ok) return refuse("Invalid header field name.");
    if (*p != ':') {
      if (p == name && is_ows(*p)) return refuse("Obsolete line folding is not accepted.");
      if (is_ows(*p)) return refuse("No whitespace is allowed between a header name and its colon.");
      return refuse("Invalid header field name.");
    }
    if (p == name) return refuse("Empty header field name.");
    std::string_view field_name(name, static_cast<std::size_t>(p - name));
    ++p;
    while (p < end && is_ows(*p)) ++p;
    const char* value = p;
    p = scan_field_value(p, end);
    if (end - p < 2) return FieldLines::incomplete;
    if (p[0] != '\r' || p[1] != '\n') return refuse("Invalid character in a header field value.");
    const char* value_end = p;
    while (value_end > value && is_ows(value_end[-1])) --value_end;
    p += 2;
    if (static_cast<std::size_t>(p - head) > max_bytes) return FieldLines::too_large;
    on_field(field_name, std::string_view(value, static_cast<std::size_t>(value_end - value)));
  }
}

/// `name` equals `lower` (lowercase letters and '-') ignoring case; `name` holds tchars only, for
/// which `| 0x20` lowers letters and changes nothing that could then match a letter or '-'.
inline bool token_is(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if ((name[i] | 0x20) != lower[i]) return false;
  return true;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void FramingFields::add(std::string_view name, std::string_view value) {
  switch (name.size()) {
    case 4:
      if (token_is(name, "host")) {
        ++hosts;
        std::uint8_t all = char_host;
        for (char c : value) all &= http_chars.bits[static_cast<unsigned char>(c)];
        host_bad |= all == 0;
      }
      break;
    case 6:
      if (token_is(name, "expect"))
        for_each_list_element(value, [&](std::string_view e) {
          (iequals(e, "100-continue") ? expect_continue : expect_other) = true;
          return true;
        });
      break;
    case 10:
      if (token_is(name, "connection"))
        for_each_list_element(value, [&](std::string_view e) {
          if (iequals(e, "close")) conn_close = true;
          else if (iequals(e, "keep-alive")) conn_keep_alive = true;
          return true;
        });
      break;
    case 14:
      if (token_is(name, "content-length") && !merge_content_length(value, content_length))
        content_length_bad = true;
      break;
    case 17:
      if (token_is(name, "transfer-encoding")) {
        bool any = false;
        transfer_encoding = true;
        // An empty list element (`, chunked`, `chunked, `) is refused, as nginx and h11 do: RFC 9110
        // section 5.6.1 lets a recipient skip it, but a framing field read two ways is how smuggling starts.
        if (has_empty_list_element(value)) te_empty = true;
        for_each_list_element(value, [&](std::string_view e) {
          any = true;
          if (!is_token(e)) te_malformed = true;
          te_last_chunked = iequals(e, "chunked");
          if (te_last_chunked) ++te_chunked;
          else te_unknown = true;
          return true;
        });
        if (!any) te_malformed = true;
      }
      break;
    default: break;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

// ---- RequestParser -------------------------------------------------------------------------------

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
  const char* t = detail::swar_skip(s + i, s + end, [](std::uint64_t x) {
    return detail::swar_not_visible(x) | detail::swar_equal(x, '#');
  });
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
FASTAPI_DETAIL_INLINE RequestParser::Result RequestParser::parse_lines(std::string_view data, Request& req, ParseError& why) {
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

// ---- ResponseParser ------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::fail(std::string_view reason) {
  error_ = {502, reason};
  failed_ = true;
  return Result::error;
}

FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::parse_head(std::string_view data, ResponseHead& head, bool head_request) {
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
FASTAPI_DETAIL_INLINE ResponseParser::Result ResponseParser::parse_whole(std::string_view bytes, ResponseHead& head, bool head_request) {
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
  detail::FieldLines r = detail::parse_field_lines(p, end, s, limits_, why, [&](std::string_view n, std::string_view v) {
    head.headers.add(n, v);
    f.add_if_framing(n, v);
  });
  if (r == detail::FieldLines::too_many) return fail("Too many header fields in the response.");
  if (r == detail::FieldLines::too_large) return fail("The response head is too large.");
  if (r != detail::FieldLines::done) return fail(r == detail::FieldLines::error ? why.reason : "Malformed response head.");
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

// ---- ChunkedDecoder ------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void ChunkedDecoder::reset() { *this = ChunkedDecoder(max_body_, max_trailer_); }

FASTAPI_DETAIL_INLINE ChunkedDecoder::Result ChunkedDecoder::fail(int status, std::string_view reason) {
  error_ = {status, reason};
  state_ = State::failed;
  return Result::error;
}

FASTAPI_DETAIL_INLINE ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view in, std::string& out, std::size_t& consumed) {
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
    if (++ext_bytes_ > max_extension_bytes || ++ext_total_ > max_extension_total) return bad("Chunk extensions too long.");
    state_ = next;
    return true;
  };
  auto line_end = [&]() { state_ = State::size_lf; return true; };
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
