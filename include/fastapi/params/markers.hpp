// params/markers.hpp: the parameter types that say where a handler's value comes from (Path, Query, Header, Cookie, Form, Body) with their Rule and default. Fed by json/rules (Rule); feeds params/binding and openapi. Knows nothing of requests or conversion.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/json/rules.hpp"

namespace fastapi {

/// A default value that cannot be a bare template argument: a floating-point number or a string.
/// Integers, bools and enumerators are given as they are:
///   fa::Query<"limit", int, 10>                          // limit: int = 10
///   fa::Query<"ratio", double, fa::Literal{0.5}>         // ratio: float = 0.5
///   fa::Query<"sort", std::string, fa::Literal{"name"}>  // sort: str = "name"
template <class V>
struct Literal {
  V value;
};
template <std::size_t N>
Literal(const char (&)[N]) -> Literal<FixedString<N>>;
template <class V>
Literal(V) -> Literal<V>;

/// The default `[]` of a list parameter, as FastAPI's `q: list[str] = Query(default=[])`:
/// `fa::Query<"tag", std::vector<std::string>, fa::empty_list> tags` -> no `?tag=` gives an empty vector, and
/// OpenAPI says `"default": []` (without it the parameter is required: absent -> 422 missing).
struct EmptyList {
  constexpr bool operator==(const EmptyList&) const = default;
};
inline constexpr EmptyList empty_list{};

namespace detail {

/// Where a parameter's value comes from. The order is FastAPI's order of errors in a 422 (and of
/// binding): dependencies first, then path, query, header, cookie, the body (JSON or form) last;
/// framework objects (Request&, Response&) fail nothing and come after.
enum class Source : unsigned char { depends, path, query, header, cookie, form, body, framework, none };

/// The first element of a 422 `loc` for a source: "path", "query", "header", "cookie", "body".
constexpr std::string_view source_name(Source s) {
  switch (s) {
    case Source::path: return "path";
    case Source::query: return "query";
    case Source::header: return "header";
    case Source::cookie: return "cookie";
    case Source::form:
    case Source::body: return "body";
    default: return "";
  }
}

template <class T>
inline constexpr bool is_literal = false;
template <class V>
inline constexpr bool is_literal<Literal<V>> = true;

/// The option itself when it is a Rule, Rule{} otherwise (so a fold over mixed options compiles).
template <class O>
constexpr Rule as_rule(const O& o) {
  if constexpr (std::is_same_v<std::remove_cv_t<O>, Rule>) return o;
  else return Rule{};
}

/// What the options after T say: one Rule (or none) and one default value (or none), in any order.
template <class T, auto... Options>
struct ParamOptions {
  static constexpr std::size_t rule_count =
      (std::size_t{0} + ... + std::is_same_v<std::remove_cv_t<decltype(Options)>, Rule>);
  static constexpr std::size_t default_count = sizeof...(Options) - rule_count;
  static_assert(rule_count <= 1, "fastapi: a parameter takes at most one fa::Rule{...}"
                                 " (docs/compile_errors.md#parameters)");
  static_assert(default_count <= 1,
                "fastapi: a parameter takes at most one default value: fa::Query<\"limit\", int, 10> or "
                "fa::Query<\"limit\", int, fa::Rule{.le = 100}, 10> (docs/compile_errors.md#params-two-defaults)");

  static constexpr Rule rule = [] {
    Rule r{};
    ((std::is_same_v<std::remove_cv_t<decltype(Options)>, Rule> ? void(r = as_rule(Options)) : void()), ...);
    return r;
  }();
  static constexpr bool has_default = default_count == 1;
};

/// The default option converted to T (only called when there is one).
template <class T, auto Option>
T make_default() {
  using O = std::remove_cv_t<decltype(Option)>;
  if constexpr (std::is_same_v<O, EmptyList>) {
    static_assert(
        requires(T & t) {
          t.clear();
          t.begin();
        } && !std::is_constructible_v<T, std::string_view>,
        "fastapi: fa::empty_list is the default of a list parameter (std::vector<U>)"
        " (docs/compile_errors.md#params-empty-list-not-a-list)");
    return T{};
  } else if constexpr (is_literal<O>) {
    if constexpr (requires { Option.value.view(); }) {
      if constexpr (std::is_constructible_v<T, std::string_view>) {
        return T(Option.value.view());
      } else {
        static_assert(dependent_false<T>, "fastapi: a string default fa::Literal{\"...\"} needs a string parameter type"
                                          " (docs/compile_errors.md#params-default-wrong-type)");
        return T{};
      }
    } else if constexpr (std::is_constructible_v<T, decltype(Option.value)>) {
      return T(Option.value);
    } else {
      static_assert(dependent_false<T>, "fastapi: this parameter's default cannot be converted to its type"
                                        " (docs/compile_errors.md#params-default-wrong-type)");
      return T{};
    }
  } else if constexpr (std::is_constructible_v<T, O>) {
    return T(Option);
  } else {
    static_assert(dependent_false<T>, "fastapi: this parameter's default cannot be converted to its type"
                                      " (docs/compile_errors.md#params-default-wrong-type)");
    return T{};
  }
}

/// The default among Options, converted to T.
template <class T, auto... Options>
T default_of() {
  std::optional<T> out;
  auto take = [&]<auto O>() {
    if constexpr (!std::is_same_v<std::remove_cv_t<decltype(O)>, Rule>) out.emplace(make_default<T, O>());
  };
  (take.template operator()<Options>(), ...);
  return std::move(*out);
}

/// A header's name on the wire: `_` becomes `-` (FastAPI's convert_underscores): "x_token" -> "x-token".
template <FixedString Name>
constexpr FixedString<Name.size() + 1> header_wire_name() {
  FixedString<Name.size() + 1> out = Name;
  for (std::size_t i = 0; i < Name.size(); ++i)
    if (out.data[i] == '_') out.data[i] = '-';
  return out;
}

/// The value a marker holds, and how it behaves like it: `*p`, `p->`, a `const T&` conversion, `.value`.
/// When T is std::optional<U>, `*q` is that std::optional itself (never an unchecked U: an absent parameter
/// must be looked at): `q->value_or("none")`, `if (q) use(q->value());`, `if (q) use(**q);`.
template <class T>
struct ParamValue {
  using value_type = T;
  T value{};

  ParamValue() = default;
  template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_base_of_v<ParamValue, std::remove_cvref_t<U>>)
  ParamValue(U&& u) : value(std::forward<U>(u)) {}  // implicit: a test may pass `fa::Query<"q", int>{3}` or 3

  operator const T&() const& noexcept { return value; }
  const T& operator*() const& noexcept { return value; }
  T& operator*() & noexcept { return value; }
  const T* operator->() const noexcept { return &value; }
  T* operator->() noexcept { return &value; }
  // clang-format off
  explicit operator bool() const noexcept
    requires is_optional<T>
  { return value.has_value(); }
  bool has_value() const noexcept
    requires is_optional<T>
  { return value.has_value(); }
  auto begin() const
    requires requires(const T& t) { t.begin(); }
  { return value.begin(); }
  auto end() const
    requires requires(const T& t) { t.end(); }
  { return value.end(); }
  // clang-format on
  friend bool operator==(const ParamValue& p, const T& v) { return p.value == v; }
};

}  // namespace detail

// Every marker: `fa::Kind<"name", T, options...>` where options are at most one fa::Rule{...} and at most one
// default (an integer, bool or enumerator as is; a double or a string as fa::Literal{...}), in any order.
// Without a default, T = std::optional<U> may be absent (empty); any other T is required: absent ->
// 422 {"type":"missing","loc":[<source>,"name"],"msg":"Field required","input":null}.
// T: bool, any integer, float/double, std::string, std::string_view (valid during the request), an enum
// (by enumerator name), fa::Email, std::optional<U>, std::vector<U> (Query/Header/Form: repeated keys).
// Defaults, as FastAPI's `limit: int = Query(10, ge=1, le=100)` (docs/parameters.md):
//   fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10> limit   // `limit` absent -> 10; `?limit=0` -> 422
//   fa::Query<"sort", std::string, fa::Literal{"name"}> sort           // strings and doubles: fa::Literal{...}
//   fa::Header<"x_debug", bool, false> debug
// A C++ default argument (`fa::Query<"q", int> q = 3`) is invisible to the framework: use the option.

#define FASTAPI_DETAIL_MARKER(Kind, source_value)                                         \
  template <FixedString Name, class T, auto... Options>                                   \
  struct Kind : detail::ParamValue<T> {                                                   \
    static_assert(detail::check_rule<T, detail::ParamOptions<T, Options...>::rule>());    \
    static_assert(source_value == detail::Source::header ||                               \
                      detail::ParamOptions<T, Options...>::rule.convert_underscores,      \
                  "fastapi: Rule convert_underscores applies only to fa::Header"          \
                  " (docs/compile_errors.md#params-convert-underscores-on-query)");       \
    static constexpr detail::Source param_source = source_value;                          \
    static constexpr std::string_view param_name = Name.view();                           \
    static constexpr Rule rule = detail::ParamOptions<T, Options...>::rule;               \
    static constexpr bool has_default = detail::ParamOptions<T, Options...>::has_default; \
    static T default_value() { return detail::default_of<T, Options...>(); }              \
    using detail::ParamValue<T>::ParamValue;                                              \
  };

/// Path parameter `{Name}` of the route, converted to T.
/// `app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id) { return fa::Json{{"item_id", *item_id}}; });`
/// "abc" -> 422 {"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable
/// to parse string as an integer","input":"abc"}. A Path with no `{Name}` in the route (or the reverse) is a
/// fa::ConfigurationError at registration.
FASTAPI_DETAIL_MARKER(Path, detail::Source::path)
/// Query parameter `?Name=...`; the last one wins, or every one for a std::vector (`?tag=a&tag=b`).
/// `fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10> limit` (FastAPI: `limit: int = Query(10, ge=1, le=100)`).
/// `?limit=500` -> 422 {"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or
/// equal to 100","input":"500","ctx":{"le":100}}.
FASTAPI_DETAIL_MARKER(Query, detail::Source::query)
/// Request header Name, case-insensitive, each `_` of Name read as `-` (`"x_token"` reads `X-Token`); the first
/// one, or every one for a std::vector. `fa::Header<"user_agent", std::optional<std::string>> ua`. Errors use the
/// wire name: loc ["header","x-token"]. `fa::Rule{.convert_underscores = false}` keeps the `_` (FastAPI's
/// `Header(convert_underscores=False)`): `fa::Header<"x_tok", std::string, fa::Rule{.convert_underscores = false}>`
/// reads `X_Tok` and not `X-Tok`.
FASTAPI_DETAIL_MARKER(Header, detail::Source::header)
/// Cookie Name from the Cookie header. `fa::Cookie<"session", std::string> session`; absent -> 422 missing
/// at ["cookie","session"].
FASTAPI_DETAIL_MARKER(Cookie, detail::Source::cookie)
/// Field Name of an application/x-www-form-urlencoded body (FastAPI's Form). An empty value counts as absent.
/// `fa::Form<"username", std::string> username`; absent -> 422 missing at ["body","username"].
FASTAPI_DETAIL_MARKER(Form, detail::Source::form)

#undef FASTAPI_DETAIL_MARKER

namespace detail {
/// The named Body's old spelling, `fa::Body<T, "name">`, still compiles but warns (its name came after the type,
/// where every other marker takes it first: fa::Query<"name", T>); fa::Embed<"name", T> is the spelling.
template <bool OldSpelling>
constexpr bool body_spelling() {
  return true;
}
template <>
[[deprecated(
    "fa::Body<T, \"name\"> is now spelled fa::Embed<\"name\", T>: the name first, as in fa::Query<\"name\", T>")]] constexpr bool
body_spelling<true>() {
  return true;
}
}  // namespace detail

namespace detail {
/// What follows T in `fa::Body<T, ...>`: a fa::Rule saying what the document shows of the body (title,
/// description, examples, openapi_examples, deprecated), or, in the old spelling, its name.
struct BodyOption {
  RuleText<64> name{};
  Rule rule{};

  constexpr BodyOption() = default;
  constexpr BodyOption(const Rule& r) : rule(r) {}  // implicit: fa::Body<Item, fa::Rule{...}>
  template <std::size_t N>
  constexpr BodyOption(const char (&s)[N]) : name(s) {}  // implicit: the old fa::Body<T, "name">
  template <std::size_t N>
  constexpr BodyOption(const FixedString<N>& s, const Rule& r) : rule(r) {
    static_assert(N - 1 <= 64, "fastapi: a body's name is at most 64 characters (docs/compile_errors.md#parameters)");
    for (std::size_t i = 0; i + 1 < N; ++i) name.text[i] = s.data[i];
    name.length = N - 1;
  }
  constexpr bool operator==(const BodyOption&) const = default;
};

/// A body's Rule documents it: its checks (ge, max_length, pattern, ...) belong on the members of its model.
constexpr bool body_rule_documents_only(const Rule& r) {
  return r.alias.empty() && !r.has_number_rule() && !r.has_length_rule() && r.pattern.empty() && !r.strict &&
         r.convert_underscores;
}
}  // namespace detail

/// The JSON body read into T (a reflected struct, or any type json/read.hpp reads). A parameter that is a
/// reflected struct is a body without saying so; `fa::Body<T>` says it for any T (`fa::Body<int>`,
/// `fa::Body<std::vector<Item>>`). A body under a name is `fa::Embed<"item", Item>` (below); with two or more
/// bodies every one must be named and all are embedded. An absent body -> 422
/// {"type":"missing","loc":["body"],...}; a std::optional<U> body may be absent. (`Embedded` is fa::Embed's
/// business: leave it out.)
/// A Rule documents the body, as FastAPI's `Body(examples=[...])` and `Body(openapi_examples={...})`:
///   fa::Body<Item, fa::Rule{.examples = R"([{"name": "Foo", "price": 35.4}])"}> item
template <class T, detail::BodyOption Option = detail::BodyOption{}, bool Embedded = false>
struct Body : detail::ParamValue<T> {
  static_assert(detail::body_spelling<(!Option.name.empty() && !Embedded)>());
  static_assert(detail::body_rule_documents_only(Option.rule),
                "fastapi: a body's Rule takes title, description, examples, openapi_examples and deprecated; "
                "checks (ge, max_length, pattern, ...) go on the members of its model"
                " (docs/compile_errors.md#params-body-rule-check)");
  static constexpr detail::Source param_source = detail::Source::body;
  static constexpr std::string_view param_name = Option.name.view();
  static constexpr bool embed = !Option.name.empty();
  static constexpr Rule rule = [] { return Option.rule; }();
  using detail::ParamValue<T>::ParamValue;
};

/// Member Name of the JSON body, read into T: the body is `{"item": {...}}` (FastAPI's `item: Item =
/// Body(embed=True)`, and what every body becomes when a handler takes two or more). The name comes first, as in
/// every other marker: `fa::Embed<"item", Item> item, fa::Embed<"importance", int> importance`; absent ->
/// 422 missing at ["body","importance"]. A Rule documents it, as fa::Body's does.
template <FixedString Name, class T, Rule R = Rule{}>
using Embed = Body<T, detail::BodyOption(Name, R), true>;

namespace detail {
/// True for Path/Query/Header/Cookie/Form (values that arrive as text; fa::File, params/file.hpp, is not).
// clang-format off
template <class P>
concept text_param = requires {
  { P::param_source } -> std::convertible_to<Source>;
  P::param_name;
  P::rule;
  P::has_default;
} && (P::param_source != Source::body) && !requires { P::file_param; };
// clang-format on
}  // namespace detail

}  // namespace fastapi
