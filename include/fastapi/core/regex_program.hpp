// core/regex_program.hpp: what a compiled pattern is made of: the instructions of a Thompson program, the class
// sets they test, the limits and the errors in words, and reading one UTF-8 code point. Feeds core/regex_syntax.hpp
// (the parser that emits programs) and core/regex.hpp (the matcher that runs them). Knows nothing of parsing or
// matching.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace fastapi {
namespace detail {

/// Why a pattern is refused; regex_error_message() says it in words.
enum class RegexError : std::uint8_t {
  none,
  backreference,
  lookaround,
  atomic,
  possessive,
  inline_flags,
  conditional,
  unicode_class,
  posix_class,
  class_operation,
  unbalanced_group,
  unterminated_class,
  bad_range,
  nothing_to_repeat,
  multiple_repeat,
  repeat_too_large,
  bad_repeat,
  trailing_backslash,
  bad_escape,
  too_large,
  too_deep,
  bad_utf8,
};

/// Most instructions a compiled pattern may have (each costs a few bytes and a step per input character).
inline constexpr std::uint32_t regex_max_program = 20000;
/// Largest count of a `{m,n}` repetition (Python's and Rust's patterns rarely need more than a few hundred).
inline constexpr std::uint32_t regex_max_repeat = 1000;
/// Deepest nesting of groups.
inline constexpr std::uint32_t regex_max_depth = 64;
/// The code point an invalid UTF-8 byte reads as: `.` and negated classes match it, nothing else does.
inline constexpr std::uint32_t regex_invalid_byte = 0x110000;

/// The sentence for a refused pattern.
constexpr std::string_view regex_error_message(RegexError e) noexcept {
  switch (e) {
    case RegexError::none: return "no error";
    case RegexError::backreference:
      return "backreferences (\\1, \\k<name>, (?P=name)) are not supported: matching them needs backtracking, "
             "which can take exponential time; fastapi matches patterns in linear time, as Pydantic v2 (Rust's "
             "regex crate) does";
    case RegexError::lookaround:
      return "lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: fastapi matches patterns in "
             "linear time, as Pydantic v2 (Rust's regex crate) does; check the condition in the handler instead";
    case RegexError::atomic:
      return "atomic groups (?>...) are not supported; a plain group (?:...) matches the same strings here";
    case RegexError::possessive:
      return "possessive quantifiers (*+, ++, ?+, {m,n}+) are not supported; the plain quantifier never backtracks here";
    case RegexError::inline_flags:
      return "inline flags such as (?i) or (?s) are not supported; spell the cases out ([Aa]) or use [\\s\\S] for "
             "any character";
    case RegexError::conditional: return "conditional groups (?(1)...) are not supported";
    case RegexError::unicode_class:
      return "Unicode classes (\\p{L}, \\P{L}) are not supported; list the ranges ([a-zA-Z\\u00C0-\\u024F])";
    case RegexError::posix_class:
      return "POSIX classes such as [[:alpha:]] are not supported; list the ranges ([a-zA-Z])";
    case RegexError::class_operation: return "class set operations (&&) are not supported; list the ranges";
    case RegexError::unbalanced_group: return "its parentheses are not balanced";
    case RegexError::unterminated_class: return "a character class [ is not closed by ]";
    case RegexError::bad_range: return "a class range is empty or reversed (z-a), or has a class (\\d) as an end";
    case RegexError::nothing_to_repeat: return "a quantifier (*, +, ?, {m,n}) follows nothing it could repeat";
    case RegexError::multiple_repeat: return "two quantifiers follow each other (a**); group the first: (?:a*)*";
    case RegexError::repeat_too_large: return "a repetition count is above 1000";
    case RegexError::bad_repeat: return "a repetition {m,n} has m greater than n";
    case RegexError::trailing_backslash: return "it ends with a lone backslash";
    case RegexError::bad_escape:
      return "it has an unknown escape (supported: \\d \\w \\s \\D \\W \\S \\b \\B \\A \\z \\n \\r \\t \\f \\v \\0 "
             "\\xHH \\uHHHH \\x{H..} and a backslash before punctuation)";
    case RegexError::too_large:
      return "it compiles to more than 20000 instructions (a large {m,n} repetition, perhaps nested); use a "
             "smaller count, or check the length with min_length/max_length";
    case RegexError::too_deep: return "its groups are nested more than 64 deep";
    case RegexError::bad_utf8: return "it is not valid UTF-8";
  }
  return "it is not supported";
}

enum class RegexOp : std::uint8_t { chr, cls, split, jmp, assert_, match };
enum class RegexAssert : std::uint8_t { begin_text, end_text, word_boundary, not_word_boundary };

/// One instruction: chr (x = code point), cls (x = class index), split (x, y = next pcs), jmp (x), assert_
/// (kind), match.
struct RegexInst {
  RegexOp op = RegexOp::match;
  RegexAssert kind = RegexAssert::begin_text;
  std::uint32_t x = 0;
  std::uint32_t y = 0;
};

/// A set of code points, as sorted disjoint ranges over [0, regex_invalid_byte].
struct RegexClassSet {
  static constexpr std::size_t capacity = 256;
  std::array<std::uint32_t, capacity> lo{};
  std::array<std::uint32_t, capacity> hi{};
  std::size_t size = 0;
  bool overflow = false;

  constexpr void add(std::uint32_t a, std::uint32_t b) {
    if (size == capacity) {
      overflow = true;
      return;
    }
    lo[size] = a;
    hi[size] = b;
    ++size;
  }
  /// Sorts and merges the ranges.
  constexpr void normalize() {
    for (std::size_t i = 1; i < size; ++i)
      for (std::size_t j = i; j > 0 && lo[j] < lo[j - 1]; --j) {
        std::swap(lo[j], lo[j - 1]);
        std::swap(hi[j], hi[j - 1]);
      }
    std::size_t out = 0;
    for (std::size_t i = 0; i < size; ++i) {
      if (out > 0 && lo[i] <= hi[out - 1] + 1) {
        if (hi[i] > hi[out - 1]) hi[out - 1] = hi[i];
      } else {
        lo[out] = lo[i];
        hi[out] = hi[i];
        ++out;
      }
    }
    size = out;
  }
  /// The complement over [0, regex_invalid_byte] (normalized first).
  constexpr void negate() {
    normalize();
    RegexClassSet n;
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < size; ++i) {
      if (lo[i] > next) n.add(next, lo[i] - 1);
      next = hi[i] + 1;
    }
    if (next <= regex_invalid_byte) n.add(next, regex_invalid_byte);
    n.overflow = n.overflow || overflow;
    *this = n;
  }
  constexpr void add_set(const RegexClassSet& o) {
    for (std::size_t i = 0; i < o.size; ++i) add(o.lo[i], o.hi[i]);
  }
};

/// \d \w \s and their negations (`D`, `W`, `S`) as a set: ASCII only, as ECMAScript (docs/models.md says why).
constexpr RegexClassSet regex_escape_class(char c) {
  RegexClassSet s;
  switch (c | 0x20) {
    case 'd': s.add('0', '9'); break;
    case 'w': s.add('0', '9'), s.add('A', 'Z'), s.add('_', '_'), s.add('a', 'z'); break;
    default: s.add('\t', '\r'), s.add(' ', ' '); break;  // 's': \t \n \v \f \r and space
  }
  if (c >= 'A' && c <= 'Z') s.negate();
  return s;
}

/// Decodes one UTF-8 code point at s[i]; `len` gets its byte count. An invalid sequence reads as
/// regex_invalid_byte, one byte long.
constexpr std::uint32_t regex_decode(std::string_view s, std::size_t i, std::size_t& len) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  len = 1;
  if (c < 0x80) return c;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return regex_invalid_byte;
  std::uint32_t cp = c & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return regex_invalid_byte;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return regex_invalid_byte;
  len = n;
  return cp;
}

}  // namespace detail
}  // namespace fastapi
