// json/read.hpp: JSON text (simdjson DOM) or a fa::Json -> a plain struct, every error collected in Pydantic v2's words.
// Fed by the request body (binding) and by json/write's response-model wall; feeds handlers. Knows nothing of HTTP or routes.
#pragma once

#include <array>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "fastapi/json/errors.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// Deepest nesting of arrays and objects read_json accepts; deeper -> 422 json_invalid, never a stack overflow.
inline constexpr std::size_t json_max_depth = 64;

/// Reads JSON text into T, collecting EVERY error into `errors` with locations under `loc` (push "body" first).
///   struct Item { std::string name; fa::Field<double, fa::Rule{.gt = 0}> price; fa::Default<int> quantity = 1; };
///   auto item = fa::read_json<Item>(req.body, errors, loc);   // nullopt when any error was recorded
/// Malformed JSON -> {"type":"json_invalid","loc":["body",<byte offset>],"msg":"JSON decode error","input":{},
/// "ctx":{"error":"Expecting ',' delimiter"}} (Python's json words and offsets); a wrong value -> Pydantic's
/// int_parsing, string_type, missing, ... (docs/models.md lists them, and the lax conversions).
template <class T>
std::optional<T> read_json(std::string_view text, RequestValidationError& errors, detail::LocPath& loc);
/// Same, from an already-parsed fa::Json (embedded bodies, form data, the response-model wall).
template <class T>
std::optional<T> from_json(const Json& value, RequestValidationError& errors, detail::LocPath& loc);
/// Convenience: throws RequestValidationError (loc starting at "body"); the app answers it with 422.
template <class T>
T read_json(std::string_view text);

// ---- enums by name -------------------------------------------------------------------------------

/// Enumerator names are found by reflection over values [enum_min, enum_max] (clamped to the
/// underlying type): enumerators outside that range are not seen. Specialize for a wider range:
/// `template <> inline constexpr long long fastapi::enum_max<Big> = 1000;`
template <class E>
inline constexpr long long enum_min = std::is_signed_v<std::underlying_type_t<E>> ? -128 : 0;
template <class E>
inline constexpr long long enum_max = 255;

namespace detail {

template <auto V>
consteval std::string_view enum_pretty() {
  return __PRETTY_FUNCTION__;  // g++: "[with auto V = Color::red; ...]", clang++: "[V = Color::red]"
}
/// The enumerator's name, or "" when V is no enumerator ("(Color)3").
template <auto V>
consteval std::string_view enum_value_name() {
  std::string_view s = enum_pretty<V>();
  const std::size_t at = s.find("V = ");
  if (at == std::string_view::npos) return {};
  s = s.substr(at + 4);
  s = s.substr(0, s.find_first_of(";]"));
  if (s.empty() || s[0] == '(' || s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) return {};
  const std::size_t colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
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

/// Enumerators found while scanning: at most Count, names packed in `chars`.
template <class E, std::size_t Count, std::size_t Chars>
struct EnumTable {
  std::array<E, Count> values{};
  std::array<std::size_t, Count + 1> offset{};
  std::array<char, Chars + 1> chars{};
  std::size_t count = 0;
  std::size_t used = 0;
};

template <class E, long long Lo, std::size_t... I>
consteval auto scan_enum(std::index_sequence<I...>) {
  EnumTable<E, sizeof...(I), sizeof...(I) * 64> t{};
  const auto add = [&](E value, std::string_view name) {
    if (name.empty() || t.used + name.size() > t.chars.size() - 1) return;
    t.values[t.count] = value;
    t.offset[t.count] = t.used;
    for (char c : name) t.chars[t.used++] = c;
    t.offset[++t.count] = t.used;
  };
  // A braced list, not a fold: clang++ limits fold expressions to 256 operands.
  const std::string_view names[] = {enum_value_name<static_cast<E>(Lo + static_cast<long long>(I))>()...};
  for (std::size_t i = 0; i < sizeof...(I); ++i) add(static_cast<E>(Lo + static_cast<long long>(i)), names[i]);
  return t;
}

/// The scan, compacted to what it found (the scan's own table is large and never reaches the binary).
template <class E>
inline constexpr auto enum_table = [] {
  constexpr auto big =
      scan_enum<E, enum_lo<E>()>(std::make_index_sequence<static_cast<std::size_t>(enum_hi<E>() - enum_lo<E>() + 1)>{});
  EnumTable<E, big.count, big.used> t{};
  for (std::size_t i = 0; i < big.count; ++i) t.values[i] = big.values[i];
  for (std::size_t i = 0; i <= big.count; ++i) t.offset[i] = big.offset[i];
  for (std::size_t i = 0; i < big.used; ++i) t.chars[i] = big.chars[i];
  t.count = big.count;
  t.used = big.used;
  return t;
}();

}  // namespace detail

/// Number of named enumerators of E seen by reflection.
template <class E>
constexpr std::size_t enum_count() noexcept { return detail::enum_table<E>.count; }
/// Name of enumerator number i (in value order).
template <class E>
constexpr std::string_view enum_name_at(std::size_t i) noexcept {
  const auto& t = detail::enum_table<E>;
  return {t.chars.data() + t.offset[i], t.offset[i + 1] - t.offset[i]};
}
template <class E>
constexpr E enum_value_at(std::size_t i) noexcept { return detail::enum_table<E>.values[i]; }
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
template <class T>
inline constexpr bool forbids_extra = [] {
  if constexpr (requires { { T::forbid_extra } -> std::convertible_to<bool>; }) return static_cast<bool>(T::forbid_extra);
  else return false;
}();

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

}  // namespace detail

namespace detail {

// ---- where the error is in malformed JSON: Python's json module, position and words ------------

struct JsonSyntaxError {
  std::size_t pos;
  std::string_view msg;
};

/// The first error Python's json.loads would report in `s` (offsets in bytes), plus what simdjson
/// refuses and Python accepts: nesting beyond json_max_depth, invalid UTF-8, NaN/Infinity, numbers
/// out of double range, unpaired \u surrogates. Iterative: hostile nesting cannot overflow the stack.
/// Only called once simdjson has refused the text.
inline std::optional<JsonSyntaxError> locate_json_error(std::string_view s) {
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
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
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
      if (c == '"') { ++i; return std::nullopt; }
      if (c < 0x20) return JsonSyntaxError{i, "Invalid control character at"};
      if (c >= 0x80) {
        const int len = utf8_sequence(reinterpret_cast<const unsigned char*>(s.data() + i), n - i);
        if (len < 0) return JsonSyntaxError{i, "Invalid UTF-8 in string"};
        i += static_cast<std::size_t>(len);
        continue;
      }
      if (c != '\\') { ++i; continue; }
      if (i + 1 >= n) return JsonSyntaxError{begin, "Unterminated string starting at"};
      const char e = s[i + 1];
      if (e != 'u') {
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return JsonSyntaxError{i, "Invalid \\escape"};
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
      if (stack.size() + 1 > json_max_depth + (empty ? 1 : 0))
        return JsonSyntaxError{at, "Nesting deeper than 64 arrays and objects"};
      stack.push_back(c);
      i = at + 1;
      return std::nullopt;
    }
    for (std::string_view word : {"null", "true", "false"})
      if (s.substr(i, word.size()) == word) { i += word.size(); return std::nullopt; }
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

// ---- two sources, one reader: a simdjson DOM element or a fa::Json ------------------------------

/// A simdjson DOM element seen through the reader's eyes.
struct DomNode {
  simdjson::dom::element e;
  Json::Kind kind() const noexcept {
    using T = simdjson::dom::element_type;
    switch (e.type()) {
      case T::ARRAY: return Json::Kind::array;
      case T::OBJECT: return Json::Kind::object;
      case T::INT64: return Json::Kind::integer;
      case T::UINT64: return Json::Kind::unsigned_integer;
      case T::DOUBLE: return Json::Kind::floating;
      case T::STRING: return Json::Kind::string;
      case T::BOOL: return Json::Kind::boolean;
      case T::NULL_VALUE: break;
    }
    return Json::Kind::null;
  }
  bool boolean() const noexcept { return e.get_bool().value_unsafe(); }
  std::int64_t i64() const noexcept { return e.get_int64().value_unsafe(); }
  std::uint64_t u64() const noexcept { return e.get_uint64().value_unsafe(); }
  double f64() const noexcept { return e.get_double().value_unsafe(); }
  std::string_view str() const noexcept { return e.get_string().value_unsafe(); }
  template <class F> void each_element(F&& f) const {
    std::size_t i = 0;
    const simdjson::dom::array array = e.get_array().value_unsafe();  // a local: value_unsafe() of a temporary dangles
    for (simdjson::dom::element x : array) f(i++, DomNode{x});
  }
  template <class F> void each_member(F&& f) const {
    const simdjson::dom::object object = e.get_object().value_unsafe();
    for (simdjson::dom::key_value_pair kv : object) f(kv.key, DomNode{kv.value});
  }
  std::size_t size() const noexcept {
    return e.is_array() ? e.get_array().value_unsafe().size() : e.get_object().value_unsafe().size();
  }
  Json to_json() const { return json_from_element(e, 0); }
};

/// A fa::Json seen through the reader's eyes.
struct JsonNode {
  const Json* j;
  Json::Kind kind() const noexcept { return j->kind(); }
  bool boolean() const { return j->as_bool(); }
  std::int64_t i64() const { return j->as_int(); }
  std::uint64_t u64() const { return j->as_uint(); }
  double f64() const { return j->as_double(); }
  std::string_view str() const { return j->as_string(); }
  template <class F> void each_element(F&& f) const {
    std::size_t i = 0;
    for (const Json& x : *j) f(i++, JsonNode{&x});
  }
  template <class F> void each_member(F&& f) const {
    for (const auto& [k, v] : j->items()) f(std::string_view(k), JsonNode{&v});
  }
  std::size_t size() const { return j->size(); }
  Json to_json() const { return *j; }
};

struct ReadContext {
  RequestValidationError& errors;
  LocPath& loc;
  std::size_t depth = 0;  ///< arrays and objects entered (guards recursive types read from a deep fa::Json)
};

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

inline std::string_view strip_python_whitespace(std::string_view s) noexcept {
  constexpr std::string_view space = " \t\n\r\f\v";
  const std::size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

/// Python's int(str) as Pydantic applies it: whitespace stripped, a sign, digits with single `_`
/// between them, a trailing ".0..." allowed. Returns the sign and the digits (underscores removed).
inline bool python_int_digits(std::string_view s, bool& negative, std::string& digits) {
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

/// Python's float(str): whitespace stripped, `_` between digits, inf/nan/infinity in any case.
inline std::optional<double> python_float(std::string_view s) {
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

inline bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

template <class T> inline constexpr bool is_vector = false;
template <class U, class A> inline constexpr bool is_vector<std::vector<U, A>> = true;
template <class T> inline constexpr bool is_string_map = false;
template <class U, class C, class A> inline constexpr bool is_string_map<std::map<std::string, U, C, A>> = true;
template <class U, class H, class E, class A>
inline constexpr bool is_string_map<std::unordered_map<std::string, U, H, E, A>> = true;

/// Keys as Python's dict keeps them: first position, last value. Linear (a hash past 16 entries).
template <class N>
void keep_last_values(std::vector<std::pair<std::string_view, N>>& members) {
  const std::size_t n = members.size();
  if (n < 2) return;
  std::unordered_map<std::string_view, std::size_t> first;
  std::vector<bool> drop(n, false);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t at = n;
    if (n <= 16) {
      for (std::size_t j = 0; j < i && at == n; ++j)
        if (!drop[j] && members[j].first == members[i].first) at = j;
    } else if (auto [it, inserted] = first.try_emplace(members[i].first, i); !inserted) {
      at = it->second;
    }
    if (at != n) members[at].second = members[i].second, drop[i] = any = true;
  }
  if (!any) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!drop[i]) members[kept++] = members[i];
  members.resize(kept);
}

template <class T, bool Strict, class N>
bool read_value(const N& node, T& out, ReadContext& cx);

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
  const auto type_error = [&] { return add_error(cx, "int_type", "Input should be a valid integer", node.to_json()), false; };
  switch (node.kind()) {
    case K::integer: return from_signed(node.i64());
    case K::unsigned_integer: return from_unsigned(node.u64());
    case K::floating: {
      if (Strict) return type_error();
      const double d = node.f64();
      if (!std::isfinite(d)) return add_error(cx, "finite_number", "Input should be a finite number", node.to_json()), false;
      if (d != std::floor(d))
        return add_error(cx, "int_from_float", "Input should be a valid integer, got a number with a fractional part",
                         node.to_json()), false;
      if (d >= 0x1p63 || d < -0x1p63) {
        if (d >= 0 && d < 0x1p64) return from_unsigned(static_cast<std::uint64_t>(d));
        return add_range_error<I>(cx, d > 0, node), false;
      }
      return from_signed(static_cast<std::int64_t>(d));
    }
    case K::boolean: return Strict ? type_error() : from_signed(node.boolean() ? 1 : 0);
    case K::string: {
      if (Strict) return type_error();
      bool negative;
      std::string digits;
      const auto parsing = [&] {
        return add_error(cx, "int_parsing", "Input should be a valid integer, unable to parse string as an integer",
                         node.to_json()), false;
      };
      if (!python_int_digits(node.str(), negative, digits)) return parsing();
      std::uint64_t magnitude;
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
                         node.to_json()), false;
      d = *v;
      break;
    }
    default: return add_error(cx, "float_type", "Input should be a valid number", node.to_json()), false;
  }
  if constexpr (sizeof(F) < sizeof(double)) {
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<F>::max())) {
      const double bound = static_cast<double>(std::numeric_limits<F>::max());
      Json b(bound);
      if (d > 0) add_error(cx, "less_than_equal", "Input should be less than or equal to " + format_number(bound), node.to_json(), Json{{"le", b}});
      else add_error(cx, "greater_than_equal", "Input should be greater than or equal to " + format_number(-bound), node.to_json(), Json{{"ge", Json(-bound)}});
      return false;
    }
  }
  out = static_cast<F>(d);
  return true;
}

template <bool Strict, class N>
bool read_bool(const N& node, bool& out, ReadContext& cx) {
  using K = Json::Kind;
  const auto type_error = [&] { return add_error(cx, "bool_type", "Input should be a valid boolean", node.to_json()), false; };
  const auto parsing = [&] {
    return add_error(cx, "bool_parsing", "Input should be a valid boolean, unable to interpret input", node.to_json()), false;
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

/// Entering an array or object: false (and one error) past the depth a fa::Json may carry in.
inline bool enter(ReadContext& cx, const Json& input) {
  if (++cx.depth <= json_max_depth + 1) return true;
  add_error(cx, "recursion_loop", "Recursion error - cyclic reference detected", input);
  return false;
}
template <class N>
bool enter(ReadContext& cx, const N& node) {
  if (cx.depth + 1 <= json_max_depth + 1) return ++cx.depth, true;
  return enter(cx, node.to_json());
}

template <class T, class N>
bool read_struct(const N& node, T& out, ReadContext& cx) {
  constexpr std::size_t count = field_count<T>;
  if (node.kind() != Json::Kind::object) {
    add_error(cx, "model_attributes_type", "Input should be a valid dictionary or object to extract fields from",
              node.to_json());
    return false;
  }
  if (!enter(cx, node)) return false;
  std::array<N, count> found{};
  std::array<bool, count> present{};
  bool extra = false;
  node.each_member([&](std::string_view key, const N& value) {
    const std::size_t i = wire_index<T>(key);
    if (i < count) found[i] = value, present[i] = true;  // a repeated key: the last value wins (Python's dict)
    else extra = true;
  });
  bool ok = true;
  for_each_field(out, [&](auto& member, auto index) {
    constexpr std::size_t I = decltype(index)::value;
    using M = std::remove_cvref_t<decltype(member)>;
    cx.loc.push(wire_names<T>[I]);
    if (present[I]) {
      ok = read_value<M, false>(found[I], member, cx) && ok;
    } else if constexpr (is_required<M>) {
      add_error(cx, "missing", "Field required", node.to_json());
      ok = false;
    }
    cx.loc.pop();
  });
  if constexpr (forbids_extra<T>) {
    if (extra) {
      std::vector<std::pair<std::string_view, N>> extras;
      node.each_member([&](std::string_view key, const N& value) {
        if (wire_index<T>(key) >= count) extras.emplace_back(key, value);
      });
      keep_last_values(extras);
      for (const auto& [key, value] : extras) {
        cx.loc.push(key);
        add_error(cx, "extra_forbidden", "Extra inputs are not permitted", value.to_json());
        cx.loc.pop();
      }
      ok = false;
    }
  }
  --cx.depth;
  return ok;
}

template <class T, bool Strict, class N>
bool read_value(const N& node, T& out, ReadContext& cx) {
  using K = Json::Kind;
  if constexpr (is_field<T>) {
    constexpr Rule R = field_rule<T>;
    using V = field_value_t<T>;
    if (!read_value<V, Strict || R.strict>(node, out.value, cx)) return false;
    std::optional<RuleViolation> v;
    if constexpr (std::is_same_v<typename unwrap_optional<V>::type, Email>) {
      if constexpr (is_optional<V>) { if (out.value) v = check_value<R>(out.value->value); }
      else v = check_value<R>(out.value.value);
    } else {
      v = check_value<R>(out.value);
    }
    if (v) return add_violation(cx, *v, node), false;
    return true;
  } else if constexpr (is_optional<T>) {
    if (node.kind() == K::null) return out.reset(), true;
    if (!out) out.emplace();
    return read_value<typename T::value_type, Strict>(node, *out, cx);
  } else if constexpr (std::is_same_v<T, Json>) {
    out = node.to_json();
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    return read_bool<Strict>(node, out, cx);
  } else if constexpr (std::is_integral_v<T>) {
    return read_integer<T, Strict>(node, out, cx);
  } else if constexpr (std::is_floating_point_v<T>) {
    return read_floating<T, Strict>(node, out, cx);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Email>) {
    if (node.kind() != K::string) return add_error(cx, "string_type", "Input should be a valid string", node.to_json()), false;
    if constexpr (std::is_same_v<T, Email>) {
      out.value = node.str();
      if (auto v = validate_email(out.value)) return add_violation(cx, *v, node), false;
    } else {
      out = node.str();
    }
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    return read_enum(node, out, cx);
  } else if constexpr (is_vector<T>) {
    if (node.kind() != K::array) return add_error(cx, "list_type", "Input should be a valid list", node.to_json()), false;
    if (!enter(cx, node)) return false;
    out.clear();
    out.resize(node.size());
    bool ok = true;
    node.each_element([&](std::size_t i, const N& x) {
      cx.loc.push(i);
      ok = read_value<typename T::value_type, Strict>(x, out[i], cx) && ok;
      cx.loc.pop();
    });
    --cx.depth;
    return ok;
  } else if constexpr (is_string_map<T>) {
    if (node.kind() != K::object)
      return add_error(cx, "dict_type", "Input should be a valid dictionary", node.to_json()), false;
    if (!enter(cx, node)) return false;
    std::vector<std::pair<std::string_view, N>> members;
    members.reserve(node.size());
    node.each_member([&](std::string_view k, const N& v) { members.emplace_back(k, v); });
    keep_last_values(members);
    out.clear();
    bool ok = true;
    for (const auto& [k, v] : members) {
      cx.loc.push(k);
      ok = read_value<typename T::mapped_type, Strict>(v, out[std::string(k)], cx) && ok;
      cx.loc.pop();
    }
    --cx.depth;
    return ok;
  } else if constexpr (std::is_class_v<T> && std::is_aggregate_v<T>) {
    static_assert(std::is_default_constructible_v<T>,
                  "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                  "it, then assigns the members it finds");
    return read_struct(node, out, cx);
  } else {
    static_assert(dependent_false<T>,
                  "fastapi: read_json cannot read this type; use bool, an integer, float/double, std::string, an "
                  "enum, std::optional, std::vector, std::map<std::string, T>, std::unordered_map<std::string, T>, "
                  "a nested struct, fa::Json, fa::Email or fa::Field<T, Rule>");
    return false;
  }
}

/// This thread's simdjson parser for bodies: json_max_depth levels (simdjson lets an empty
/// innermost container sit one level deeper, hence + 1).
inline simdjson::dom::parser& body_parser() {
  thread_local simdjson::dom::parser parser;
  if (parser.max_depth() != json_max_depth + 1) {
    if (parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, json_max_depth + 1) != simdjson::SUCCESS)
      throw std::bad_alloc();
  }
  return parser;
}

inline void add_json_invalid(RequestValidationError& errors, LocPath& loc, std::size_t pos, std::string_view why) {
  Json l = loc.to_json();
  l.push_back(static_cast<std::uint64_t>(pos));
  errors.add({"json_invalid", std::move(l), "JSON decode error", Json::object({}), Json{{"error", std::string(why)}}});
}
}  // namespace detail

template <class T>
std::optional<T> read_json(std::string_view text, RequestValidationError& errors, detail::LocPath& loc) {
  static_assert(std::is_default_constructible_v<T>,
                "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                "it, then assigns the members it finds");
  simdjson::dom::parser& parser = detail::body_parser();
  simdjson::dom::element root;
  simdjson::error_code err = parser.parse(text.data(), text.size(), true).get(root);
  std::optional<std::string> widened;
  if (err == simdjson::NUMBER_ERROR) {  // integers beyond 64 bits: as doubles
    widened = detail::widen_big_integers(text);
    if (widened) err = parser.parse(widened->data(), widened->size(), true).get(root);
  }
  if (err != simdjson::SUCCESS) {
    const auto at = detail::locate_json_error(text);
    detail::add_json_invalid(errors, loc, at ? at->pos : 0, at ? at->msg : simdjson::error_message(err));
    return std::nullopt;
  }
  T out{};
  detail::ReadContext cx{errors, loc};
  if (!detail::read_value<T, false>(detail::DomNode{root}, out, cx)) return std::nullopt;
  return out;
}

template <class T>
std::optional<T> from_json(const Json& value, RequestValidationError& errors, detail::LocPath& loc) {
  static_assert(std::is_default_constructible_v<T>,
                "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                "it, then assigns the members it finds");
  T out{};
  detail::ReadContext cx{errors, loc};
  if (!detail::read_value<T, false>(detail::JsonNode{&value}, out, cx)) return std::nullopt;
  return out;
}

template <class T>
T read_json(std::string_view text) {
  RequestValidationError errors;
  detail::LocPath loc;
  loc.push(std::string_view("body"));
  std::optional<T> out = read_json<T>(text, errors, loc);
  if (!out) throw errors;
  return std::move(*out);
}

}  // namespace fastapi
