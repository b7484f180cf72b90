// params/convert.hpp: one text from the path, the query, a header, a cookie or a form field -> a typed value, in Pydantic v2's lax (Python-mode) words. Fed by params/binding; uses json/read.hpp's enum names. Knows nothing of requests or where the text came from.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

namespace detail {
template <class T>
inline constexpr bool is_char_type =
    std::is_same_v<T, char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> ||
    std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;
template <class T>
inline constexpr bool is_scalar_text_type =
    std::is_same_v<T, bool> ||
    (std::is_integral_v<T> && !is_char_type<T>) || std::is_floating_point_v<T> || std::is_same_v<T, std::string> ||
    std::is_same_v<T, std::string_view> || std::is_same_v<T, Email> || std::is_enum_v<T> || is_scalar<T>;
}  // namespace detail

/// True for the types a text converts to: bool, integers (not char), float/double, std::string,
/// std::string_view, fa::Email, enums, scalars (fa::Scalar<T>: datetime, date, time, timedelta, fa::UUID,
/// fa::Choice, fa::Bytes, your own), and std::optional of these.
template <class T>
inline constexpr bool text_convertible = detail::is_scalar_text_type<T> ||
                                         (detail::is_optional<T> &&
                                          detail::is_scalar_text_type<typename detail::unwrap_optional<T>::type>);

/// Converts `text` to T as Pydantic v2 does for a str input in lax mode; nullopt and `error` set when it
/// cannot. `from_string<int>(" 42 ", e) == 42`, `from_string<bool>("yes", e) == true`.
///  - bool: `1 t true y yes on` / `0 f false n no off`, any case -> else bool_parsing "Input should be a
///    valid boolean, unable to interpret input";
///  - integers: surrounding whitespace, a sign, `_` between digits, a `.` followed by zeros (`"5.00"`) ->
///    else int_parsing "Input should be a valid integer, unable to parse string as an integer"; outside the
///    C++ type's range -> greater_than_equal / less_than_equal with the type's bound, as `Field(ge=, le=)`;
///  - float/double: decimal or exponent notation, `inf`, `nan` -> else float_parsing "Input should be a
///    valid number, unable to parse string as a number";
///  - enums: the enumerator's name (json/read.hpp's enum reflection) -> else enum "Input should be 'a', 'b' or 'c'",
///    ctx {"expected": "'a', 'b' or 'c'"};
///  - std::string, std::string_view (a view of `text`), fa::Email (checked later by its rules): as is;
///  - scalars: fa::Scalar<T>::read, given the text (ScalarInput::from_text): `from_string<fa::UUID>(...)`,
///    datetime_from_date_parsing, uuid_parsing, literal_error, ... in Pydantic's words;
///  - std::optional<U>: as U (absence is the caller's business).
template <class T>
std::optional<T> from_string(std::string_view text, ConversionError& error);

// ---- implementation --------------------------------------------------------------------------

namespace detail {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// `s` without surrounding ASCII whitespace (Python's str.strip for the texts that reach a number).
constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline ConversionError int_parsing_error() {
  return {"int_parsing", "Input should be a valid integer, unable to parse string as an integer", nullptr};
}

/// A bound error as Pydantic's `Field(ge=...)`/`Field(le=...)` words it, for the limits of a C++ type.
template <class Bound>
ConversionError bound_error(bool above, Bound bound) {
  Json ctx = Json::object({});
  ctx[above ? "le" : "ge"] = Json(bound);
  return {above ? "less_than_equal" : "greater_than_equal",
          std::string(above ? "Input should be less than or equal to " : "Input should be greater than or equal to ") +
              std::to_string(bound),
          std::move(ctx)};
}

/// Pydantic's integer text: [sign] digits with single `_` between digits, then optionally `.` and zeros.
/// Gives the magnitude (saturated above UINT64_MAX, flagged) and the sign.
FASTAPI_DETAIL_INLINE bool parse_integer_text(std::string_view s, bool& negative, std::uint64_t& magnitude,
                                              bool& overflow);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool parse_integer_text(std::string_view s, bool& negative, std::uint64_t& magnitude,
                                              bool& overflow) {
  s = trim(s);
  if (std::size_t dot = s.find('.'); dot != std::string_view::npos) {
    std::string_view decimals = s.substr(dot + 1);
    if (decimals.empty() || decimals.find_first_not_of('0') != std::string_view::npos) return false;
    s = s.substr(0, dot);
  }
  negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  magnitude = 0;
  overflow = false;
  char previous = '0';
  for (char c : s) {
    if (c == '_') {
      if (previous == '_') return false;
    } else if (c >= '0' && c <= '9') {
      auto digit = static_cast<std::uint64_t>(c - '0');
      if (magnitude > (UINT64_MAX - digit) / 10) overflow = true;
      else magnitude = magnitude * 10 + digit;
    } else {
      return false;
    }
    previous = c;
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class I>
std::optional<I> integer_from_string(std::string_view text, ConversionError& error) {
  bool negative = false, overflow = false;
  std::uint64_t magnitude = 0;
  if (!parse_integer_text(text, negative, magnitude, overflow)) {
    error = int_parsing_error();
    return std::nullopt;
  }
  using Limits = std::numeric_limits<I>;
  if (negative && magnitude != 0) {
    if constexpr (std::is_unsigned_v<I>) {
      error = bound_error(false, 0);
      return std::nullopt;
    } else {
      const auto limit = static_cast<std::uint64_t>(-(Limits::min() + 1)) + 1u;  // |min| without overflow
      if (overflow || magnitude > limit) {
        error = bound_error(false, static_cast<std::int64_t>(Limits::min()));
        return std::nullopt;
      }
      return static_cast<I>(-static_cast<std::int64_t>(magnitude - 1) - 1);
    }
  }
  if (overflow || magnitude > static_cast<std::uint64_t>(Limits::max())) {
    error = bound_error(true, Limits::max());
    return std::nullopt;
  }
  return static_cast<I>(magnitude);
}

template <class F>
std::optional<F> float_from_string(std::string_view text, ConversionError& error) {
  std::string_view s = trim(text);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (s.empty() || end != s.data() + s.size() || (ec != std::errc() && ec != std::errc::result_out_of_range) ||
      s.find('(') != std::string_view::npos) {  // from_chars takes "nan(123)"; Python does not
    error = {"float_parsing", "Input should be a valid number, unable to parse string as a number", nullptr};
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) {  // Python: float("1e400") == inf, float("1e-400") == 0.0
    bool negative = s[0] == '-';
    std::size_t e = s.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-';
    v = tiny ? (negative ? -0.0 : 0.0)
             : (negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
  }
  return static_cast<F>(v);
}

FASTAPI_DETAIL_INLINE std::optional<bool> bool_from_string(std::string_view s, ConversionError& error);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<bool> bool_from_string(std::string_view s, ConversionError& error) {
  for (std::string_view t : {"1", "t", "true", "y", "yes", "on"})
    if (iequals(s, t)) return true;
  for (std::string_view f : {"0", "f", "false", "n", "no", "off"})
    if (iequals(s, f)) return false;
  error = {"bool_parsing", "Input should be a valid boolean, unable to interpret input", nullptr};
  return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

template <class T>
std::optional<T> from_string(std::string_view text, ConversionError& error) {
  if constexpr (detail::is_optional<T>) {
    using U = typename detail::unwrap_optional<T>::type;
    auto v = from_string<U>(text, error);
    if (!v) return std::nullopt;
    return T(std::move(*v));
  } else if constexpr (is_scalar<T>) {
    return detail::read_scalar_text<T>(text, error);
  } else if constexpr (std::is_same_v<T, bool>) {
    return detail::bool_from_string(text, error);
  } else if constexpr (std::is_integral_v<T>) {
    static_assert(!detail::is_char_type<T>,
                  "fastapi: a char parameter is ambiguous; use std::string (a text) or int (a number)"
                  " (docs/compile_errors.md#params-char-parameter)");
    return detail::integer_from_string<T>(text, error);
  } else if constexpr (std::is_floating_point_v<T>) {
    return detail::float_from_string<T>(text, error);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return T(text);
  } else if constexpr (std::is_same_v<T, Email>) {
    return Email(std::string(text));
  } else if constexpr (std::is_enum_v<T>) {
    for (std::size_t i = 0; i < enum_count<T>(); ++i)
      if (enum_name_at<T>(i) == text) return enum_value_at<T>(i);
    std::string expected = enum_expected<T>();
    Json ctx = Json::object({});
    ctx["expected"] = expected;
    error = {"enum", "Input should be " + expected, std::move(ctx)};
    return std::nullopt;
  } else {
    static_assert(detail::dependent_false<T>,
                  "fastapi: a path, query, header, cookie or form value converts to bool, an integer, "
                  "float/double, std::string, std::string_view, fa::Email, an enum, a scalar (datetime, date, time, "
                  "timedelta, fa::UUID, fa::Choice, fa::Bytes, a fa::Scalar<T> specialization), or std::optional / "
                  "std::vector of these (docs/compile_errors.md#params-unconvertible-type)");
  }
}

}  // namespace fastapi
