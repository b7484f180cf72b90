// http/field_lines.hpp: the rules both directions of HTTP/1.1 share: byte classes (token, field value,
// target, quoted string, host), header field lines (RFC 9112 section 5), the framing fields (Content-Length,
// Transfer-Encoding, Connection, Host, Expect), the head's size limits and ParseError.
// Fed by the request parser, the response parser and the chunked decoder; feeds them names and values read
// strictly. Knows nothing of sockets, of Request or ResponseHead, of routes or JSON.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/http/headers.hpp"

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

constexpr bool has_class(char c, std::uint8_t cls) {
  return (http_chars.bits[static_cast<unsigned char>(c)] & cls) != 0;
}
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
constexpr std::uint64_t swar_not_visible(std::uint64_t x) {
  return swar_less(x, 0x21) | swar_equal(x, 0x7F) | (x & swar_highs);
}

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
  constexpr std::uint64_t max =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) < std::numeric_limits<std::size_t>::max()
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
      if (token_is(name, "content-length") && !merge_content_length(value, content_length)) content_length_bad = true;
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

}  // namespace fastapi
