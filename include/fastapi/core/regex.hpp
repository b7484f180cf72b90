// core/regex.hpp: the pattern matcher of Rule.pattern and CORS allow_origin_regex, in time linear in the input and
// constant stack (a Thompson NFA simulated over code points, no backtracking: Pydantic v2 uses Rust's regex crate
// for the same reason). Fed by json/rules and middleware/cors; feeds nothing. Knows nothing of HTTP or JSON.
//
// Syntax (docs/models.md has the table): literals and escapes, `.`, classes `[a-z]` `[^...]`, `\d \w \s \D \W \S`,
// anchors `^ $ \A \z \b \B`, groups `( )` `(?: )` `(?P<name> )`, alternation `|`, `? * + {m} {m,} {m,n}` and their
// lazy forms. Only "does it match" is asked, so lazy and greedy forms match the same strings. Refused with a
// sentence: backreferences, lookaround, atomic groups and possessive quantifiers, inline flags, \p{..}, and
// programs above regex_max_program instructions. The parser is constexpr: a Rule's pattern is checked at compile
// time (json/rules.hpp), a CORS pattern when the middleware is built.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"

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
    case RegexError::atomic: return "atomic groups (?>...) are not supported; a plain group (?:...) matches the same strings here";
    case RegexError::possessive:
      return "possessive quantifiers (*+, ++, ?+, {m,n}+) are not supported; the plain quantifier never backtracks here";
    case RegexError::inline_flags:
      return "inline flags such as (?i) or (?s) are not supported; spell the cases out ([Aa]) or use [\\s\\S] for "
             "any character";
    case RegexError::conditional: return "conditional groups (?(1)...) are not supported";
    case RegexError::unicode_class:
      return "Unicode classes (\\p{L}, \\P{L}) are not supported; list the ranges ([a-zA-Z\\u00C0-\\u024F])";
    case RegexError::posix_class: return "POSIX classes such as [[:alpha:]] are not supported; list the ranges ([a-zA-Z])";
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

/// An emitter that only counts: the compile-time check runs the parser with it.
struct RegexCounter {
  static constexpr bool stores = false;
  std::uint32_t n = 0;
  constexpr std::uint32_t size() const { return n; }
  constexpr std::uint32_t emit(RegexInst) { return n++; }
  constexpr void insert(std::uint32_t, RegexInst) { ++n; }
  constexpr void copy(std::uint32_t, std::uint32_t len) { n += len; }
  constexpr void truncate(std::uint32_t to) { n = to; }
  constexpr std::uint32_t add_class(const RegexClassSet&) { return 0; }
  constexpr RegexInst& at(std::uint32_t) = delete;
};

/// Recursive descent over the pattern (nesting bounded by regex_max_depth), emitting a Thompson program into
/// Emit (RegexCounter, or the real program). Sets `error` and `offset` at the first problem.
template <class Emit>
struct RegexParser {
  std::string_view p;
  Emit& e;
  std::size_t i = 0;
  std::uint32_t depth = 0;
  RegexError error = RegexError::none;
  std::size_t offset = 0;

  static constexpr std::uint32_t none = 0xFFFFFFFF;

  constexpr bool fail(RegexError err) {
    if (error == RegexError::none) error = err, offset = i;
    return false;
  }
  constexpr bool at_end() const { return i >= p.size(); }
  constexpr char peek(std::size_t k = 0) const { return i + k < p.size() ? p[i + k] : '\0'; }
  constexpr bool room(std::uint64_t more) {
    return static_cast<std::uint64_t>(e.size()) + more <= regex_max_program || fail(RegexError::too_large);
  }

  /// `full`: the whole input must match (\A(?:p)\z); otherwise a match anywhere.
  constexpr bool parse(bool full) {
    if (full) e.emit({RegexOp::assert_, RegexAssert::begin_text});
    if (!alternation()) return false;
    if (!at_end()) return fail(RegexError::unbalanced_group);  // a ')' without its '('
    if (full) e.emit({RegexOp::assert_, RegexAssert::end_text});
    e.emit({RegexOp::match});
    return room(0);
  }

  constexpr bool alternation() {
    std::uint32_t start = e.size();
    if (!concatenation()) return false;
    std::uint32_t pending = none;  // chain of jmps to the end, linked through their x
    while (peek() == '|' && !at_end()) {
      ++i;
      if (!room(2)) return false;
      e.insert(start, {RegexOp::split, RegexAssert::begin_text, start + 1, 0});
      std::uint32_t j = e.emit({RegexOp::jmp, RegexAssert::begin_text, pending, 0});
      pending = j;
      if constexpr (Emit::stores) e.at(start).y = e.size();
      start = e.size();
      if (!concatenation()) return false;
    }
    if constexpr (Emit::stores) {
      for (std::uint32_t j = pending; j != none;) {
        std::uint32_t next = e.at(j).x;
        e.at(j).x = e.size();
        j = next;
      }
    }
    return true;
  }

  constexpr bool concatenation() {
    while (!at_end() && peek() != '|' && peek() != ')')
      if (!repetition()) return false;
    return true;
  }

  /// Reads `{m}`, `{m,}`, `{m,n}` or `{,n}` at i; false (i unchanged) when the text is not one (then `{` is a
  /// literal, as in Python).
  constexpr bool counted(std::uint32_t& m, std::uint32_t& n, bool& bad) {
    std::size_t k = i + 1;
    auto number = [&](std::uint32_t& out) {
      std::size_t s = k;
      std::uint64_t v = 0;
      while (k < p.size() && p[k] >= '0' && p[k] <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(p[k] - '0');
        if (v > regex_max_repeat) bad = true;
        ++k;
      }
      out = static_cast<std::uint32_t>(v > regex_max_repeat ? regex_max_repeat + 1 : v);
      return k > s;
    };
    bool has_m = number(m);
    if (k < p.size() && p[k] == '}') {
      if (!has_m) return false;
      n = m;
    } else if (k < p.size() && p[k] == ',') {
      ++k;
      if (!has_m) m = 0;
      if (!number(n)) {
        if (!has_m) return false;
        n = none;
      }
      if (k >= p.size() || p[k] != '}') return false;
    } else {
      return false;
    }
    i = k + 1;
    return true;
  }

  constexpr bool repetition() {
    const std::uint32_t start = e.size();
    bool repeatable = true;
    if (!atom(repeatable)) return false;
    bool quantified = false;
    for (;;) {
      const char c = peek();
      std::uint32_t m = 0, n = 0;
      bool bad = false;
      const std::size_t at = i;
      if (at_end()) break;
      if (c == '*') m = 0, n = none, ++i;
      else if (c == '+') m = 1, n = none, ++i;
      else if (c == '?') m = 0, n = 1, ++i;
      else if (c == '{' && counted(m, n, bad)) {
      } else {
        break;
      }
      if (bad) return i = at, fail(RegexError::repeat_too_large);
      if (n != none && m > n) return i = at, fail(RegexError::bad_repeat);
      if (!repeatable) return i = at, fail(RegexError::nothing_to_repeat);
      if (quantified) return i = at, fail(RegexError::multiple_repeat);
      quantified = true;
      if (peek() == '?' && !at_end()) ++i;  // lazy: the same strings match
      else if (peek() == '+' && !at_end()) return fail(RegexError::possessive);
      if (!repeat(start, m, n)) return false;
    }
    return true;
  }

  /// Rewrites the code of x at [start, size) as x{m,n} (n == none: unbounded).
  constexpr bool repeat(std::uint32_t start, std::uint32_t m, std::uint32_t n) {
    const std::uint32_t len = e.size() - start;
    if (n == 0) {
      e.truncate(start);
      return true;
    }
    if (n == none) {
      if (m == 0) {  // x*: L: split(x, out); x; jmp L
        if (!room(2)) return false;
        e.insert(start, {RegexOp::split, RegexAssert::begin_text, start + 1, start + len + 2});
        e.emit({RegexOp::jmp, RegexAssert::begin_text, start, 0});
        return true;
      }
      if (!room(static_cast<std::uint64_t>(m - 1) * len + 1)) return false;
      for (std::uint32_t k = 1; k < m; ++k) e.copy(start, len);
      const std::uint32_t last = e.size() - len;  // x+ on the last copy
      e.emit({RegexOp::split, RegexAssert::begin_text, last, e.size() + 1});
      return true;
    }
    // x{m,n}: m copies, then n-m of "split(next, end); x" (skipping one skips the rest, as RE2 does).
    const std::uint64_t total = static_cast<std::uint64_t>(m) * len + static_cast<std::uint64_t>(n - m) * (len + 1);
    if (!room(total - len)) return false;
    const std::uint32_t end = start + static_cast<std::uint32_t>(total);
    std::uint32_t src = start;
    if (m == 0) {
      e.insert(start, {RegexOp::split, RegexAssert::begin_text, start + 1, end});
      src = start + 1;
    } else {
      for (std::uint32_t k = 1; k < m; ++k) e.copy(src, len);
    }
    for (std::uint32_t k = m == 0 ? 1 : m; k < n; ++k) {
      e.emit({RegexOp::split, RegexAssert::begin_text, e.size() + 1, end});
      e.copy(src, len);
    }
    return true;
  }

  constexpr bool literal(std::uint32_t cp) {
    e.emit({RegexOp::chr, RegexAssert::begin_text, cp, 0});
    return true;
  }
  constexpr bool set(const RegexClassSet& s) {
    if (s.overflow) return fail(RegexError::too_large);
    e.emit({RegexOp::cls, RegexAssert::begin_text, e.add_class(s), 0});
    return true;
  }
  constexpr bool assertion(RegexAssert kind, bool& repeatable) {
    repeatable = false;
    e.emit({RegexOp::assert_, kind});
    return true;
  }

  /// One code point of the pattern itself (UTF-8).
  constexpr bool pattern_char(std::uint32_t& cp) {
    std::size_t len = 1;
    cp = regex_decode(p, i, len);
    if (cp == regex_invalid_byte) return fail(RegexError::bad_utf8);
    i += len;
    return true;
  }

  static constexpr int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
  /// \xHH, \uHHHH, \x{H..}, \u{H..} after the letter (i at the first digit or '{').
  constexpr bool hex_escape(std::size_t digits, std::uint32_t& cp) {
    std::uint32_t v = 0;
    if (peek() == '{' && !at_end()) {
      ++i;
      std::size_t k = 0;
      while (!at_end() && peek() != '}') {
        if (hex(peek()) < 0 || ++k > 6) return fail(RegexError::bad_escape);
        v = v * 16 + static_cast<std::uint32_t>(hex(peek()));
        ++i;
      }
      if (at_end() || k == 0) return fail(RegexError::bad_escape);
      ++i;
    } else {
      for (std::size_t k = 0; k < digits; ++k, ++i) {
        if (at_end() || hex(peek()) < 0) return fail(RegexError::bad_escape);
        v = v * 16 + static_cast<std::uint32_t>(hex(peek()));
      }
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return fail(RegexError::bad_escape);
    cp = v;
    return true;
  }

  /// The escape after a backslash (i at the backslash). A single code point -> `cp`, a class -> `cls` and
  /// is_set; an assertion (outside classes only) -> `kind` and is_assert.
  constexpr bool escape(bool in_class, std::uint32_t& cp, RegexClassSet& cls, bool& is_set, RegexAssert& kind,
                        bool& is_assert) {
    ++i;
    if (at_end()) return fail(RegexError::trailing_backslash);
    const char c = peek();
    is_set = is_assert = false;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
        ++i, is_set = true, cls = regex_escape_class(c);
        return true;
      case 'n': ++i, cp = '\n'; return true;
      case 'r': ++i, cp = '\r'; return true;
      case 't': ++i, cp = '\t'; return true;
      case 'f': ++i, cp = '\f'; return true;
      case 'v': ++i, cp = '\v'; return true;
      case 'x': ++i; return hex_escape(2, cp);
      case 'u': ++i; return hex_escape(4, cp);
      case '0':
        if (peek(1) >= '0' && peek(1) <= '9') return fail(RegexError::backreference);
        ++i, cp = 0;
        return true;
      case 'k': return fail(RegexError::backreference);
      case 'p': case 'P': return fail(RegexError::unicode_class);
      case 'b':
        ++i;
        if (in_class) return cp = '\b', true;
        return kind = RegexAssert::word_boundary, is_assert = true, true;
      case 'B': case 'A': case 'z': case 'Z':
        if (in_class) return fail(RegexError::bad_escape);
        ++i, is_assert = true;
        kind = c == 'B' ? RegexAssert::not_word_boundary : c == 'A' ? RegexAssert::begin_text : RegexAssert::end_text;
        return true;
      default: break;
    }
    if (c >= '1' && c <= '9') return fail(RegexError::backreference);
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      return fail(RegexError::bad_escape);
    if (u < 0x20) return fail(RegexError::bad_escape);
    ++i, cp = u;  // any ASCII punctuation or space stands for itself
    return true;
  }

  constexpr bool group(bool& repeatable) {
    ++i;  // '('
    if (peek() == '?' && !at_end()) {
      const char a = peek(1), b = peek(2);
      if (a == ':') {
        i += 2;
      } else if (a == '=' || a == '!' || (a == '<' && (b == '=' || b == '!'))) {
        return fail(RegexError::lookaround);
      } else if (a == 'P' && b == '=') {
        return fail(RegexError::backreference);
      } else if (a == '<' || (a == 'P' && b == '<')) {  // a named group: (?P<name>...) or (?<name>...)
        i += a == 'P' ? 3 : 2;
        std::size_t s = i;
        while (!at_end() && (peek() == '_' || (peek() >= '0' && peek() <= '9') || ((peek() | 0x20) >= 'a' && (peek() | 0x20) <= 'z')))
          ++i;
        if (i == s || peek() != '>' || at_end()) return fail(RegexError::unbalanced_group);
        ++i;
      } else if (a == '>') {
        return fail(RegexError::atomic);
      } else if (a == '(') {
        return fail(RegexError::conditional);
      } else if (a == '#') {  // a comment (?#...), as Python
        while (!at_end() && peek() != ')') ++i;
        if (at_end()) return fail(RegexError::unbalanced_group);
        ++i;
        repeatable = false;
        return true;
      } else {
        return fail(RegexError::inline_flags);
      }
    }
    if (++depth > regex_max_depth) return fail(RegexError::too_deep);
    if (!alternation()) return false;
    if (at_end() || peek() != ')') return fail(RegexError::unbalanced_group);
    ++i;
    --depth;
    return true;
  }

  constexpr bool char_class() {
    ++i;  // '['
    bool negated = false;
    if (peek() == '^' && !at_end()) ++i, negated = true;
    RegexClassSet s;
    bool first = true;
    for (;;) {
      if (at_end()) return fail(RegexError::unterminated_class);
      const char c = peek();
      if (c == ']' && !first) {
        ++i;
        break;
      }
      first = false;
      if (c == '[' && (peek(1) == ':' || peek(1) == '=' || peek(1) == '.')) return fail(RegexError::posix_class);
      if (c == '&' && peek(1) == '&') return fail(RegexError::class_operation);
      std::uint32_t lo = 0;
      if (!class_atom(s, lo)) {
        if (error != RegexError::none) return false;
        continue;  // a set escape (\d) was added
      }
      if (peek() == '-' && peek(1) != ']' && i + 1 < p.size()) {
        ++i;
        std::uint32_t hi = 0;
        if (!class_atom(s, hi)) return error != RegexError::none ? false : fail(RegexError::bad_range);
        if (hi < lo) return fail(RegexError::bad_range);
        s.add(lo, hi);
      } else {
        s.add(lo, lo);
      }
    }
    if (negated) s.negate();
    else s.normalize();
    return set(s);
  }
  /// One member of a class: a code point (true, in cp) or a set escape added to s (false, no error).
  constexpr bool class_atom(RegexClassSet& s, std::uint32_t& cp) {
    if (peek() == '\\') {
      RegexClassSet esc;
      bool is_set = false, is_assert = false;
      RegexAssert kind{};
      if (!escape(true, cp, esc, is_set, kind, is_assert)) return false;
      if (is_set) {
        s.add_set(esc);
        return false;
      }
      return true;
    }
    return pattern_char(cp);
  }

  constexpr bool atom(bool& repeatable) {
    const char c = peek();
    switch (c) {
      case '(': return group(repeatable);
      case '[': return char_class();
      case '.': {
        ++i;
        RegexClassSet s;
        s.add('\n', '\n');
        s.negate();
        return set(s);
      }
      case '^': ++i; return assertion(RegexAssert::begin_text, repeatable);
      case '$': ++i; return assertion(RegexAssert::end_text, repeatable);
      case '*': case '+': case '?': return fail(RegexError::nothing_to_repeat);
      case '\\': {
        std::uint32_t cp = 0;
        RegexClassSet s;
        bool is_set = false, is_assert = false;
        RegexAssert kind{};
        if (!escape(false, cp, s, is_set, kind, is_assert)) return false;
        if (is_assert) return assertion(kind, repeatable);
        if (is_set) return set(s);
        return literal(cp);
      }
      default: {
        std::uint32_t cp = 0;
        if (!pattern_char(cp)) return false;
        return literal(cp);
      }
    }
  }
};

/// What a compile-time check of a pattern found: the error (none when accepted), where, and the program size.
struct RegexCheck {
  RegexError error = RegexError::none;
  std::size_t offset = 0;
  std::uint32_t program_size = 0;
};

/// Checks a pattern without building it (usable in constant expressions).
constexpr RegexCheck check_regex(std::string_view pattern, bool full = false) {
  RegexCounter counter;
  RegexParser<RegexCounter> parser{pattern, counter};
  parser.parse(full);
  return {parser.error, parser.offset, counter.n};
}

/// A compiled pattern. `Regex::compile("^[a-z]+$")` (a match anywhere, as Python's re.search and Pydantic's
/// pattern) or `Regex::compile(p, true)` (the whole input, as re.fullmatch). Invalid or unsupported patterns
/// throw ConfigurationError: `fastapi: pattern "(a)\1" is not supported: backreferences ...`.
class Regex {
 public:
  Regex() = default;
  static Regex compile(std::string_view pattern, bool full = false);
  /// True when the input matches (anywhere, or as a whole for a full pattern). Linear time, constant stack.
  bool matches(std::string_view input) const;
  /// The same answer without the DFA cache: the NFA simulated alone (tests and the fuzzer compare the two).
  bool matches_uncached(std::string_view input) const { return !program_.empty() && simulate(input); }
  std::size_t program_size() const { return program_.size(); }

  // The emitter interface RegexParser builds with.
  static constexpr bool stores = true;
  std::uint32_t size() const { return static_cast<std::uint32_t>(program_.size()); }
  std::uint32_t emit(RegexInst in) {
    program_.push_back(in);
    return size() - 1;
  }
  RegexInst& at(std::uint32_t pc) { return program_[pc]; }
  void insert(std::uint32_t pos, RegexInst in);
  void copy(std::uint32_t src, std::uint32_t len);
  void truncate(std::uint32_t to) { program_.resize(to); }
  std::uint32_t add_class(const RegexClassSet& s);

 private:
  struct Class {
    std::uint64_t ascii[2] = {0, 0};
    std::uint32_t begin = 0, end = 0;  // its ranges above ASCII in ranges_
  };
  struct Scratch;
  struct Dfa;
  bool in_class(const Class& c, std::uint32_t cp) const;
  bool consumes(const RegexInst& in, std::uint32_t cp) const {
    return (in.op == RegexOp::chr && in.x == cp) || (in.op == RegexOp::cls && in_class(classes_[in.x], cp));
  }
  /// Adds pc and all it reaches without reading a character to the set; true when that reaches match.
  /// `at` says which assertions hold there (bit 0: start of text, 1: end, 2: word before, 3: word after).
  bool closure(Scratch& s, bool into_b, std::uint32_t pc, unsigned at) const;
  bool simulate(std::string_view input) const;  // the NFA, one set of states per character
  bool run_dfa(Dfa& dfa, std::string_view input) const;

  std::vector<RegexInst> program_;
  std::vector<Class> classes_;
  std::vector<std::uint32_t> ranges_;  // lo, hi pairs
  bool anchored_ = false;              // starts with \A: threads start at offset 0 only
  bool word_asserts_ = false;          // has \b or \B: the DFA cache does not apply
  std::shared_ptr<Dfa> dfa_;           // shared by copies; used by one thread at a time (try_lock)
};

/// The ConfigurationError text for a refused pattern: `fastapi: <who> "<pattern>" is not supported: <why> (at
/// offset N)`.
inline std::string regex_refusal(std::string_view who, std::string_view pattern, const RegexCheck& check) {
  return "fastapi: " + std::string(who) + " \"" + std::string(pattern) + "\" is not supported: " +
         std::string(regex_error_message(check.error)) + " (at offset " + std::to_string(check.offset) + ")";
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Regex Regex::compile(std::string_view pattern, bool full) {
  Regex r;
  RegexParser<Regex> parser{pattern, r};
  if (!parser.parse(full))
    throw ConfigurationError(regex_refusal("pattern", pattern, {parser.error, parser.offset, r.size()}));
  r.anchored_ = !r.program_.empty() && r.program_[0].op == RegexOp::assert_ &&
                r.program_[0].kind == RegexAssert::begin_text;
  for (const RegexInst& in : r.program_)
    r.word_asserts_ = r.word_asserts_ || (in.op == RegexOp::assert_ && (in.kind == RegexAssert::word_boundary ||
                                                                        in.kind == RegexAssert::not_word_boundary));
  if (!r.word_asserts_) r.dfa_ = std::make_shared<Dfa>();
  return r;
}

FASTAPI_DETAIL_INLINE void Regex::insert(std::uint32_t pos, RegexInst in) {
  // Every target at or after pos inside the moved code moves with it; code before pos never points past it.
  for (std::size_t k = pos; k < program_.size(); ++k) {
    RegexInst& m = program_[k];
    if (m.op == RegexOp::split || m.op == RegexOp::jmp) {
      if (m.x >= pos) ++m.x;
      if (m.op == RegexOp::split && m.y >= pos) ++m.y;
    }
  }
  program_.insert(program_.begin() + pos, in);
}

FASTAPI_DETAIL_INLINE void Regex::copy(std::uint32_t src, std::uint32_t len) {
  const std::uint32_t delta = size() - src;  // the copy's targets are inside [src, src + len], shifted
  for (std::uint32_t k = 0; k < len; ++k) {
    RegexInst m = program_[src + k];
    if (m.op == RegexOp::split || m.op == RegexOp::jmp) {
      m.x += delta;
      if (m.op == RegexOp::split) m.y += delta;
    }
    program_.push_back(m);
  }
}

FASTAPI_DETAIL_INLINE std::uint32_t Regex::add_class(const RegexClassSet& s) {
  Class c;
  c.begin = static_cast<std::uint32_t>(ranges_.size());
  for (std::size_t k = 0; k < s.size; ++k) {
    for (std::uint32_t cp = s.lo[k]; cp <= s.hi[k] && cp < 128; ++cp) c.ascii[cp >> 6] |= std::uint64_t{1} << (cp & 63);
    if (s.hi[k] >= 128) {
      ranges_.push_back(s.lo[k] < 128 ? 128 : s.lo[k]);
      ranges_.push_back(s.hi[k]);
    }
  }
  c.end = static_cast<std::uint32_t>(ranges_.size());
  classes_.push_back(c);
  return static_cast<std::uint32_t>(classes_.size() - 1);
}

FASTAPI_DETAIL_INLINE bool Regex::in_class(const Class& c, std::uint32_t cp) const {
  if (cp < 128) return (c.ascii[cp >> 6] >> (cp & 63)) & 1;
  for (std::uint32_t k = c.begin; k < c.end; k += 2)
    if (cp >= ranges_[k] && cp <= ranges_[k + 1]) return true;
  return false;
}

namespace regex_vm {
/// A set of program counters with O(1) insert, test and clear (Briggs and Torczon's sparse set).
struct SparseSet {
  std::vector<std::uint32_t> dense, sparse;
  std::uint32_t n = 0;
  void reset(std::size_t cap) {
    if (sparse.size() < cap) dense.resize(cap), sparse.resize(cap);
    n = 0;
  }
  bool contains(std::uint32_t pc) const { return sparse[pc] < n && dense[sparse[pc]] == pc; }
  void add(std::uint32_t pc) {
    sparse[pc] = n;
    dense[n++] = pc;
  }
};
inline bool is_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
}  // namespace regex_vm

struct Regex::Scratch {
  regex_vm::SparseSet a, b;
  std::vector<std::uint32_t> stack;
  /// One per thread, grown to the largest program seen: no allocation per match in steady state.
  static Scratch& get(std::size_t cap) {
    thread_local Scratch s;
    s.a.reset(cap);
    s.b.reset(cap);
    if (s.stack.size() < cap) s.stack.resize(cap);
    return s;
  }
};

/// The lazy DFA: each state is a set of NFA states met while matching, with its transitions on ASCII characters
/// filled in as they are taken. Bounded: past max_states, or max_stored program counters in all (about 1 MiB
/// with the index), it starts over.
struct Regex::Dfa {
  static constexpr std::size_t max_states = 512;
  static constexpr std::size_t max_stored = std::size_t{1} << 17;
  struct State {
    std::vector<std::uint32_t> pcs;  // sorted
    bool match = false;              // a match has been reached (the search is over)
    int match_at_end = -1;           // -1 not yet known, else whether the end of the text completes a match
  };
  std::mutex mutex;
  std::vector<State> states;
  std::vector<std::int32_t> next;  // [state * 128 + c]: -1 unknown
  std::map<std::vector<std::uint32_t>, std::uint32_t> index;
  std::int32_t start = -1;  // the state at offset 0 of a non-empty text
  std::size_t stored = 0;   // program counters held by states

  bool full() const { return states.size() > max_states || stored > max_stored; }
  void clear() {
    states.clear();
    next.clear();
    index.clear();
    start = -1;
    stored = 0;
  }
  /// The state of the set `set` (sorted here), added when new.
  std::uint32_t intern(std::vector<std::uint32_t>& pcs, bool match) {
    std::sort(pcs.begin(), pcs.end());
    auto it = index.find(pcs);
    if (it != index.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(states.size());
    index.emplace(pcs, id);
    stored += pcs.size();
    states.push_back({pcs, match, -1});
    next.resize(next.size() + 128, -1);
    return id;
  }
};

FASTAPI_DETAIL_INLINE bool Regex::closure(Scratch& s, bool into_b, std::uint32_t pc0, unsigned at) const {
  regex_vm::SparseSet& set = into_b ? s.b : s.a;
  if (set.contains(pc0)) return false;
  bool matched = false;
  std::uint32_t* const stack = s.stack.data();
  std::size_t top = 0;
  set.add(pc0);
  stack[top++] = pc0;
  while (top > 0) {  // each pc enters the set once: the explicit stack never outgrows the program
    const std::uint32_t pc = stack[--top];
    const RegexInst& in = program_[pc];
    std::uint32_t to[2];
    int count = 0;
    switch (in.op) {
      case RegexOp::jmp: to[count++] = in.x; break;
      case RegexOp::split: to[count++] = in.y, to[count++] = in.x; break;
      case RegexOp::match: matched = true; break;
      case RegexOp::assert_: {
        bool ok;
        switch (in.kind) {
          case RegexAssert::begin_text: ok = at & 1; break;
          case RegexAssert::end_text: ok = at & 2; break;
          case RegexAssert::word_boundary: ok = ((at >> 2) & 1) != ((at >> 3) & 1); break;
          default: ok = ((at >> 2) & 1) == ((at >> 3) & 1); break;
        }
        if (ok) to[count++] = pc + 1;
        break;
      }
      default: break;  // chr, cls: wait for the next character
    }
    for (int k = 0; k < count; ++k) {
      if (set.contains(to[k])) continue;
      set.add(to[k]);
      stack[top++] = to[k];
    }
  }
  return matched;
}

FASTAPI_DETAIL_INLINE bool Regex::matches(std::string_view input) const {
  if (program_.empty()) return false;
  if (dfa_ && !input.empty() && dfa_->mutex.try_lock()) {  // busy on another thread: simulate the NFA instead
    std::lock_guard<std::mutex> hold(dfa_->mutex, std::adopt_lock);
    return run_dfa(*dfa_, input);
  }
  return simulate(input);
}

FASTAPI_DETAIL_INLINE bool Regex::simulate(std::string_view input) const {
  Scratch& s = Scratch::get(program_.size());
  const std::size_t size = input.size();
  auto at = [&](std::size_t pos) {
    return unsigned{pos == 0} | unsigned{pos == size} << 1 |
           unsigned{pos > 0 && regex_vm::is_word(static_cast<unsigned char>(input[pos - 1]))} << 2 |
           unsigned{pos < size && regex_vm::is_word(static_cast<unsigned char>(input[pos]))} << 3;
  };
  bool cur_b = false;  // the current set is s.a; the next one s.b
  if (closure(s, cur_b, 0, at(0))) return true;
  for (std::size_t pos = 0; pos < size;) {
    regex_vm::SparseSet& cur = cur_b ? s.b : s.a;
    if (cur.n == 0 && anchored_) return false;
    std::size_t len = 1;
    const std::uint32_t cp = regex_decode(input, pos, len);
    pos += len;
    const unsigned flags = at(pos);
    (cur_b ? s.a : s.b).n = 0;
    for (std::uint32_t k = 0; k < cur.n; ++k)
      if (consumes(program_[cur.dense[k]], cp) && closure(s, !cur_b, cur.dense[k] + 1, flags)) return true;
    if (!anchored_ && closure(s, !cur_b, 0, flags)) return true;  // a match may also start here (search)
    cur_b = !cur_b;
  }
  return false;
}

FASTAPI_DETAIL_INLINE bool Regex::run_dfa(Dfa& dfa, std::string_view input) const {
  // No \b or \B here: the assertions depend only on "start of text" (offset 0) and "end of text" (checked once
  // the text is read), so a set of states and a character give one next set, whatever came before.
  Scratch& s = Scratch::get(program_.size());
  std::vector<std::uint32_t> pcs;
  auto intern_a = [&](bool match) {
    pcs.assign(s.a.dense.begin(), s.a.dense.begin() + s.a.n);
    return dfa.intern(pcs, match);
  };
  if (dfa.full()) dfa.clear();
  if (dfa.start < 0) {
    s.a.n = 0;
    const bool m = closure(s, false, 0, 1);
    dfa.start = static_cast<std::int32_t>(intern_a(m));
  }
  std::uint32_t state = static_cast<std::uint32_t>(dfa.start);
  if (dfa.states[state].match) return true;
  const std::size_t size = input.size();
  for (std::size_t pos = 0; pos < size;) {
    const unsigned char c = static_cast<unsigned char>(input[pos]);
    if (c < 128) {
      const std::int32_t known = dfa.next[state * 128 + c];
      if (known >= 0) {
        state = static_cast<std::uint32_t>(known);
        ++pos;
        if (dfa.states[state].match) return true;
        if (anchored_ && dfa.states[state].pcs.empty()) return false;
        continue;
      }
    }
    std::size_t len = 1;
    const std::uint32_t cp = regex_decode(input, pos, len);
    pos += len;
    // The step, as in simulate(), from the state's set into s.a (not at the start; the end is checked below).
    s.a.n = 0;
    s.b.n = 0;
    bool m = false;
    for (std::uint32_t pc : dfa.states[state].pcs)
      if (consumes(program_[pc], cp)) m = closure(s, false, pc + 1, 0) || m;
    if (!anchored_) m = closure(s, false, 0, 0) || m;
    if (dfa.full()) {  // full: start over, keeping only where we are
      pcs.assign(s.a.dense.begin(), s.a.dense.begin() + s.a.n);
      dfa.clear();
      state = dfa.intern(pcs, m);
    } else {
      const std::uint32_t to = intern_a(m);
      if (cp < 128) dfa.next[state * 128 + cp] = static_cast<std::int32_t>(to);
      state = to;
    }
    if (m) return true;
    if (anchored_ && dfa.states[state].pcs.empty()) return false;
  }
  // The end of the text: the end assertions now hold.
  Dfa::State& last = dfa.states[state];
  if (last.match_at_end < 0) {
    s.a.n = 0;
    bool m = false;
    for (std::uint32_t pc : last.pcs)
      if (program_[pc].op == RegexOp::assert_) m = closure(s, false, pc, 2) || m;
    last.match_at_end = m;
  }
  return last.match_at_end == 1;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
