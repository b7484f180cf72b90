// json/rules.hpp: validation rules on struct members (Rule, Field, Default; Email's syntax from json/email) and their Pydantic v2 error words. Fed by json/reflect and json/email; feeds json/read, json/write, params and openapi. Knows nothing of JSON text or HTTP.
#pragma once

#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/regex.hpp"
#include "fastapi/json/email.hpp"
#include "fastapi/json/reflect.hpp"

namespace fastapi {

/// Text stored inside a Rule (so a Rule stays usable as a template argument): built from a
/// string literal, at most Capacity characters. `fa::Rule{.alias = "passWord"}`
template <std::size_t Capacity>
struct RuleText {
  char text[Capacity + 1]{};
  std::size_t length = 0;

  constexpr RuleText() noexcept = default;
  template <std::size_t N>
  constexpr RuleText(const char (&s)[N]) noexcept;  // implicit: `.alias = "passWord"`
  constexpr std::string_view view() const noexcept { return {text, length}; }
  constexpr operator std::string_view() const noexcept { return view(); }
  constexpr bool empty() const noexcept { return length == 0; }
  constexpr bool operator==(const RuleText&) const noexcept = default;
};

template <std::size_t Capacity>
template <std::size_t N>
constexpr RuleText<Capacity>::RuleText(const char (&s)[N]) noexcept : length(N - 1) {
  static_assert(N - 1 <= Capacity, "fastapi: this Rule text is too long (alias: 64 characters, title: 128, description "
                                   "and pattern: 256, examples: 512, openapi_examples: 1024); shorten it"
                                   " (docs/compile_errors.md#json-rules-text-too-long)");
  for (std::size_t i = 0; i + 1 < N; ++i) text[i] = s[i];
}

/// Constraints on one value, Pydantic's Field(...) arguments as a literal type usable as a
/// template argument. Designated initializers must follow the declaration order below:
/// alias, title, description, gt, ge, lt, le, multiple_of, min_length, max_length, pattern, strict, deprecated,
/// examples, openapi_examples, convert_underscores.
/// `fa::Field<std::string, fa::Rule{.alias = "passWord", .min_length = 8}> password;`
/// (clang++ 14 needs the explicit `fa::Rule{...}`, not bare braces.)
/// Broken at run time -> 422 with Pydantic's type: greater_than, greater_than_equal, less_than,
/// less_than_equal, multiple_of, string_too_short, string_too_long, too_short, too_long,
/// string_pattern_mismatch.
struct Rule {
  RuleText<64> alias{};                                  ///< the member's name on the wire (JSON key, query name)
  RuleText<128> title{};                                 ///< OpenAPI title
  RuleText<256> description{};                           ///< OpenAPI description
  double gt = -std::numeric_limits<double>::infinity();  ///< value > gt
  double ge = -std::numeric_limits<double>::infinity();  ///< value >= ge
  double lt = std::numeric_limits<double>::infinity();   ///< value < lt
  double le = std::numeric_limits<double>::infinity();   ///< value <= le
  double multiple_of = 0;                                ///< value % multiple_of == 0; 0 = unset
  std::size_t min_length = 0;                            ///< characters of a string, items of a container
  std::size_t max_length = SIZE_MAX;
  RuleText<256> pattern{};  ///< regex searched in strings (Pydantic: re.search, not fullmatch); core/regex.hpp syntax
  bool strict = false;      ///< no coercion: "5" is not an int, 1 is not a bool
  bool deprecated = false;  ///< OpenAPI: "deprecated": true (the parameter or member still works)
  /// Pydantic's `examples=[...]`: a JSON array, written as text, copied into the schema ("examples": [...]).
  RuleText<512> examples{};
  /// FastAPI's `openapi_examples={...}` (a parameter's or a body's): a JSON object of named Example objects
  /// ({"summary", "description", "value"}), copied into the Parameter or the body's media type ("examples").
  RuleText<1024> openapi_examples{};
  /// Headers only: false keeps an `_` of the name on the wire (FastAPI's `Header(convert_underscores=False)`).
  bool convert_underscores = true;

  constexpr bool has_gt() const noexcept { return gt != -std::numeric_limits<double>::infinity(); }
  constexpr bool has_ge() const noexcept { return ge != -std::numeric_limits<double>::infinity(); }
  constexpr bool has_lt() const noexcept { return lt != std::numeric_limits<double>::infinity(); }
  constexpr bool has_le() const noexcept { return le != std::numeric_limits<double>::infinity(); }
  constexpr bool has_number_rule() const noexcept {
    return has_gt() || has_ge() || has_lt() || has_le() || multiple_of != 0;
  }
  constexpr bool has_length_rule() const noexcept { return min_length != 0 || max_length != SIZE_MAX; }
  constexpr bool operator==(const Rule&) const noexcept = default;
};

namespace detail {
template <class T, Rule R>
consteval bool check_rule();
}

/// A member of type T with a Rule: `fa::Field<int, fa::Rule{.ge = 1}> quantity;`. Behaves like
/// T: built implicitly from anything T is (`Field<std::string, R> s = "abc";`), converts to
/// `const T&`, `*f` and `f->` reach the value, compares with T; `.value` is the T itself.
/// A Rule that cannot apply to T (`pattern` on an int, `ge` above `le`) is refused at compile
/// time. HasDefault = true is spelled `fa::Default<T, Rule>`.
template <class T, Rule R = Rule{}, bool HasDefault = false>
struct Field {
  static_assert(detail::check_rule<T, R>());
  static_assert(R.convert_underscores, "fastapi: Rule convert_underscores applies only to fa::Header"
                                       " (docs/compile_errors.md#params-convert-underscores-on-query)");
  static constexpr Rule rule = R;
  static constexpr bool has_default = HasDefault;
  using value_type = T;

  T value{};

  Field() = default;
  template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Field>)
  constexpr explicit(!std::is_convertible_v<U&&, T>) Field(U&& u) : value(std::forward<U>(u)) {}
  constexpr operator const T&() const& noexcept { return value; }
  constexpr operator T&() & noexcept { return value; }
  constexpr const T& operator*() const noexcept { return value; }
  constexpr T& operator*() noexcept { return value; }
  constexpr const T* operator->() const noexcept { return &value; }
  constexpr T* operator->() noexcept { return &value; }
  // One non-template comparison: Field == T, T == Field (rewritten), Field == Field (through
  // the conversion to const T&), and Field == anything that converts to T ("abc").
  friend constexpr bool operator==(const Field& f, const T& v) { return f.value == v; }
};

/// A member that may be absent from the input: it keeps its default member initializer.
/// The library cannot see a default member initializer (reflection only sees types), so the
/// type says it, as `quantity: int = 1` does in FastAPI:
///   struct Item {
///     std::string name;                               // required: absent -> 422 "missing"
///     std::optional<std::string> description;         // optional: absent -> std::nullopt
///     fa::Default<int, fa::Rule{.ge = 1}> quantity = 1;  // optional: absent -> 1
///   };
/// The reader value-initializes the struct (`T{}`), then assigns the members it finds.
template <class T, Rule R = Rule{}>
using Default = Field<T, R, true>;

namespace detail {
template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;
template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};
template <class T>
struct field_traits {
  static constexpr bool is_field = false;
  static constexpr Rule rule{};
  static constexpr bool has_default = false;
  using value_type = T;
};
template <class T, Rule R, bool D>
struct field_traits<Field<T, R, D>> {
  static constexpr bool is_field = true;
  static constexpr Rule rule = R;
  static constexpr bool has_default = D;
  using value_type = T;
};
}  // namespace detail

/// True for fa::Field<...> and fa::Default<...>.
template <class T>
inline constexpr bool is_field = detail::field_traits<std::remove_cv_t<T>>::is_field;
/// The Rule of a Field, Rule{} for any other type.
template <class T>
inline constexpr Rule field_rule = detail::field_traits<std::remove_cv_t<T>>::rule;
/// The T of Field<T, R>; T itself for any other type.
template <class T>
using field_value_t = typename detail::field_traits<std::remove_cv_t<T>>::value_type;
/// True unless the member may be absent: std::optional<U>, Field<std::optional<U>, R>, Default<T, R>.
template <class T>
inline constexpr bool is_required =
    !detail::field_traits<std::remove_cv_t<T>>::has_default && !detail::is_optional<field_value_t<T>>;

// ---- compile-time check of a Rule against its type ------------------------------------------

namespace detail {
template <class T>
inline constexpr bool is_string_like =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> || std::is_same_v<T, Email>;
template <class T>
inline constexpr bool is_number = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;
template <class T>
inline constexpr bool is_sized_range = !is_string_like<T> && requires(const T& t) {
  t.size();
  t.begin();
  t.end();
};

/// A Rule's pattern is checked here, at compile time, by the same parser that builds it at run time: each
/// refused construct has its sentence (docs/models.md lists the syntax).
template <Rule R>
consteval void check_rule_pattern() {
  constexpr RegexError e = check_regex(R.pattern.view()).error;
  using E = RegexError;
  static_assert(e != E::backreference,
                "fastapi: this Rule pattern has a backreference (\\1, \\k<name>, (?P=name)): not supported, matching "
                "one needs backtracking, which can take exponential time; fastapi matches patterns in linear time, "
                "as Pydantic v2 (Rust's regex crate) does (docs/compile_errors.md#json-rules-pattern-backreference)");
  static_assert(e != E::lookaround,
                "fastapi: this Rule pattern has a lookahead or lookbehind ((?=, (?!, (?<=, (?<!): not supported, "
                "fastapi matches patterns in linear time, as Pydantic v2 (Rust's regex crate) does; check the "
                "condition in the handler instead (docs/compile_errors.md#params-query-pattern-lookahead)");
  static_assert(e != E::atomic && e != E::possessive,
                "fastapi: this Rule pattern has an atomic group (?>...) or a possessive quantifier (*+, ++, ?+): not "
                "supported; the plain forms never backtrack here (docs/compile_errors.md#rules)");
  static_assert(
      e != E::inline_flags,
      "fastapi: this Rule pattern has inline flags such as (?i) or (?s): not supported; spell the cases "
      "out ([Aa]) or use [\\s\\S] for any character (docs/compile_errors.md#json-rules-pattern-inline-flags)");
  static_assert(e != E::unicode_class && e != E::posix_class && e != E::class_operation,
                "fastapi: this Rule pattern has a Unicode class (\\p{L}), a POSIX class ([[:alpha:]]) or a class "
                "operation (&&): not supported; list the ranges ([a-zA-Z]) (docs/compile_errors.md#rules)");
  static_assert(e != E::too_large && e != E::repeat_too_large && e != E::too_deep,
                "fastapi: this Rule pattern is too large: a repetition count above 1000, groups nested more than 64 "
                "deep, or more than 20000 instructions once compiled; use min_length/max_length for lengths"
                " (docs/compile_errors.md#rules)");
  static_assert(e == E::none || e == E::backreference || e == E::lookaround || e == E::atomic || e == E::possessive ||
                    e == E::inline_flags || e == E::unicode_class || e == E::posix_class || e == E::class_operation ||
                    e == E::too_large || e == E::repeat_too_large || e == E::too_deep,
                "fastapi: this Rule pattern is not a valid regular expression (unbalanced ( ) or [ ], a quantifier "
                "with nothing to repeat, a reversed range z-a or {5,2}, an unknown escape, or a trailing backslash)"
                " (docs/compile_errors.md#json-rules-pattern-malformed)");
}

/// Checks JSON text at compile time (RFC 8259's grammar, no depth limit beyond the text's size): the first
/// character of the one value it holds ('[', '{', '"', ...), or 0 when it is not exactly one JSON value.
/// Rule.examples and Rule.openapi_examples are checked with it, so a typo is a compile error, not a broken document.
struct JsonTextChecker {
  std::string_view s;
  std::size_t i = 0;
  constexpr void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  constexpr bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  constexpr bool digits() {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  }
  constexpr bool string() {
    if (i >= s.size() || s[i] != '"') return false;
    for (++i; i < s.size(); ++i) {
      if (s[i] == '"') return ++i, true;
      if (static_cast<unsigned char>(s[i]) < 0x20) return false;
      if (s[i] == '\\') {
        if (++i >= s.size()) return false;
        if (s[i] == 'u') {
          for (int k = 0; k < 4; ++k) {
            char h = ++i < s.size() ? s[i] : '\0';
            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(s[i]) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }
  constexpr bool number() {
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') ++i;
    else if (!digits()) return false;
    if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (!digits()) return false;
    }
    return true;
  }
  constexpr bool word(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    return i += w.size(), true;
  }
  constexpr bool value() {
    ws();
    if (i >= s.size()) return false;
    switch (s[i]) {
      case '"': return string();
      case 't': return word("true");
      case 'f': return word("false");
      case 'n': return word("null");
      case '[':
        ++i;
        if (eat(']')) return true;
        do {
          if (!value()) return false;
        } while (eat(','));
        return eat(']');
      case '{':
        ++i;
        if (eat('}')) return true;
        do {
          ws();
          if (!string() || !eat(':') || !value()) return false;
        } while (eat(','));
        return eat('}');
      default: return number();
    }
  }
};
constexpr char json_text_kind(std::string_view text) {
  JsonTextChecker c{text};
  if (!c.value()) return 0;
  c.ws();
  if (c.i != text.size()) return 0;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return text[first];
}

template <class T, Rule R>
consteval bool check_rule() {
  using V = typename unwrap_optional<T>::type;
  static_assert(!R.has_number_rule() || is_number<V>,
                "fastapi: Rule gt/ge/lt/le/multiple_of apply only to numbers (int, double, ...), and "
                "this Field does not hold a number (docs/compile_errors.md#json-rules-bound-on-string)");
  static_assert(!R.has_length_rule() || is_string_like<V> || is_sized_range<V>,
                "fastapi: Rule min_length/max_length apply only to strings and containers "
                "(std::string, std::vector, std::map, ...), and this Field holds neither"
                " (docs/compile_errors.md#json-rules-length-on-number)");
  static_assert(R.pattern.empty() || is_string_like<V>,
                "fastapi: Rule pattern applies only to strings, and this Field does not hold one"
                " (docs/compile_errors.md#json-rules-pattern-on-int)");
  static_assert(!(R.ge > R.le || R.gt >= R.lt || R.ge >= R.lt || R.gt >= R.le),
                "fastapi: this Rule leaves no value (its lower bound ge/gt is above its upper bound "
                "le/lt); no input could pass (docs/compile_errors.md#json-rules-empty-range)");
  static_assert(R.min_length <= R.max_length,
                "fastapi: this Rule has min_length greater than max_length; no input could pass"
                " (docs/compile_errors.md#json-rules-min-above-max)");
  static_assert(R.multiple_of >= 0, "fastapi: Rule multiple_of must be positive (docs/compile_errors.md#rules)");
  if constexpr (!R.pattern.empty()) check_rule_pattern<R>();
  static_assert(R.examples.empty() || json_text_kind(R.examples.view()) == '[',
                "fastapi: Rule examples is a JSON array written as text: .examples = R\"([\"Foo\", \"Bar\"])\""
                " (docs/compile_errors.md#json-rules-examples-not-json)");
  static_assert(R.openapi_examples.empty() || json_text_kind(R.openapi_examples.view()) == '{',
                "fastapi: Rule openapi_examples is a JSON object written as text: "
                ".openapi_examples = R\"({\"normal\": {\"summary\": \"A normal example\", \"value\": 1}})\""
                " (docs/compile_errors.md#json-rules-examples-not-json)");
  return true;
}
}  // namespace detail

// ---- run-time checks: Pydantic v2 error types and messages ---------------------------------

/// One entry of a Pydantic error's "ctx": `"ge": 1`, `"pattern": "^[a-z]+$"`.
struct RuleContext {
  std::string_view key;
  std::string text;   ///< the value when is_text
  double number = 0;  ///< the value otherwise; print it with format_number
  bool is_text = false;
};

/// A broken rule, in Pydantic v2's words: `type` and `msg` of the error, and its ctx entries
/// in Pydantic's order (too_short: field_type, min_length, actual_length).
struct RuleViolation {
  std::string_view type;  ///< "greater_than_equal", "string_too_short", ...
  std::string msg;        ///< "Input should be greater than or equal to 1"
  std::array<RuleContext, 3> ctx{};
  std::size_t ctx_size = 0;

  std::span<const RuleContext> context() const noexcept { return {ctx.data(), ctx_size}; }
};

/// What a length rule counts: Pydantic's field_type word in too_short/too_long.
enum class LengthOf { string, list, dictionary, set, tuple };

/// A number as Pydantic prints a bound (Rust's Display): 5, 5.5, 0.1, 100000000000000000000.
FASTAPI_DETAIL_INLINE std::string format_number(double v);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  (void)ec;  // 400 characters hold any double in fixed notation
  return std::string(buf, end);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
FASTAPI_DETAIL_INLINE RuleViolation number_violation(std::string_view type, std::string_view words,
                                                     std::string_view key, double bound);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE RuleViolation number_violation(std::string_view type, std::string_view words,
                                                     std::string_view key, double bound) {
  RuleViolation v{type, std::string(words) + format_number(bound)};
  v.ctx[0] = {key, {}, bound, false};
  v.ctx_size = 1;
  return v;
}
inline std::string_view length_field_type(LengthOf kind) noexcept {
  switch (kind) {
    case LengthOf::dictionary: return "Dictionary";
    case LengthOf::set: return "Set";
    case LengthOf::tuple: return "Tuple";
    default: return "List";
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

/// Checks a number against gt/ge/lt/le/multiple_of in Pydantic's order (multiple_of, le, lt,
/// ge, gt); the first broken one is returned. NaN breaks every bound.
/// `check_number(0, Rule{.ge = 1})->msg == "Input should be greater than or equal to 1"`
template <class N>
  requires(std::is_arithmetic_v<N>)
std::optional<RuleViolation> check_number(N value, const Rule& r) {
  const long double v = static_cast<long double>(value);  // exact for int64 and double
  if (r.multiple_of != 0) {
    bool ok;
    if (std::is_integral_v<N> && r.multiple_of == std::floor(r.multiple_of) && r.multiple_of < 9.2e18) {
      ok = static_cast<long long>(value) % static_cast<long long>(r.multiple_of) == 0;
    } else {  // pydantic-core's float test: remainder within |value| / 1e9 of 0 or of multiple_of
      const double d = static_cast<double>(value), rem = std::fmod(d, r.multiple_of);
      const double threshold = std::fabs(d) / 1e9;
      ok = !(std::fabs(rem) > threshold && std::fabs(rem - r.multiple_of) > threshold);
    }
    if (!ok)
      return detail::number_violation("multiple_of", "Input should be a multiple of ", "multiple_of", r.multiple_of);
  }
  if (r.has_le() && !(v <= r.le))
    return detail::number_violation("less_than_equal", "Input should be less than or equal to ", "le", r.le);
  if (r.has_lt() && !(v < r.lt)) return detail::number_violation("less_than", "Input should be less than ", "lt", r.lt);
  if (r.has_ge() && !(v >= r.ge))
    return detail::number_violation("greater_than_equal", "Input should be greater than or equal to ", "ge", r.ge);
  if (r.has_gt() && !(v > r.gt))
    return detail::number_violation("greater_than", "Input should be greater than ", "gt", r.gt);
  return std::nullopt;
}

/// Checks a length against min_length/max_length. Strings count characters (code points):
/// "String should have at least 3 characters"; containers count items:
/// "List should have at least 1 item after validation, not 0".
FASTAPI_DETAIL_INLINE std::optional<RuleViolation> check_length(std::size_t n, const Rule& r, LengthOf kind);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<RuleViolation> check_length(std::size_t n, const Rule& r, LengthOf kind) {
  // clang-format off
  const bool too_short = n < r.min_length, too_long = n > r.max_length;
  // clang-format on
  if (!too_short && !too_long) return std::nullopt;
  const std::size_t bound = too_short ? r.min_length : r.max_length;
  const std::string_view key = too_short ? "min_length" : "max_length";
  const std::string count = std::to_string(bound);
  RuleViolation v;
  if (kind == LengthOf::string) {
    v.type = too_short ? "string_too_short" : "string_too_long";
    v.msg = std::string(too_short ? "String should have at least " : "String should have at most ") + count +
            (bound == 1 ? " character" : " characters");
    v.ctx[0] = {key, {}, static_cast<double>(bound), false};
    v.ctx_size = 1;
  } else {
    const std::string_view word = detail::length_field_type(kind);
    v.type = too_short ? "too_short" : "too_long";
    v.msg = std::string(word) + (too_short ? " should have at least " : " should have at most ") + count +
            (bound == 1 ? " item" : " items") + " after validation, not " + std::to_string(n);
    v.ctx[0] = {"field_type", std::string(word), 0, true};
    v.ctx[1] = {key, {}, static_cast<double>(bound), false};
    v.ctx[2] = {"actual_length", {}, static_cast<double>(n), false};
    v.ctx_size = 3;
  }
  return v;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
/// How many patterns were compiled in this process (tests check that each is compiled once).
inline std::atomic<std::size_t>& pattern_compilations() noexcept {
  static std::atomic<std::size_t> count{0};
  return count;
}
/// R.pattern compiled once, on first use, thread-safely (a function-local static per Rule). The pattern was
/// checked at compile time (check_rule_pattern), so compiling it here cannot fail.
template <Rule R>
const Regex& pattern_regex() {
  static const Regex compiled = [] {
    pattern_compilations().fetch_add(1, std::memory_order_relaxed);
    return Regex::compile(R.pattern.view());
  }();
  return compiled;
}
FASTAPI_DETAIL_INLINE RuleViolation pattern_violation(std::string_view pattern);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE RuleViolation pattern_violation(std::string_view pattern) {
  RuleViolation v{"string_pattern_mismatch", "String should match pattern '" + std::string(pattern) + "'"};
  v.ctx[0] = {"pattern", std::string(pattern), 0, true};
  v.ctx_size = 1;
  return v;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

/// Searches s for the compiled pattern (Pydantic: a match anywhere, anchor with ^...$ for the whole string),
/// in time linear in s and constant stack, whatever the pattern (core/regex.hpp: no backtracking).
/// -> "String should match pattern '^[a-z]+$'"
inline std::optional<RuleViolation> check_pattern(std::string_view s, const detail::Regex& compiled,
                                                  std::string_view pattern) {
  if (compiled.matches(s)) return std::nullopt;
  return detail::pattern_violation(pattern);
}
/// As above with the regex of R.pattern, compiled once per Rule.
template <Rule R>
std::optional<RuleViolation> check_pattern(std::string_view s) {
  if constexpr (R.pattern.empty()) {
    return std::nullopt;
  } else {
    return check_pattern(s, detail::pattern_regex<R>(), R.pattern.view());
  }
}
/// As above for a Rule known only at run time: compiles the pattern at every call (slower). A pattern the
/// matcher refuses throws ConfigurationError with a sentence.
inline std::optional<RuleViolation> check_pattern(std::string_view s, const Rule& r) {
  if (r.pattern.empty()) return std::nullopt;
  return check_pattern(s, detail::Regex::compile(r.pattern.view()), r.pattern.view());
}

/// The Pydantic error of an invalid address: type value_error, ctx {"reason": ...}.
FASTAPI_DETAIL_INLINE std::optional<RuleViolation> validate_email(std::string_view address);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<RuleViolation> validate_email(std::string_view address) {
  std::optional<std::string> reason = detail::check_email(address);
  if (!reason) return std::nullopt;
  RuleViolation v{"value_error", "value is not a valid email address: " + *reason};
  v.ctx[0] = {"reason", std::move(*reason), 0, true};
  v.ctx_size = 1;
  return v;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Every rule R puts on a value of type V (the value of a Field<V, R>), in Pydantic's order:
/// e-mail syntax, then length, then pattern, or the number rules. An empty optional passes.
template <Rule R, class V>
std::optional<RuleViolation> check_value(const V& value) {
  if constexpr (detail::is_optional<V>) {
    if (!value) return std::nullopt;
    return check_value<R>(*value);
  } else if constexpr (detail::is_string_like<V>) {
    const std::string_view s = value;
    if constexpr (std::is_same_v<V, Email>) {
      if (auto v = validate_email(s)) return v;
    }
    if constexpr (R.has_length_rule()) {
      if (auto v = check_length(utf8_length(s), R, LengthOf::string)) return v;
    }
    return check_pattern<R>(s);
  } else if constexpr (detail::is_number<V> && R.has_number_rule()) {
    return check_number(value, R);
  } else if constexpr (detail::is_sized_range<V> && R.has_length_rule()) {
    // clang-format off
    constexpr LengthOf kind = requires { typename V::mapped_type; } ? LengthOf::dictionary
                              : requires { typename V::key_type; } ? LengthOf::set
                                                                   : LengthOf::list;
    // clang-format on
    return check_length(value.size(), R, kind);
  } else {
    return std::nullopt;
  }
}

/// The rules of one struct member: a Field's Rule on its value, Email's syntax, or nothing.
template <class M>
std::optional<RuleViolation> check_member(const M& member) {
  if constexpr (is_field<M>) {
    return check_value<field_rule<M>>(member.value);
  } else {
    return check_value<Rule{}>(member);
  }
}

}  // namespace fastapi
