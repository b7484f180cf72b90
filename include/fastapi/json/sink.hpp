// json/sink.hpp: JSON text out, piece by piece: detail::JsonSink, strings escaped as Python's json.dumps(ensure_ascii=False)
// writes them (invalid UTF-8 replaced), numbers as its repr(). Fed by Json::dump (json/value) and json/write (structs);
// feeds response bodies, logs and docs pages. Knows nothing of fa::Json, structs, HTTP or reading JSON.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "fastapi/core/utf8.hpp"

#include "fastapi/core/config.hpp"  // first: it pins simdjson's configuration
#include <simdjson.h>

namespace fastapi {
namespace detail {

/// Appends s as a JSON string literal, quotes included, as Python's json.dumps(ensure_ascii=False):
/// `"` and `\` escaped, \b \f \n \r \t, other bytes below 0x20 as \u00XX (lowercase hex), `/`,
/// DEL and valid UTF-8 raw. Invalid UTF-8 never reaches the wire: each maximal invalid
/// subsequence (Unicode 15 §3.9, as Python's errors="replace" and browsers do: a stray
/// continuation byte, C0/C1/F5-FF, an overlong, a surrogate, a code point above U+10FFFF, a
/// sequence cut short) becomes one U+FFFD. `"\xE2\x82"` -> one U+FFFD, `"\xC0\xAF"` -> two.
FASTAPI_DETAIL_INLINE void write_json_string(std::string& out, std::string_view s);

/// Appends an integer in decimal (std::to_chars).
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, std::int64_t v);
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, std::uint64_t v);
/// Any other integer type (int, unsigned, short...): routed to the 64-bit writers.
template <std::integral I>
  requires(!std::same_as<I, bool>)
void write_json_number(std::string& out, I v) {
  if constexpr (std::is_signed_v<I>) write_json_number(out, static_cast<std::int64_t>(v));
  else write_json_number(out, static_cast<std::uint64_t>(v));
}

/// Appends a double exactly as Python's repr() (what json.dumps writes): the shortest digits that
/// read back to the same double, fixed notation for exponents -4..15 with ".0" on integral values
/// (1.0 -> "1.0", 1e15 -> "1000000000000000.0"), scientific otherwise (1e16 -> "1e+16",
/// 1e-5 -> "1e-05"). NaN and infinities, which Python's allow_nan=False refuses, become null.
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, double v);

/// How the string writer treats each byte: 0 copied as is, 1 escaped, 2 starts UTF-8 (validated).
struct JsonByteClasses {
  std::uint8_t of[256];
};
consteval JsonByteClasses make_json_byte_classes() {
  JsonByteClasses t{};
  for (int c = 0; c < 256; ++c) t.of[c] = c < 0x20 || c == '"' || c == '\\' ? 1 : c >= 0x80 ? 2 : 0;
  return t;
}
inline constexpr JsonByteClasses json_byte_classes = make_json_byte_classes();

/// High bit set in each of the 8 bytes of w that is below 0x20, '"', '\\' or (unless KnownValid)
/// non-ASCII. SWAR: a borrow can only mark bytes above a marked one, so the lowest mark is exact.
template <bool KnownValid>
inline std::uint64_t json_word_care_mask(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  const std::uint64_t below_space = (w - ones * 0x20) & ~w;
  const std::uint64_t is_quote = (quote - ones) & ~quote;
  const std::uint64_t is_backslash = (backslash - ones) & ~backslash;
  return (below_space | is_quote | is_backslash | (KnownValid ? 0 : w)) & highs;
}

/// Gathers a JSON text in a stack buffer and appends it to a std::string in blocks: the text is
/// made of many tiny pieces, and std::string::push_back is an out-of-line call per byte. Whoever
/// makes a sink calls flush() at the end (a destructor must not throw bad_alloc).
class JsonSink {
 public:
  explicit JsonSink(std::string& out) noexcept : out_(out) {}
  JsonSink(const JsonSink&) = delete;
  JsonSink& operator=(const JsonSink&) = delete;
  void put(char c) {
    if (len_ == capacity) flush();
    buf_[len_++] = c;
  }
  void put(const char* p, std::size_t n);
  void string(std::string_view s);  ///< as write_json_string
  void number(std::int64_t v);
  void number(std::uint64_t v);
  void number(double v);  ///< as write_json_number(double)
  void flush() {
    if (len_ != 0) out_.append(buf_, len_);
    len_ = 0;
  }

 private:
  static constexpr std::size_t capacity = 512;
  template <bool KnownValid>
  void string_body(const char* data, std::size_t n);
  std::string& out_;
  std::size_t len_ = 0;
  char buf_[capacity];
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void JsonSink::put(const char* p, std::size_t n) {
  if (n > capacity - len_) {
    flush();
    if (n > capacity / 2) {
      out_.append(p, n);
      return;
    }
  }
  if (n != 0) std::memcpy(buf_ + len_, p, n);
  len_ += n;
}

FASTAPI_DETAIL_INLINE void JsonSink::number(std::int64_t v) {
  char buf[24];
  put(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

FASTAPI_DETAIL_INLINE void JsonSink::number(std::uint64_t v) {
  char buf[24];
  put(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

FASTAPI_DETAIL_INLINE void JsonSink::string(std::string_view s) {
  put('"');
  // Long strings: simdjson's SIMD validator first, then a loop that only looks for escapes.
  // Short ones (keys, most values) skip the extra call and validate as they go.
  if (s.size() >= 64 && simdjson::validate_utf8(s.data(), s.size())) string_body<true>(s.data(), s.size());
  else string_body<false>(s.data(), s.size());
  put('"');
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The escaping loop; KnownValid: s is valid UTF-8 already, so bytes >= 0x80 are plain.
template <bool KnownValid>
inline void JsonSink::string_body(const char* const data, const std::size_t n) {
  constexpr char hex[] = "0123456789abcdef";
  const auto plain = [data](std::size_t at) {
    const std::uint8_t cls = json_byte_classes.of[static_cast<unsigned char>(data[at])];
    return cls == 0 || (KnownValid && cls == 2);
  };
  std::size_t i = 0, run = 0;  // [run, i) is copied raw at the next flush
  while (i < n) {
    for (;;) {  // advance i to the next byte that needs care, 8 bytes at a time while it can
      if (n - i < 8) {
        while (i < n && plain(i)) ++i;
        break;
      }
      std::uint64_t w;
      std::memcpy(&w, data + i, 8);
      if (const std::uint64_t mask = json_word_care_mask<KnownValid>(w)) {
        if constexpr (std::endian::native == std::endian::little)
          i += static_cast<std::size_t>(std::countr_zero(mask)) / 8;  // the first byte that needs care
        else
          while (plain(i)) ++i;
        break;
      }
      i += 8;
    }
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(data[i]);
    if (!KnownValid && c >= 0x80) {
      const int len = utf8_sequence(reinterpret_cast<const unsigned char*>(data + i), n - i);
      if (len > 0) {  // valid: stays in the raw run
        i += static_cast<std::size_t>(len);
        continue;
      }
      put(data + run, i - run);
      put("\xEF\xBF\xBD", 3);  // U+FFFD REPLACEMENT CHARACTER
      i += static_cast<std::size_t>(-len);
      run = i;
      continue;
    }
    put(data + run, i - run);
    char e[6] = {'\\', 0, 0, 0, 0, 0};
    std::size_t elen = 2;
    switch (c) {  // RFC 8259 §7
      case '"': e[1] = '"'; break;
      case '\\': e[1] = '\\'; break;
      case '\b': e[1] = 'b'; break;
      case '\f': e[1] = 'f'; break;
      case '\n': e[1] = 'n'; break;
      case '\r': e[1] = 'r'; break;
      case '\t': e[1] = 't'; break;
      default: e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15], elen = 6;
    }
    put(e, elen);
    run = ++i;
  }
  put(data + run, n - run);
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void JsonSink::number(double v) {
  if (!std::isfinite(v)) {
    put("null", 4);
    return;
  }
  char buf[32];  // shortest round-trip, scientific: [-]d[.ddd]e(+|-)xx[x]
  char* const end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific).ptr;
  char* const e = static_cast<char*>(std::memchr(buf, 'e', static_cast<std::size_t>(end - buf)));
  int exp = 0;
  std::from_chars(e + 1 + (e[1] == '+'), end, exp);
  if (exp < -4 || exp >= 16) {  // Python's repr switches to scientific outside [1e-4, 1e16)
    put(buf, static_cast<std::size_t>(end - buf));
    return;
  }
  const char* p = buf;
  if (*p == '-') put(*p++);
  char digits[20];
  std::size_t nd = 0;
  for (; p != e; ++p)
    if (*p != '.') digits[nd++] = *p;
  if (exp < 0) {
    put("0.0000", static_cast<std::size_t>(1 - exp));  // "0." and -exp-1 zeros
    put(digits, nd);
    return;
  }
  const auto int_digits = static_cast<std::size_t>(exp) + 1;
  if (nd <= int_digits) {
    put(digits, nd);
    put("0000000000000000", int_digits - nd);
    put(".0", 2);
  } else {
    put(digits, int_digits);
    put('.');
    put(digits + int_digits, nd - int_digits);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class T>
void sink_one(std::string& out, T value) {
  JsonSink sink(out);
  if constexpr (std::is_same_v<T, std::string_view>) sink.string(value);
  else sink.number(value);
  sink.flush();
}
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void write_json_string(std::string& out, std::string_view s) { sink_one(out, s); }
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, std::int64_t v) { sink_one(out, v); }
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, std::uint64_t v) { sink_one(out, v); }
FASTAPI_DETAIL_INLINE void write_json_number(std::string& out, double v) { sink_one(out, v); }
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

inline void write_newline_indent(JsonSink& out, int indent, int level) {
  if (indent < 0) return;
  out.put('\n');
  for (int i = 0; i < indent * level; ++i) out.put(' ');
}

}  // namespace detail
}  // namespace fastapi
