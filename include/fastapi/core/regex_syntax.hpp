// core/regex_syntax.hpp: a pattern's syntax -> a Thompson program (instructions), or the sentence saying why it is
// refused (the program's parts: core/regex_program.hpp). constexpr, so a Rule's pattern is checked at compile
// time. Feeds core/regex.hpp (the matcher) and json/rules (the compile-time check). Knows nothing of matching,
// HTTP or JSON.
//
// Syntax (docs/models.md has the table): literals and escapes, `.`, classes `[a-z]` `[^...]`, `\d \w \s \D \W \S`,
// anchors `^ $ \A \z \b \B`, groups `( )` `(?: )` `(?P<name> )`, alternation `|`, `? * + {m} {m,} {m,n}` and their
// lazy forms. Only "does it match" is asked, so lazy and greedy forms match the same strings. Refused with a
// sentence: backreferences, lookaround, atomic groups and possessive quantifiers, inline flags, \p{..}, and
// programs above regex_max_program instructions. The parser is constexpr: a Rule's pattern is checked at compile
// time (json/rules.hpp), a CORS pattern when the middleware is built.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "fastapi/core/regex_program.hpp"

namespace fastapi {
namespace detail {

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
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
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
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': ++i, is_set = true, cls = regex_escape_class(c); return true;
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
      case 'p':
      case 'P': return fail(RegexError::unicode_class);
      case 'b':
        ++i;
        if (in_class) return cp = '\b', true;
        return kind = RegexAssert::word_boundary, is_assert = true, true;
      case 'B':
      case 'A':
      case 'z':
      case 'Z':
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
        while (!at_end() && (peek() == '_' || (peek() >= '0' && peek() <= '9') ||
                             ((peek() | 0x20) >= 'a' && (peek() | 0x20) <= 'z')))
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
      case '*':
      case '+':
      case '?': return fail(RegexError::nothing_to_repeat);
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

}  // namespace detail
}  // namespace fastapi
