// json/chrono.hpp: datetime, date, time and timedelta as fa::Scalar specializations of std::chrono types, read and written
// as Pydantic v2 does (its parser is speedate: the formats and the error words below are speedate's). Fed by json/scalar;
// feeds the readers, the writer and the schema through fa::Scalar. Knows nothing of JSON text or HTTP.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <type_traits>

#include "fastapi/core/config.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {
namespace detail {

/// A calendar date, a time of day and an offset as the text gave them (not yet checked against a calendar).
struct CivilParts {
  int year = 1970;
  unsigned month = 1, day = 1;
  unsigned hour = 0, minute = 0, second = 0;
  std::uint32_t nanosecond = 0;
  int offset_seconds = 0;  ///< east of UTC; 0 for a naive text and for Z
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline bool take_digits(std::string_view s, std::size_t at, std::size_t n, unsigned& out) noexcept {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

inline unsigned days_in_month(int year, unsigned month) noexcept {
  return static_cast<unsigned>(static_cast<unsigned>(
      std::chrono::year_month_day_last{std::chrono::year{year} / std::chrono::month{month} / std::chrono::last}.day()));
}

/// speedate's Date::parse_bytes_partial: YYYY-MM-DD at the start of s. Returns the error words, or "".
inline std::string_view parse_date_part(std::string_view s, CivilParts& p) noexcept {
  unsigned y = 0, m = 0, d = 0;
  if (s.size() < 10) return "input is too short";
  if (!take_digits(s, 0, 4, y)) return "invalid character in year";
  if (s[4] != '-') return "invalid date separator, expected `-`";
  if (!take_digits(s, 5, 2, m)) return "invalid character in month";
  if (s[7] != '-') return "invalid date separator, expected `-`";
  if (!take_digits(s, 8, 2, d)) return "invalid character in day";
  if (m < 1 || m > 12) return "month value is outside expected range of 1-12";
  if (d < 1 || d > days_in_month(static_cast<int>(y), m)) return "day value is outside expected range";
  p.year = static_cast<int>(y), p.month = m, p.day = d;
  return {};
}

/// A whole date: YYYY-MM-DD and nothing after it.
inline std::string_view parse_date_text(std::string_view s, CivilParts& p) noexcept {
  if (std::string_view e = parse_date_part(s, p); !e.empty()) return e;
  return s.size() > 10 ? "unexpected extra characters at the end of the input" : std::string_view{};
}

/// speedate's Time::parse_bytes_offset: HH:MM[:SS[.f]][Z|±HH[:]MM] from `at` to the end of s.
inline std::string_view parse_time_text(std::string_view s, std::size_t at, CivilParts& p) noexcept {
  if (s.size() < at + 5) return "input is too short";
  if (!take_digits(s, at, 2, p.hour)) return "invalid character in hour";
  if (p.hour > 23) return "hour value is outside expected range of 0-23";
  if (s[at + 2] != ':') return "invalid time separator, expected `:`";
  if (!take_digits(s, at + 3, 2, p.minute)) return "invalid character in minute";
  if (p.minute > 59) return "minute value is outside expected range of 0-59";
  std::size_t i = at + 5;
  p.second = 0, p.nanosecond = 0;
  if (i < s.size() && s[i] == ':') {
    if (s.size() < i + 3) return "input is too short";
    if (!take_digits(s, i + 1, 2, p.second)) return "invalid character in second";
    if (p.second > 59) return "second value is outside expected range of 0-59";
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      std::size_t digits = 0;
      std::uint32_t scale = 100000000;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
        p.nanosecond += static_cast<std::uint32_t>(s[i] - '0') * scale;  // beyond 9 digits: truncated
        scale /= 10;
      }
      if (digits == 0) return "second fraction part missing";
    }
  }
  p.offset_seconds = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      unsigned h = 0, m = 0;
      if (!take_digits(s, i + 1, 2, h)) return "invalid timezone hour";
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!take_digits(s, i, 2, m)) return "invalid timezone minute";
        i += 2;
      }
      if (h >= 24) return "timezone offset must be less than 24 hours";
      p.offset_seconds = sign * static_cast<int>(h * 3600 + m * 60);
    } else {
      return "invalid timezone sign";
    }
  }
  return i < s.size() ? "unexpected extra characters at the end of the input" : std::string_view{};
}

/// speedate's DateTime::parse_bytes_rfc3339: date, a separator (T, t, _ or space), a time.
inline std::string_view parse_datetime_text(std::string_view s, CivilParts& p) noexcept {
  if (std::string_view e = parse_date_part(s, p); !e.empty()) return e;
  if (s.size() < 11) return "input is too short";
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ' && s[10] != '_')
    return "invalid datetime separator, expected `T`, `t`, `_` or space";
  return parse_time_text(s, 11, p);
}

/// A decimal number as speedate reads a Unix time given as text: [sign] digits [. digits].
inline std::optional<double> timestamp_text(std::string_view s) noexcept {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') ++digits;
    else if (s[i] == '.' && !dot) dot = true;
    else return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

/// A Unix time (seconds, or milliseconds past 2e10 as speedate takes them) -> microseconds since the epoch.
inline std::string_view timestamp_micros(double t, std::int64_t& micros) noexcept {
  if (!std::isfinite(t)) return "NaN values not permitted";
  if (std::fabs(t) > 2e10) t /= 1000;
  if (t > 253402300799.0) return "dates after 9999 are not supported as unix timestamps";
  if (t < -11676096000.0) return "dates before 1600 are not supported as unix timestamps";
  micros = static_cast<std::int64_t>(std::llround(t * 1e6));
  return {};
}

inline ConversionError with_error(std::string_view type, std::string_view prefix, std::string_view words) {
  return {type, std::string(prefix) + ", " + std::string(words), Json{{"error", std::string(words)}}};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Our words for a value Pydantic takes but the C++ type cannot hold (a nanosecond clock past 2262, a duration
/// past its Rep).
inline constexpr std::string_view duration_out_of_range = "value out of range for its C++ type";
FASTAPI_DETAIL_INLINE ConversionError out_of_range_error(std::string_view type, std::string_view prefix);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ConversionError out_of_range_error(std::string_view type, std::string_view prefix) {
  return with_error(type, prefix, duration_out_of_range);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Does a count of microseconds fit in the duration type D?
template <class D>
bool fits_in(std::chrono::microseconds us) noexcept {
  using P = typename D::period;
  using R = typename D::rep;
  // A 64-bit integer count of microseconds or coarser holds every microsecond count: nothing to check.
  if constexpr (std::ratio_greater_equal_v<P, std::micro> && std::is_integral_v<R> && sizeof(R) >= 8) return true;
  const long double limit = static_cast<long double>(D::max().count()) * P::num / P::den * 1e6L;
  return std::fabs(static_cast<long double>(us.count())) <= limit;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// Microseconds, as Python's datetime holds them (finer digits of a text are truncated).
inline std::chrono::sys_time<std::chrono::microseconds> civil_to_utc(const CivilParts& p) {
  using namespace std::chrono;
  const sys_days day{year{p.year} / month{p.month} / std::chrono::day{p.day}};
  return day + hours{p.hour} + minutes{p.minute} + seconds{p.second} + microseconds{p.nanosecond / 1000} -
         seconds{p.offset_seconds};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Pydantic v2's lax datetime: an RFC 3339 text (offset applied), a Unix time (number or numeric text), or a
/// date alone (midnight). Naive texts are taken as UTC.
FASTAPI_DETAIL_INLINE std::optional<std::chrono::sys_time<std::chrono::microseconds>> read_datetime(
    const ScalarInput& in, ConversionError& error);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::chrono::sys_time<std::chrono::microseconds>> read_datetime(
    const ScalarInput& in, ConversionError& error) {
  using namespace std::chrono;
  constexpr std::string_view prefix = "Input should be a valid datetime";
  std::int64_t micros = 0;
  if (in.is_number()) {
    if (std::string_view e = timestamp_micros(in.number(), micros); !e.empty())
      return error = with_error("datetime_parsing", prefix, e), std::nullopt;
    return sys_time<microseconds>{microseconds{micros}};
  }
  if (!in.is_string()) return error = {"datetime_type", std::string(prefix), nullptr}, std::nullopt;
  CivilParts p;
  if (parse_datetime_text(in.text, p).empty()) return civil_to_utc(p);
  if (std::optional<double> t = timestamp_text(in.text)) {
    if (std::string_view e = timestamp_micros(*t, micros); !e.empty())
      return error = with_error("datetime_from_date_parsing", "Input should be a valid datetime or date", e),
             std::nullopt;
    return sys_time<microseconds>{microseconds{micros}};
  }
  // Pydantic's lax fallback: a date at midnight, whose own error replaces the datetime's.
  if (std::string_view e = parse_date_text(in.text, p); !e.empty())
    return error = with_error("datetime_from_date_parsing", "Input should be a valid datetime or date", e),
           std::nullopt;
  return civil_to_utc(p);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Pydantic v2's lax date: YYYY-MM-DD, or a datetime (text or Unix time) whose time is zero.
FASTAPI_DETAIL_INLINE std::optional<std::chrono::year_month_day> read_date(const ScalarInput& in,
                                                                           ConversionError& error);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::chrono::year_month_day> read_date(const ScalarInput& in,
                                                                           ConversionError& error) {
  using namespace std::chrono;
  const auto exact = [&](sys_time<microseconds> t) -> std::optional<year_month_day> {
    const sys_days day = floor<days>(t);
    if (t != day)
      return error = {"date_from_datetime_inexact",
                      "Datetimes provided to dates should have zero time - e.g. be exact dates", nullptr},
             std::nullopt;
    return year_month_day{day};
  };
  CivilParts p;
  if (in.is_number()) {
    std::int64_t micros = 0;
    if (std::string_view e = timestamp_micros(in.number(), micros); !e.empty())
      return error = with_error("date_parsing", "Input should be a valid date in the format YYYY-MM-DD", e),
             std::nullopt;
    return exact(sys_time<microseconds>{microseconds{micros}});
  }
  if (!in.is_string()) return error = {"date_type", "Input should be a valid date", nullptr}, std::nullopt;
  if (parse_date_text(in.text, p).empty()) return year_month_day{year{p.year} / month{p.month} / day{p.day}};
  // Lax: a datetime with a zero time; its parse error is the one shown.
  if (std::string_view e = parse_datetime_text(in.text, p); e.empty()) {
    p.offset_seconds = 0;  // the date as written, whatever its offset (Pydantic compares the time alone)
    return exact(civil_to_utc(p));
  } else if (std::optional<double> t = timestamp_text(in.text)) {
    std::int64_t micros = 0;
    if (std::string_view te = timestamp_micros(*t, micros); !te.empty())
      return error = with_error("date_from_datetime_parsing", "Input should be a valid date or datetime", te),
             std::nullopt;
    return exact(sys_time<microseconds>{microseconds{micros}});
  } else {
    return error = with_error("date_from_datetime_parsing", "Input should be a valid date or datetime", e),
           std::nullopt;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Pydantic v2's lax time: HH:MM[:SS[.ffffff]][offset] (an offset is applied: the time is kept in UTC), or
/// a number of seconds since midnight.
FASTAPI_DETAIL_INLINE std::optional<std::chrono::nanoseconds> read_time_of_day(const ScalarInput& in,
                                                                               ConversionError& error);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::chrono::nanoseconds> read_time_of_day(const ScalarInput& in,
                                                                               ConversionError& error) {
  using namespace std::chrono;
  constexpr std::string_view prefix = "Input should be in a valid time format";
  if (in.is_number()) {
    const double t = in.number();
    if (!(t >= 0))
      return error = with_error("time_parsing", prefix, "time in seconds should be positive"), std::nullopt;
    if (t >= 86400)
      return error = with_error("time_parsing", prefix, "time in seconds should be less than 86400"), std::nullopt;
    return nanoseconds{std::llround(t * 1e6) * 1000};
  }
  if (!in.is_string()) return error = {"time_type", "Input should be a valid time", nullptr}, std::nullopt;
  CivilParts p;
  if (std::string_view e = parse_time_text(in.text, 0, p); !e.empty())
    return error = with_error("time_parsing", prefix, e), std::nullopt;
  const nanoseconds day = hours{24};
  nanoseconds t = hours{p.hour} + minutes{p.minute} + seconds{p.second} + microseconds{p.nanosecond / 1000} -
                  seconds{p.offset_seconds};
  t = ((t % day) + day) % day;
  return t;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Pydantic v2's timedelta: ISO 8601 ([±]P[nY][nM][nW][nD][T[nH][nM][n[.f]S]], a year 365 days, a month 30),
/// [±][D day[s], ]HH:MM[:SS[.f]], or a number of seconds (a JSON number, or a decimal text).
FASTAPI_DETAIL_INLINE std::optional<std::chrono::microseconds> read_timedelta(const ScalarInput& in,
                                                                              ConversionError& error);
/// speedate's Display of a duration, as Pydantic v2 writes a timedelta in JSON: "P1DT2H", "PT1H30M", "-PT1.5S",
/// "P1Y" (365 days), "PT0S".
FASTAPI_DETAIL_INLINE void write_iso_duration(bool negative, long long days, std::chrono::microseconds within_day,
                                              std::string& out);
/// "2032-04-23" / "10:20:30" / "10:20:30.123456" into out.
FASTAPI_DETAIL_INLINE void write_civil_date(std::chrono::year_month_day d, std::string& out);
FASTAPI_DETAIL_INLINE void write_time_of_day(std::chrono::nanoseconds since_midnight, std::string& out);

}  // namespace detail

/// datetime: `std::chrono::sys_time<D>` (std::chrono::sys_seconds, ...), always in UTC. In: RFC 3339 text with an
/// offset (normalised to UTC), a naive text (taken as UTC: a sys_time cannot be naive), a date (midnight), or a
/// Unix time. Out: `2032-04-23T10:20:30Z` (`.123456` when there are microseconds), as Pydantic v2 writes an aware UTC
/// datetime. Errors: datetime_type, datetime_parsing, datetime_from_date_parsing (docs/models.md).
template <class D>
struct Scalar<std::chrono::sys_time<D>> {
  static constexpr std::string_view name = "datetime";
  static std::optional<std::chrono::sys_time<D>> read(const ScalarInput& in, ConversionError& error) {
    auto t = detail::read_datetime(in, error);
    if (!t) return std::nullopt;
    if (!detail::fits_in<D>(t->time_since_epoch()))  // a nanosecond clock holds 1678..2262 only
      return error = detail::out_of_range_error("datetime_parsing", "Input should be a valid datetime"), std::nullopt;
    return std::chrono::floor<D>(*t);
  }
  static void write(const std::chrono::sys_time<D>& value, std::string& out) {
    using namespace std::chrono;
    const sys_days day = floor<days>(value);  // whole days first: no overflow converting to microseconds
    detail::write_civil_date(year_month_day{day}, out);
    out += 'T';
    detail::write_time_of_day(duration_cast<nanoseconds>(floor<microseconds>(value - day)), out);
    out += 'Z';
  }
  static Json schema() { return Json{{"format", "date-time"}, {"type", "string"}}; }
};

/// date: `std::chrono::year_month_day`. In: `YYYY-MM-DD`, or a datetime whose time is zero. Out: `2032-04-23`.
/// Errors: date_type, date_parsing, date_from_datetime_parsing, date_from_datetime_inexact.
template <>
struct Scalar<std::chrono::year_month_day> {
  static constexpr std::string_view name = "date";
  static std::optional<std::chrono::year_month_day> read(const ScalarInput& in, ConversionError& error) {
    return detail::read_date(in, error);
  }
  static void write(const std::chrono::year_month_day& value, std::string& out) {
    detail::write_civil_date(value, out);
  }
  static Json schema() { return Json{{"format", "date"}, {"type", "string"}}; }
};

/// time: `std::chrono::hh_mm_ss<D>`. In: `HH:MM[:SS[.ffffff]]` with an optional offset (applied: kept in UTC), or
/// seconds since midnight. Out: `10:20:30` (`.123456` with microseconds). Errors: time_type, time_parsing.
template <class D>
struct Scalar<std::chrono::hh_mm_ss<D>> {
  static constexpr std::string_view name = "time";
  static std::optional<std::chrono::hh_mm_ss<D>> read(const ScalarInput& in, ConversionError& error) {
    auto t = detail::read_time_of_day(in, error);
    if (!t) return std::nullopt;
    return std::chrono::hh_mm_ss<D>(std::chrono::floor<D>(*t));
  }
  static void write(const std::chrono::hh_mm_ss<D>& value, std::string& out) {
    detail::write_time_of_day(std::chrono::duration_cast<std::chrono::nanoseconds>(value.to_duration()), out);
  }
  static Json schema() { return Json{{"format", "time"}, {"type", "string"}}; }
};

/// timedelta: `std::chrono::duration<Rep, Period>` (std::chrono::seconds, milliseconds, ...). In: ISO 8601
/// (`P1DT2H`), `[-][D days, ]HH:MM:SS[.f]`, or a number of seconds. Out: ISO 8601 as Pydantic v2's JSON mode
/// (`PT1H30M`). A value finer than the duration's unit is truncated. Errors: time_delta_type, time_delta_parsing.
template <class Rep, class Period>
struct Scalar<std::chrono::duration<Rep, Period>> {
  using D = std::chrono::duration<Rep, Period>;
  static constexpr std::string_view name = "timedelta";
  static std::optional<D> read(const ScalarInput& in, ConversionError& error) {
    auto d = detail::read_timedelta(in, error);
    if (!d) return std::nullopt;
    if (!detail::fits_in<D>(*d))
      return error = detail::out_of_range_error("time_delta_parsing", "Input should be a valid timedelta"),
             std::nullopt;
    return std::chrono::duration_cast<D>(*d);
  }
  static void write(const D& value, std::string& out) {
    using namespace std::chrono;
    const bool negative = value < D::zero();
    const D magnitude = negative ? (value == D::min() ? D::max() : -value) : value;
    const auto day = floor<days>(magnitude);  // whole days first: no overflow converting to microseconds
    detail::write_iso_duration(negative, day.count(), floor<microseconds>(magnitude - day), out);
  }
  static Json schema() { return Json{{"format", "duration"}, {"type", "string"}}; }
};

namespace detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::chrono::microseconds> read_timedelta(const ScalarInput& in,
                                                                              ConversionError& error) {
  using namespace std::chrono;
  constexpr std::string_view prefix = "Input should be a valid timedelta";
  const auto fail = [&](std::string_view words) {
    error = with_error("time_delta_parsing", prefix, words);
    return std::optional<microseconds>{};
  };
  const auto from_seconds = [&](double s) -> std::optional<microseconds> {
    if (!std::isfinite(s) || std::fabs(s) > 86399999999999.0) return fail("durations may not exceed 999,999,999 days");
    if (std::fabs(s) >= 9.2e12) return fail(duration_out_of_range);  // past int64 microseconds (292,000 years)
    return microseconds{std::llround(s * 1e6)};                      // Python's timedelta holds microseconds
  };
  if (in.is_number()) return from_seconds(in.number());
  if (!in.is_string()) return error = {"time_delta_type", std::string(prefix), nullptr}, std::nullopt;
  std::string_view s = in.text;
  if (s.empty()) return fail("input is too short");
  if (std::optional<double> t = timestamp_text(s)) return from_seconds(*t);
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') negative = s[0] == '-', s.remove_prefix(1);
  // A number with an optional fraction at s[i]; false when there is no digit.
  std::size_t i = 0;
  const auto number = [&](double& v, bool fraction) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (fraction && i < s.size() && (s[i] == '.' || s[i] == ',') && i > start) {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i == start) return false;
    std::string text(s.substr(start, i - start));
    for (char& c : text)
      if (c == ',') c = '.';
    v = std::strtod(text.c_str(), nullptr);
    return true;
  };
  double total = 0;  // seconds
  if (!s.empty() && (s[0] == 'P' || s[0] == 'p')) {
    i = 1;
    if (i >= s.size()) return fail("input is too short");
    bool time = false, any = false;
    while (i < s.size()) {
      if (!time && (s[i] == 'T' || s[i] == 't')) {
        time = true, ++i;
        if (i >= s.size()) return fail("input is too short");
        continue;
      }
      double v = 0;
      if (!number(v, time)) return fail("invalid digit in duration");
      if (i >= s.size()) return fail("expected unit for duration");
      const char u = static_cast<char>(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
      double unit = 0;
      if (!time)
        unit = u == 'Y' ? 365 * 86400.0 : u == 'M' ? 30 * 86400.0 : u == 'W' ? 7 * 86400.0 : u == 'D' ? 86400.0 : 0;
      else unit = u == 'H' ? 3600.0 : u == 'M' ? 60.0 : u == 'S' ? 1.0 : 0;
      if (unit == 0) return fail("expected unit for duration");
      total += v * unit, any = true, ++i;
    }
    if (!any) return fail("input is too short");
  } else {
    // [D day[s][,] ]H[H]:MM[:SS[.f]]
    double days_value = 0;
    const bool has_days = s.find('d') != std::string_view::npos;
    if (has_days) {
      if (!number(days_value, false)) return fail("invalid digit in duration");
      while (i < s.size() && s[i] == ' ') ++i;
      if (s.substr(i, 4) == "days") i += 4;
      else if (s.substr(i, 3) == "day") i += 3;
      else if (s.substr(i, 1) == "d") i += 1;
      else return fail("expected unit for duration");
      if (i < s.size() && s[i] == ',') ++i;
      while (i < s.size() && s[i] == ' ') ++i;
    }
    total = days_value * 86400;
    if (i < s.size()) {
      double h = 0, m = 0, sec = 0;
      if (!number(h, false)) return fail("invalid digit in duration");
      if (i >= s.size() || s[i] != ':') return fail("invalid time separator, expected `:`");
      ++i;
      if (!number(m, false)) return fail("invalid character in minute");
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!number(sec, true)) return fail("invalid character in second");
      }
      if (i < s.size()) return fail("unexpected extra characters at the end of the input");
      total += h * 3600 + m * 60 + sec;
    } else if (!has_days) {
      return fail("input is too short");
    }
  }
  auto d = from_seconds(total);
  if (d && negative) *d = -*d;
  return d;
}

inline void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10 % 10);
  out += static_cast<char>('0' + v % 10);
}

FASTAPI_DETAIL_INLINE void write_civil_date(std::chrono::year_month_day d, std::string& out) {
  char buf[16];
  const int y = static_cast<int>(d.year());
  const int n = std::snprintf(buf, sizeof buf, "%04d-", y);
  out.append(buf, static_cast<std::size_t>(n));
  append_2(out, static_cast<unsigned>(d.month()));
  out += '-';
  append_2(out, static_cast<unsigned>(d.day()));
}

FASTAPI_DETAIL_INLINE void write_time_of_day(std::chrono::nanoseconds since_midnight, std::string& out) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(since_midnight).count();
  const auto secs = us / 1000000;
  append_2(out, static_cast<unsigned>(secs / 3600));
  out += ':';
  append_2(out, static_cast<unsigned>(secs / 60 % 60));
  out += ':';
  append_2(out, static_cast<unsigned>(secs % 60));
  if (const auto frac = us % 1000000; frac != 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
}

FASTAPI_DETAIL_INLINE void write_iso_duration(bool negative, long long day, std::chrono::microseconds within_day,
                                              std::string& out) {
  const long long us = within_day.count();
  if (negative) out += '-';
  out += 'P';
  const long long second = us / 1000000 % 86400;
  const long long micro = us % 1000000;
  if (day / 365 != 0) out += std::to_string(day / 365) + 'Y';
  if (day % 365 != 0) out += std::to_string(day % 365) + 'D';
  if (second != 0 || micro != 0) {
    out += 'T';
    if (second / 3600 != 0) out += std::to_string(second / 3600) + 'H';
    if (second / 60 % 60 != 0) out += std::to_string(second / 60 % 60) + 'M';
    if (second % 60 != 0 || micro != 0) {
      out += std::to_string(second % 60);
      if (micro != 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%06lld", micro);
        std::string_view f(buf, 6);
        out += '.';
        out += f.substr(0, f.find_last_not_of('0') + 1);
      }
      out += 'S';
    }
  }
  if (day == 0 && second == 0 && micro == 0) out += "T0S";
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
