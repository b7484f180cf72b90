// json/syntax_error.hpp: where malformed JSON text goes wrong, in Python's json module's position and words (the
// 422's json_invalid error), found by a small iterative scanner once simdjson has refused the text. Fed by core/;
// feeds json/read. Knows nothing of simdjson, models or HTTP.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/utf8.hpp"

namespace fastapi::detail {

// ---- where the error is in malformed JSON: Python's json module, position and words ------------

struct JsonSyntaxError {
  std::size_t pos;
  std::string_view msg;
};

/// The first error Python's json.loads would report in `s` (offsets in bytes), plus what simdjson
/// refuses and Python accepts: nesting beyond max_depth (json/read passes json_max_depth), invalid UTF-8, NaN/Infinity, numbers
/// out of double range, unpaired \u surrogates. Iterative: hostile nesting cannot overflow the stack.
/// Only called once simdjson has refused the text (or it nests past max_depth).
FASTAPI_DETAIL_INLINE std::optional<JsonSyntaxError> locate_json_error(std::string_view s, std::size_t max_depth);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<JsonSyntaxError> locate_json_error(std::string_view s, std::size_t max_depth) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  std::vector<char> stack;  // '{' or '['
  const auto ws = [&] {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  };
  const auto hex4 = [&](std::size_t at) -> long {
    if (at + 4 > n) return -1;
    long v = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const char c = s[k];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  // A string whose opening quote is at `begin`; i ends after the closing quote.
  const auto string = [&](std::size_t begin) -> std::optional<JsonSyntaxError> {
    i = begin + 1;
    for (;;) {
      if (i >= n) return JsonSyntaxError{begin, "Unterminated string starting at"};
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"') {
        ++i;
        return std::nullopt;
      }
      if (c < 0x20) return JsonSyntaxError{i, "Invalid control character at"};
      if (c >= 0x80) {
        const int len = utf8_sequence(reinterpret_cast<const unsigned char*>(s.data() + i), n - i);
        if (len < 0) return JsonSyntaxError{i, "Invalid UTF-8 in string"};
        i += static_cast<std::size_t>(len);
        continue;
      }
      if (c != '\\') {
        ++i;
        continue;
      }
      if (i + 1 >= n) return JsonSyntaxError{begin, "Unterminated string starting at"};
      const char e = s[i + 1];
      if (e != 'u') {
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
          return JsonSyntaxError{i, "Invalid \\escape"};
        i += 2;
        continue;
      }
      if (i + 6 >= n) return JsonSyntaxError{i + 1, "Invalid \\uXXXX escape"};
      const long u = hex4(i + 2);
      if (u < 0) return JsonSyntaxError{i + 1, "Invalid \\uXXXX escape"};
      if (u >= 0xDC00 && u <= 0xDFFF) return JsonSyntaxError{i, "Unpaired surrogate in \\u escape"};
      if (u >= 0xD800 && u <= 0xDBFF) {
        const long low = (i + 7 < n && s[i + 6] == '\\' && s[i + 7] == 'u') ? hex4(i + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF) return JsonSyntaxError{i, "Unpaired surrogate in \\u escape"};
        i += 12;
        continue;
      }
      i += 6;
    }
  };
  // One value starting at i (whitespace skipped); containers push onto `stack` and return.
  const auto value = [&]() -> std::optional<JsonSyntaxError> {
    if (i >= n) return JsonSyntaxError{i, "Expecting value"};
    const char c = s[i];
    if (c == '"') return string(i);
    if (c == '{' || c == '[') {
      const std::size_t at = i;
      ++i;
      ws();
      const bool empty = i < n && s[i] == (c == '{' ? '}' : ']');
      if (stack.size() + 1 > max_depth + (empty ? 1 : 0))
        return JsonSyntaxError{at, "Nesting deeper than 64 arrays and objects"};
      stack.push_back(c);
      i = at + 1;
      return std::nullopt;
    }
    for (std::string_view word : {"null", "true", "false"})
      if (s.substr(i, word.size()) == word) {
        i += word.size();
        return std::nullopt;
      }
    if (s.substr(i, 3) == "NaN" || s.substr(i, 8) == "Infinity" || s.substr(i, 9) == "-Infinity")
      return JsonSyntaxError{i, "NaN and Infinity are not JSON"};
    const std::size_t start = i;
    if (s[i] == '-' && ++i >= n) return JsonSyntaxError{start, "Expecting value"};
    if (s[i] >= '1' && s[i] <= '9') {
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    } else if (s[i] == '0') {
      ++i;
    } else {
      return JsonSyntaxError{start, "Expecting value"};
    }
    if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
      i += 2;
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
      const std::size_t e = i++;
      if (i + 1 < n && (s[i] == '-' || s[i] == '+')) ++i;
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
      if (!(s[i - 1] >= '0' && s[i - 1] <= '9')) i = e;
    }
    // Integers beyond a double's range too: simdjson reads big integers as doubles at best.
    const std::string token(s.substr(start, i - start));
    if (std::isinf(std::strtod(token.c_str(), nullptr))) return JsonSyntaxError{start, "Number out of range"};
    return std::nullopt;
  };
  ws();
  if (auto e = value()) return e;
  for (;;) {
    if (stack.empty()) break;
    // Just after a container opened, or after a member/element: Python's _parse_object / _parse_array.
    const char open = stack.back();
    const char close = open == '{' ? '}' : ']';
    const bool just_opened = s[i - 1] == open;
    ws();
    if (just_opened && i < n && s[i] == close) {
      ++i;
      stack.pop_back();
      continue;
    }
    if (!just_opened) {
      if (i < n && s[i] == close) {
        ++i;
        stack.pop_back();
        continue;
      }
      if (i >= n || s[i] != ',') return JsonSyntaxError{i, "Expecting ',' delimiter"};
      ++i;
      ws();
    }
    if (open == '{') {
      if (i >= n || s[i] != '"') return JsonSyntaxError{i, "Expecting property name enclosed in double quotes"};
      if (auto e = string(i)) return e;
      ws();
      if (i >= n || s[i] != ':') return JsonSyntaxError{i, "Expecting ':' delimiter"};
      ++i;
      ws();
    }
    if (auto e = value()) return e;
  }
  ws();
  if (i != n) return JsonSyntaxError{i, "Extra data"};
  return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
