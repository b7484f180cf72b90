// json/read_scalars.hpp: what both JSON readers share: enums by name, wire names, the error context, and the scalar conversions (Pydantic v2's lax table) over any node type. Fed by json/reflect, json/rules, json/errors and json/value; feeds json/read_fast and json/read. Knows nothing of JSON text, simdjson or HTTP.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/json/choice.hpp"
#include "fastapi/json/chrono.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/uuid.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// Deepest nesting of arrays and objects read_json accepts; deeper -> 422 json_invalid, never a stack overflow.
inline constexpr std::size_t json_max_depth = 64;

// ---- enums by name -------------------------------------------------------------------------------

/// Enumerator names are found by reflection over values [enum_min, enum_max] (clamped to the
/// underlying type): enumerators outside that range are not seen. Specialize for a wider range:
/// `template <> inline constexpr long long fastapi::enum_max<Big> = 1000;`
template <class E>
inline constexpr long long enum_min = std::is_signed_v<std::underlying_type_t<E>> ? -128 : 0;
template <class E>
inline constexpr long long enum_max = 255;

namespace detail {

/// Every value of the scan in one instantiation: its __PRETTY_FUNCTION__ lists them all, an enumerator by its
/// name and any other value as a cast. g++: "[with auto ...V = {Color::red, (Color)1}; ...]", clang++:
/// "[V = <Color::red, (Color)1>]". (One template per value, as enum libraries often do, costs ~0.5 s of
/// compile per enum: 384 instantiations; this one ~0.1 s.)
template <auto... V>
consteval std::string_view enum_pretty_pack() {
  return __PRETTY_FUNCTION__;
}

template <class E>
consteval long long enum_lo() {
  using U = std::underlying_type_t<E>;
  return std::max<long long>(enum_min<E>, static_cast<long long>(std::numeric_limits<U>::min()));
}
template <class E>
consteval long long enum_hi() {
  using U = std::underlying_type_t<E>;
  if constexpr (std::is_unsigned_v<U> && sizeof(U) >= sizeof(long long)) return enum_max<E>;
  else return std::min<long long>(enum_max<E>, static_cast<long long>(std::numeric_limits<U>::max()));
}
/// How many values the scan looks at.
template <class E>
inline constexpr std::size_t enum_span = static_cast<std::size_t>(enum_hi<E>() - enum_lo<E>() + 1);

template <class E, long long Lo, std::size_t... I>
consteval std::string_view enum_pretty_values(std::index_sequence<I...>) {
  return enum_pretty_pack<static_cast<E>(Lo + static_cast<long long>(I))...>();
}
template <class E>
inline constexpr std::string_view enum_pretty =
    enum_pretty_values<E, enum_lo<E>()>(std::make_index_sequence<enum_span<E>>{});

/// Walks the printed list of `n` values and calls fn(index, name) for each that is an enumerator. An element is
/// the enumerator, qualified ("ns::Color::red", "(anonymous namespace)::Color::red", "f()::Color::red"), or
/// "(Color)3" when no enumerator has that value. Most elements are casts, and clang++'s constant evaluator is slow
/// per character and per call: once one cast is seen, the next ones are recognised by its first two characters
/// and its ')' and stepped over whole (a qualified enumerator starts with '(' only as "(anonymous namespace)::" or
/// "(lambda at ...)::", whose second character is no cast's: a cast of such an enum starts "(("), and the text is
/// read through a plain pointer, not string_view's members.
template <class Fn>
constexpr void each_enumerator(std::string_view pretty, std::size_t n, Fn&& fn) {
  const char* const s = pretty.data();
  const std::size_t size = pretty.size();
  std::size_t pos = pretty.find("V = ");
  if (pos == std::string_view::npos || pos + 5 > size) return;
  pos += 4;
  const char close = s[pos] == '{' ? '}' : '>';
  ++pos;
  std::size_t cast = 0;  // the length of "(Color)", from the first cast; its text is s[cast_at, cast_at + cast)
  std::size_t cast_at = 0;
  for (std::size_t index = 0; index < n && pos < size; ++index) {
    if (cast != 0 && pos + cast < size && s[pos] == '(' && s[pos + 1] == s[cast_at + 1] && s[pos + cast - 1] == ')') {
      pos += cast;  // then the value's digits, up to ", " or the list's end
      while (pos < size && s[pos] != ',' && s[pos] != close) ++pos;
      pos += 2;
      continue;
    }
    std::size_t depth = 0, end = pos;  // up to the next ',' or the list's end, outside brackets
    for (; end < size; ++end) {
      const char c = s[end];
      if (c == '(' || c == '<' || c == '{' || c == '[') ++depth;
      else if (depth > 0 && (c == ')' || c == '>' || c == '}' || c == ']')) --depth;
      else if (depth == 0 && (c == ',' || c == close)) break;
    }
    const std::size_t start = pos;
    pos = end + 2;
    if (end == start || s[start] == '-' || (s[start] >= '0' && s[start] <= '9')) continue;
    if (s[start] == '(') {  // a cast, unless the parenthesis only opens a qualifier: "(anonymous namespace)::"
      std::size_t open = 0, i = start;
      for (; i < end; ++i) {
        if (s[i] == '(') ++open;
        else if (s[i] == ')' && --open == 0) break;
      }
      if (i + 1 >= end || s[i + 1] != ':') {
        cast = (i < end ? i + 1 : end) - start;
        cast_at = start;
        continue;
      }
    }
    std::size_t name = end;  // after the last ':'
    while (name > start && s[name - 1] != ':') --name;
    fn(index, std::string_view(s + name, end - name));
  }
}

/// The enumerators found: `Count` of them, their names packed in `chars`.
template <class E, std::size_t Count, std::size_t Chars>
struct EnumTable {
  std::array<E, Count> values{};
  std::array<std::size_t, Count + 1> offset{};
  std::array<char, Chars + 1> chars{};
  std::size_t count = 0;
  std::size_t used = 0;
};
struct EnumSizes {
  std::size_t count = 0;
  std::size_t chars = 0;
};
template <class E>
consteval EnumSizes enum_sizes() {
  EnumSizes sizes;
  each_enumerator(enum_pretty<E>, enum_span<E>, [&](std::size_t, std::string_view name) {
    ++sizes.count;
    sizes.chars += name.size();
  });
  return sizes;
}

/// The scan's result, sized to what it found (a first walk counts, a second fills).
template <class E>
inline constexpr auto enum_table = [] {
  constexpr EnumSizes sizes = enum_sizes<E>();
  EnumTable<E, sizes.count, sizes.chars> t{};
  each_enumerator(enum_pretty<E>, enum_span<E>, [&](std::size_t index, std::string_view name) {
    t.values[t.count] = static_cast<E>(enum_lo<E>() + static_cast<long long>(index));
    t.offset[t.count] = t.used;
    for (char c : name) t.chars[t.used++] = c;
    t.offset[++t.count] = t.used;
  });
  return t;
}();

}  // namespace detail

/// Number of named enumerators of E seen by reflection.
template <class E>
constexpr std::size_t enum_count() noexcept {
  return detail::enum_table<E>.count;
}
/// Name of enumerator number i (in value order).
template <class E>
constexpr std::string_view enum_name_at(std::size_t i) noexcept {
  const auto& t = detail::enum_table<E>;
  return {t.chars.data() + t.offset[i], t.offset[i + 1] - t.offset[i]};
}
template <class E>
constexpr E enum_value_at(std::size_t i) noexcept {
  return detail::enum_table<E>.values[i];
}
/// The name of v, "" when v is no named enumerator. `fa::enum_name(Color::red) == "red"`
template <class E>
  requires std::is_enum_v<E>
constexpr std::string_view enum_name(E v) noexcept {
  for (std::size_t i = 0; i < enum_count<E>(); ++i)
    if (enum_value_at<E>(i) == v) return enum_name_at<E>(i);
  return {};
}
/// Pydantic's list of expected values: "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
template <class E>
std::string enum_expected() {
  std::string out;
  const std::size_t n = enum_count<E>();
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += i + 1 == n ? " or " : ", ";
    out += '\'';
    out += enum_name_at<E>(i);
    out += '\'';
  }
  return out;
}

/// Does T forbid keys it does not name (Pydantic's extra="forbid")? Spelled as a member:
/// `struct Login { std::string user; static constexpr bool forbid_extra = true; };`
// clang-format off
template <class T>
inline constexpr bool forbids_extra = [] {
  if constexpr (requires { { T::forbid_extra } -> std::convertible_to<bool>; }) return static_cast<bool>(T::forbid_extra);
  else return false;
}();
// clang-format on

namespace detail {
/// The name of member I on the wire: its Rule's alias, or its C++ name.
template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> make_wire_names(std::index_sequence<I...>) {
  return {[] {
    using M = std::remove_cvref_t<decltype(field_at<I>(std::declval<T&>()))>;
    if constexpr (!field_rule<M>.alias.empty()) return field_rule<M>.alias.view();
    else return field_names<T>[I];
  }()...};
}

}  // namespace detail

/// The JSON key of each member of T, in declaration order (a Field's alias when it has one).
template <class T>
inline constexpr auto wire_names = detail::make_wire_names<T>(std::make_index_sequence<field_count<T>>{});

namespace detail {
/// Index of the member named `key` on the wire, or field_count<T>.
template <class T>
std::size_t wire_index(std::string_view key) noexcept {
  constexpr std::size_t n = field_count<T>;
  for (std::size_t i = 0; i < n; ++i)
    if (wire_names<T>[i].size() == key.size() && std::memcmp(wire_names<T>[i].data(), key.data(), key.size()) == 0)
      return i;
  return n;
}

struct ReadContext {
  RequestValidationError& errors;
  LocPath& loc;
  std::size_t depth = 0;  ///< arrays and objects entered (guards recursive types read from a deep fa::Json)
  /// The doubles that integer tokens beyond 64 bits were widened to (widen_big_integers), sorted: such a
  /// floating node is an integer out of every C++ integer type's range, not a float. Empty when the text
  /// had none; a fa::Json (from_json) has lost the difference, and its floats are floats.
  std::span<const double> wide_integers = {};
};

/// Is the floating value d an integer token wider than 64 bits, widened? (A float token of the very
/// same value in the same document is taken for one too: a 422 either way.)
inline bool is_wide_integer(const ReadContext& cx, double d) noexcept {
  return std::binary_search(cx.wide_integers.begin(), cx.wide_integers.end(), d);
}

inline void add_error(ReadContext& cx, std::string_view type, std::string msg, Json input, Json ctx = nullptr) {
  cx.errors.add({std::string(type), cx.loc.to_json(), std::move(msg), std::move(input), std::move(ctx)});
}

/// A ctx number as Pydantic shows it: 1 for an integral bound, 0.25 otherwise.
inline Json ctx_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return Json(static_cast<std::int64_t>(v));
  return Json(v);
}

template <class N>
void add_violation(ReadContext& cx, const RuleViolation& v, const N& node) {
  Json ctx = Json::object({});
  for (const RuleContext& c : v.context()) ctx[c.key] = c.is_text ? Json(c.text) : ctx_number(c.number);
  add_error(cx, v.type, v.msg, node.to_json(), std::move(ctx));
}

/// Out of range for the C++ type: Pydantic's words for `conint(ge=min, le=max)`.
template <class I, class N>
void add_range_error(ReadContext& cx, bool too_big, const N& node) {
  if (too_big) {
    const Json bound(std::numeric_limits<I>::max());
    add_error(cx, "less_than_equal", "Input should be less than or equal to " + bound.dump(), node.to_json(),
              Json{{"le", bound}});
  } else {
    const Json bound(std::numeric_limits<I>::min());
    add_error(cx, "greater_than_equal", "Input should be greater than or equal to " + bound.dump(), node.to_json(),
              Json{{"ge", bound}});
  }
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline std::string_view strip_python_whitespace(std::string_view s) noexcept {
  constexpr std::string_view space = " \t\n\r\f\v";
  const std::size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Python's int(str) as Pydantic applies it: whitespace stripped, a sign, digits with single `_`
/// between them, a trailing ".0..." allowed. Returns the sign and the digits (underscores removed).
FASTAPI_DETAIL_INLINE bool python_int_digits(std::string_view s, bool& negative, std::string& digits);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool python_int_digits(std::string_view s, bool& negative, std::string& digits) {
  s = strip_python_whitespace(s);
  negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) negative = s[0] == '-', s.remove_prefix(1);
  if (const std::size_t dot = s.find('.'); dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of('0') != std::string_view::npos) return false;
    s = s.substr(0, dot);
  }
  digits.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') digits += c;
    else if (c != '_' || i == 0 || i + 1 == s.size() || s[i + 1] == '_') return false;
  }
  return !digits.empty();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Python's float(str): whitespace stripped, `_` between digits, inf/nan/infinity in any case.
FASTAPI_DETAIL_INLINE std::optional<double> python_float(std::string_view s);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<double> python_float(std::string_view s) {
  s = strip_python_whitespace(s);
  std::string buf;
  buf.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      const bool ok = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                      std::isdigit(static_cast<unsigned char>(s[i + 1]));
      if (!ok) return std::nullopt;
      continue;
    }
    buf += c;
  }
  std::string_view b = buf;
  if (!b.empty() && b[0] == '+') b.remove_prefix(1);
  if (b.empty() || b[0] == '+' || (b[0] == '-' && b.size() > 1 && b[1] == '+')) return std::nullopt;
  double d;
  const auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), d);
  if (end != b.data() + b.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {  // Python: 1e400 -> inf, 1e-400 -> 0.0
    return std::abs(d) > 1 ? std::copysign(std::numeric_limits<double>::infinity(), b[0] == '-' ? -1.0 : 1.0)
                           : std::copysign(0.0, b[0] == '-' ? -1.0 : 1.0);
  }
  return ec == std::errc{} ? std::optional<double>(d) : std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

FASTAPI_DETAIL_INLINE bool ascii_iequal(std::string_view a, std::string_view b) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class T>
inline constexpr bool is_vector = false;
template <class U, class A>
inline constexpr bool is_vector<std::vector<U, A>> = true;
template <class T>
inline constexpr bool is_set = false;
template <class U, class C, class A>
inline constexpr bool is_set<std::set<U, C, A>> = true;
template <class U, class H, class E, class A>
inline constexpr bool is_set<std::unordered_set<U, H, E, A>> = true;
template <class T>
inline constexpr bool is_fixed_array = false;
template <class U, std::size_t N>
inline constexpr bool is_fixed_array<std::array<U, N>> = true;
template <class T>
inline constexpr bool is_tuple = false;
template <class... U>
inline constexpr bool is_tuple<std::tuple<U...>> = true;
template <class T>
inline constexpr bool is_string_map = false;
template <class U, class C, class A>
inline constexpr bool is_string_map<std::map<std::string, U, C, A>> = true;
template <class U, class H, class E, class A>
inline constexpr bool is_string_map<std::unordered_map<std::string, U, H, E, A>> = true;
/// A map with integer keys (Pydantic's `dict[int, float]`): each key is the text of a JSON object key, read as
/// Pydantic reads a string into an int; a key that is not one is an error at [..., "key", "[key]"].
template <class K>
inline constexpr bool is_map_key_integer =
    std::is_integral_v<K> && !std::is_same_v<K, bool> && !std::is_same_v<K, char> && !std::is_same_v<K, signed char> &&
    !std::is_same_v<K, unsigned char>;
template <class T>
inline constexpr bool is_int_map = false;
template <class K, class U, class C, class A>
inline constexpr bool is_int_map<std::map<K, U, C, A>> = is_map_key_integer<K>;
template <class K, class U, class H, class E, class A>
inline constexpr bool is_int_map<std::unordered_map<K, U, H, E, A>> = is_map_key_integer<K>;

template <class I, bool Strict, class N>
bool read_integer(const N& node, I& out, ReadContext& cx) {
  using K = Json::Kind;
  constexpr auto lo = std::numeric_limits<I>::min();
  constexpr auto hi = std::numeric_limits<I>::max();
  const auto from_signed = [&](std::int64_t v) {
    if (std::cmp_less(v, lo) || std::cmp_greater(v, hi)) return add_range_error<I>(cx, v > 0, node), false;
    return out = static_cast<I>(v), true;
  };
  const auto from_unsigned = [&](std::uint64_t v) {
    if (std::cmp_greater(v, hi)) return add_range_error<I>(cx, true, node), false;
    return out = static_cast<I>(v), true;
  };
  const auto type_error = [&] {
    return add_error(cx, "int_type", "Input should be a valid integer", node.to_json()), false;
  };
  switch (node.kind()) {
    case K::integer: return from_signed(node.i64());
    case K::unsigned_integer: return from_unsigned(node.u64());
    case K::floating: {
      if (Strict) return type_error();
      const double d = node.f64();
      if (!std::isfinite(d))
        return add_error(cx, "finite_number", "Input should be a finite number", node.to_json()), false;
      if (d != std::floor(d))
        return add_error(cx, "int_from_float", "Input should be a valid integer, got a number with a fractional part",
                         node.to_json()),
               false;
      // An integer token past 64 bits (its text is out of range whatever its double rounds to: -2^63-1 is
      // not INT64_MIN), as the query parameters' integer text is: the C++ type's bound.
      if (is_wide_integer(cx, d)) return add_range_error<I>(cx, d > 0, node), false;
      // Pydantic takes a float as an int only strictly inside (-2^63, 2^63): -2^63 itself, 2^63, 1e19, 1e308
      // are int_parsing_size. (The double -2^63 is what -9223372036854775809 rounds to.)
      if (d >= 0x1p63 || d <= -0x1p63)
        return add_error(cx, "int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size",
                         node.to_json()),
               false;
      return from_signed(static_cast<std::int64_t>(d));
    }
    case K::boolean: return Strict ? type_error() : from_signed(node.boolean() ? 1 : 0);
    case K::string: {
      if (Strict) return type_error();
      bool negative;
      std::string digits;
      const auto parsing = [&] {
        return add_error(cx, "int_parsing", "Input should be a valid integer, unable to parse string as an integer",
                         node.to_json()),
               false;
      };
      if (!python_int_digits(node.str(), negative, digits)) return parsing();
      std::uint64_t magnitude = 0;
      const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
      if (ec == std::errc::result_out_of_range) return add_range_error<I>(cx, !negative, node), false;
      if (!negative) return from_unsigned(magnitude);
      if (magnitude > (std::uint64_t{1} << 63)) return add_range_error<I>(cx, false, node), false;
      return from_signed(magnitude == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                               : -static_cast<std::int64_t>(magnitude));
    }
    default: return type_error();
  }
}

template <class F, bool Strict, class N>
bool read_floating(const N& node, F& out, ReadContext& cx) {
  using K = Json::Kind;
  double d = 0;
  switch (node.kind()) {
    case K::integer: d = static_cast<double>(node.i64()); break;
    case K::unsigned_integer: d = static_cast<double>(node.u64()); break;
    case K::floating: d = node.f64(); break;
    case K::boolean:
      if (Strict) return add_error(cx, "float_type", "Input should be a valid number", node.to_json()), false;
      d = node.boolean() ? 1.0 : 0.0;
      break;
    case K::string: {
      if (Strict) return add_error(cx, "float_type", "Input should be a valid number", node.to_json()), false;
      const std::optional<double> v = python_float(node.str());
      if (!v)
        return add_error(cx, "float_parsing", "Input should be a valid number, unable to parse string as a number",
                         node.to_json()),
               false;
      d = *v;
      break;
    }
    default: return add_error(cx, "float_type", "Input should be a valid number", node.to_json()), false;
  }
  if constexpr (sizeof(F) < sizeof(double)) {
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<F>::max())) {
      const double bound = static_cast<double>(std::numeric_limits<F>::max());
      Json b(bound);
      if (d > 0)
        add_error(cx, "less_than_equal", "Input should be less than or equal to " + format_number(bound),
                  node.to_json(), Json{{"le", b}});
      else
        add_error(cx, "greater_than_equal", "Input should be greater than or equal to " + format_number(-bound),
                  node.to_json(), Json{{"ge", Json(-bound)}});
      return false;
    }
  }
  out = static_cast<F>(d);
  return true;
}

template <bool Strict, class N>
bool read_bool(const N& node, bool& out, ReadContext& cx) {
  using K = Json::Kind;
  const auto type_error = [&] {
    return add_error(cx, "bool_type", "Input should be a valid boolean", node.to_json()), false;
  };
  const auto parsing = [&] {
    return add_error(cx, "bool_parsing", "Input should be a valid boolean, unable to interpret input", node.to_json()),
           false;
  };
  switch (node.kind()) {
    case K::boolean: return out = node.boolean(), true;
    case K::integer:
    case K::unsigned_integer: {
      if (Strict) return type_error();
      if (node.kind() == K::integer && (node.i64() == 0 || node.i64() == 1)) return out = node.i64() == 1, true;
      return parsing();
    }
    case K::floating: {
      if (Strict) return type_error();
      const double d = node.f64();
      if (d == 0.0 || d == 1.0) return out = d == 1.0, true;
      return d == std::floor(d) ? parsing() : type_error();
    }
    case K::string: {
      if (Strict) return type_error();
      const std::string_view s = node.str();
      for (std::string_view t : {"1", "on", "t", "true", "y", "yes"})
        if (ascii_iequal(s, t)) return out = true, true;
      for (std::string_view f : {"0", "off", "f", "false", "n", "no"})
        if (ascii_iequal(s, f)) return out = false, true;
      return parsing();
    }
    default: return type_error();
  }
}

template <class E, class N>
bool read_enum(const N& node, E& out, ReadContext& cx) {
  if (node.kind() == Json::Kind::string) {
    const std::string_view s = node.str();
    for (std::size_t i = 0; i < enum_count<E>(); ++i)
      if (enum_name_at<E>(i) == s) return out = enum_value_at<E>(i), true;
  }
  std::string expected = enum_expected<E>();
  std::string msg = "Input should be " + expected;
  add_error(cx, "enum", std::move(msg), node.to_json(), Json{{"expected", std::move(expected)}});
  return false;
}

/// The Rules of a Field<V, R> on the value just read, in Pydantic's order (an Email's own syntax was
/// checked when it was read, so R's length and pattern rules see its text).
template <class T>
std::optional<RuleViolation> field_violation(const T& out) {
  constexpr Rule R = field_rule<T>;
  using V = field_value_t<T>;
  if constexpr (std::is_same_v<typename unwrap_optional<V>::type, Email>) {
    if constexpr (is_optional<V>) {
      if (!out.value) return std::nullopt;
      return check_value<R>(out.value->value);
    } else {
      return check_value<R>(out.value.value);
    }
  } else {
    return check_value<R>(out.value);
  }
}

/// A fixed length (std::array<T, N>, std::tuple) that the input's length breaks: Pydantic's too_short / too_long.
template <class N>
bool check_fixed_length(const N& node, std::size_t expected, LengthOf kind, ReadContext& cx) {
  const std::size_t n = node.size();
  if (n == expected) return true;
  const Rule r{.min_length = kind == LengthOf::tuple ? 0 : expected, .max_length = expected};
  if (std::optional<RuleViolation> v = check_length(n, r, kind)) return add_violation(cx, *v, node), false;
  return true;
}

template <class T, class N>
bool read_scalar(const N& node, T& out, ReadContext& cx) {
  ConversionError e;
  if (std::optional<T> v = read_scalar_node<T>(node, e)) return out = std::move(*v), true;
  add_error(cx, e.type, std::move(e.msg), node.to_json(), std::move(e.ctx));
  return false;
}

}  // namespace detail
}  // namespace fastapi
