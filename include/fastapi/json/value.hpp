// json/value.hpp: fa::Json, the dynamic JSON value: build, inspect, compare, dump (Starlette's bytes, through json/sink).
// Json::parse is declared here and defined in json/parse.hpp (simdjson DOM): include it (or fastapi.hpp) to call it.
// Fed by handlers, the test client and error responses; feeds every other json/ header and the response writer.
// Knows nothing of HTTP, routes, structs or parsing.
//
// How JSON text is read (one simdjson DOM parser per thread, shared; one On-Demand parser for the fast path):
//  - Json::parse (json/parse.hpp): the DOM parser, then a walk that builds the fa::Json; Python's json.loads rules
//    (integers past 64 bits widened to doubles, a repeated key keeps its first position and last value).
//  - read_json<T> (json/read.hpp), a request body into a struct, list, map or fa::Json root: first the On-Demand fast
//    path (json/read_fast.hpp), straight into T with no tree. It gives up at the first doubt: any error (type, Rule,
//    missing or forbidden key, malformed JSON), a repeated key, a number it cannot read exactly (integers past
//    64 bits, mantissas past 19 digits, -0 into a float), nesting past fast_max_depth, trailing bytes. Then
//  - the DOM reader (json/read.hpp, read_json_dom) reads the same text again with the shared DOM parser and collects
//    every error in Pydantic's words; scalar roots (read_json<int>) start there. The On-Demand document is dead by
//    then: the two parsers are different simdjson classes (On-Demand builds no tree), so the fast path keeps its own.
//  - from_json<T> (json/read.hpp) reads a fa::Json already in memory (form data, embedded bodies, the response-model
//    wall) with the same walk as the DOM reader, and no parser at all.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/json/sink.hpp"

namespace fastapi {

/// A Json accessor met another kind: `Json(5).as_string()` throws "JSON type error: expected string, got integer".
/// Inside a handler it is a bug like any other: the client sees 500 {"detail":"Internal Server Error"}.
class JsonTypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json;
namespace detail {
struct JsonInit;
}  // namespace detail

/// A JSON value: null, bool, integer, double, string, array, or object with keys in insertion order.
///
///   fa::Json j{{"item_id", 5}, {"q", nullptr}, {"tags", {"a", "b"}}};
///   j["price"] = 1.0;                      // {"item_id":5,"q":null,"tags":["a","b"],"price":1.0}
///   j["tags"][0] == "a";                   // true
///   fa::Json::parse(R"({"a":[1,2]})")["a"].size() == 2;
///
/// Brace lists follow nlohmann/json's rule: a list whose every element is a two-element list
/// starting with a string is an object, anything else is an array. So `Json{{"a", 1}}` is
/// {"a":1} and `Json{"a", 1}` is ["a",1]; force the kind with Json::array({...}) or
/// Json::object({...}). A braced single value is a one-element array (`Json{5}` is [5]): write
/// `Json(5)` for a scalar; but a braced single Json is that Json (`Json{other}` copies, as
/// clang does by itself and g++ would not): Json::array({other}) wraps it. `{}` inside a list
/// is null. A repeated key keeps its first position and takes the last value (a Python dict).
///
/// Integers are kept exactly: std::int64_t, plus an unsigned kind used only above INT64_MAX.
/// Equality is Python's: objects compare without regard to key order, numbers by value
/// (`Json(1) == Json(1.0)`), bool is never equal to a number, NaN never equal to itself.
/// Accessors of the wrong kind throw JsonTypeError; missing keys and indexes throw std::out_of_range.
class Json {
 public:
  enum class Kind : std::uint8_t { null, boolean, integer, unsigned_integer, floating, string, array, object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;  ///< insertion-ordered; keys are unique unless you break it via as_object()
  static constexpr std::size_t max_depth = 512;  ///< parse() refuses more nested arrays/objects than this

  // ---- construction ----------------------------------------------------------------------
  // clang-format off
  Json() noexcept = default;                                     ///< null
  Json(std::nullptr_t) noexcept {}                               ///< null
  template <std::same_as<bool> B> Json(B b) noexcept : value_(static_cast<bool>(b)) {}  ///< no pointer->bool
  template <std::integral I> requires(!std::same_as<I, bool>) Json(I i) noexcept;      ///< any integer type
  template <std::floating_point F> Json(F f) noexcept : value_(static_cast<double>(f)) {}
  Json(const char* s) { if (s) value_ = std::string(s); }  ///< a string, never a bool (a null pointer: null)
  Json(std::string s) noexcept : value_(std::move(s)) {}
  Json(std::string_view s) : value_(std::string(s)) {}
  Json(Array a) noexcept : value_(std::move(a)) {}
  Json(Object o) noexcept : value_(std::move(o)) {}  ///< taken as is (duplicate keys are not checked)
  template <class T> requires std::is_constructible_v<Json, const T&> Json(const std::optional<T>& o);
  template <class T> requires(!std::same_as<T, Json> && std::is_constructible_v<Json, const T&>)
  Json(const std::vector<T>& v);
  template <class T, class C, class A> requires std::is_constructible_v<Json, const T&>
  Json(const std::map<std::string, T, C, A>& m);  ///< object in the map's (sorted) order
  // clang-format on
  // Copy, move and destruction are compiled once with separate compilation (the std::variant visits behind them).
  Json(const Json& other);
  Json(Json&& other) noexcept;
  Json& operator=(const Json& other);
  Json& operator=(Json&& other) noexcept;
  ~Json();
  Json(std::initializer_list<detail::JsonInit> list);                     ///< object or array by the rule above
  static Json array(std::initializer_list<detail::JsonInit> list = {});   ///< always an array
  static Json object(std::initializer_list<detail::JsonInit> list = {});  ///< pairs only, else JsonTypeError

  // ---- inspection ------------------------------------------------------------------------
  Kind kind() const noexcept { return static_cast<Kind>(value_.index()); }
  static std::string_view kind_name(Kind k) noexcept;  ///< JSON Schema words: "integer", "number", "object"...
  bool is_null() const noexcept { return kind() == Kind::null; }
  bool is_bool() const noexcept { return kind() == Kind::boolean; }
  bool is_number() const noexcept { return is_integer() || is_double(); }
  bool is_integer() const noexcept { return kind() == Kind::integer || kind() == Kind::unsigned_integer; }
  bool is_double() const noexcept { return kind() == Kind::floating; }
  bool is_string() const noexcept { return kind() == Kind::string; }
  bool is_array() const noexcept { return kind() == Kind::array; }
  bool is_object() const noexcept { return kind() == Kind::object; }

  // ---- scalar access (JsonTypeError on another kind) --------------------------------------
  bool as_bool() const;
  std::int64_t as_int() const;    ///< integers only; an unsigned above INT64_MAX throws
  std::uint64_t as_uint() const;  ///< non-negative integers only
  double as_double() const;       ///< any number; integers convert
  // The accessors below, called on a temporary (`response.json()["detail"]`, `err.body().as_array()`), give the
  // part itself, moved out, not a reference into the temporary: `for (const Json& e : r.json()["detail"])` would
  // otherwise iterate over a destroyed value (a range-for keeps only its range expression's result alive).
  const std::string& as_string() const&;
  std::string& as_string() &;
  std::string as_string() &&;
  const Array& as_array() const&;
  Array& as_array() &;
  Array as_array() &&;
  const Object& as_object() const&;
  Object& as_object() &;
  Object as_object() &&;

  // ---- containers ------------------------------------------------------------------------
  Json& operator[](std::string_view key) &;             ///< object; a missing key is appended as null; null becomes {}
  const Json& operator[](std::string_view key) const&;  ///< as at(key)
  Json operator[](std::string_view key) &&;             ///< as at(key), moved out of the temporary
  Json& operator[](std::size_t index) &;                ///< array; bounds checked as at(index)
  const Json& operator[](std::size_t index) const&;
  Json operator[](std::size_t index) &&;
  Json& at(std::string_view key) &;  ///< std::out_of_range naming the key when missing
  const Json& at(std::string_view key) const&;
  Json at(std::string_view key) &&;
  Json& at(std::size_t index) &;
  const Json& at(std::size_t index) const&;
  Json at(std::size_t index) &&;
  const Json* find(std::string_view key) const noexcept;  ///< nullptr when missing or not an object
  Json* find(std::string_view key) noexcept;
  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  std::size_t size() const;  ///< elements or members; null is 0; other kinds throw
  bool empty() const { return size() == 0; }
  void push_back(Json value);               ///< array; null becomes []
  std::size_t erase(std::string_view key);  ///< object member removed (0 or 1); null -> 0
  Json* begin();                            ///< range-for over an array's elements (null: none)
  Json* end();
  const Json* begin() const;
  const Json* end() const;
  std::span<Member> items();  ///< `for (auto& [key, value] : j.items())` over an object (null: none)
  std::span<const Member> items() const;

  friend bool operator==(const Json& a, const Json& b) noexcept { return equal(a, b); }

  // ---- writing and reading ---------------------------------------------------------------
  std::string dump() const { return dump(-1); }  ///< compact, as Starlette's JSONResponse: {"a":1,"b":[1,2]}
  std::string dump(int indent) const;            ///< Python's json.dumps(indent=n); negative -> compact
  void dump_to(std::string& out) const { dump_to(out, -1); }  ///< appends compact JSON to out
  void dump_to(std::string& out, int indent) const;
  static Json parse(std::string_view text);  ///< JsonParseError on malformed JSON

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array, Object> value_;

  [[noreturn]] void type_error(std::string_view expected) const;
  const Object* object_if() const noexcept { return std::get_if<Object>(&value_); }
  void write(detail::JsonSink& out, int indent, int level) const;
  std::size_t estimated_size() const noexcept;
  static bool equal(const Json& a, const Json& b) noexcept;
  static bool numbers_equal(const Json& a, const Json& b) noexcept;
};

namespace detail {

/// One element of a brace list. `value` is mutable so the list's elements are moved into the
/// Json being built (initializer_list elements are const), instead of deep-copied per level.
struct JsonInit {
  mutable Json value;
  bool is_json = false;  // made from a Json: `Json{other}` copies other on every compiler
  JsonInit() noexcept = default;
  // clang-format off
  template <class T> requires std::is_constructible_v<Json, T&&>
  JsonInit(T&& v) : value(std::forward<T>(v)), is_json(std::same_as<std::remove_cvref_t<T>, Json>) {}
  JsonInit(std::initializer_list<JsonInit> list) : value(list) {}
};
// clang-format on

}  // namespace detail

// ---- construction ------------------------------------------------------------------------------

// clang-format off
template <std::integral I> requires(!std::same_as<I, bool>)
Json::Json(I i) noexcept : value_(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(i)) {
  if constexpr (!std::is_signed_v<I>)  // the unsigned kind holds only what int64 cannot
    if (static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      value_.template emplace<std::uint64_t>(static_cast<std::uint64_t>(i));
}

template <class T> requires std::is_constructible_v<Json, const T&> Json::Json(const std::optional<T>& o) {
  if (o) *this = Json(*o);
}

template <class T> requires(!std::same_as<T, Json> && std::is_constructible_v<Json, const T&>)
Json::Json(const std::vector<T>& v) {
  Array a;
  a.reserve(v.size());
  for (const auto& x : v) a.emplace_back(x);
  value_ = std::move(a);
}

template <class T, class C, class A> requires std::is_constructible_v<Json, const T&>
Json::Json(const std::map<std::string, T, C, A>& m) {
  Object o;
  o.reserve(m.size());
  for (const auto& [k, x] : m) o.emplace_back(k, Json(x));
  value_ = std::move(o);
}
// clang-format on

namespace detail {

/// For each of `n` keys (key(i) -> std::string_view), the index of the first key equal to it (i itself for
/// the first one). By sorting, not hashing: O(n log n) comparisons whatever the keys, where a hash with
/// libstdc++'s fixed seed lets a crafted body of colliding keys make a 1 MiB object quadratic.
template <class Key>
std::vector<std::uint32_t> first_of_each_key(std::size_t n, Key key) {
  std::vector<std::uint32_t> order(n), first(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return key(x) < key(y); });
  for (std::size_t k = 0; k < n; ++k)
    first[order[k]] = (k > 0 && key(order[k]) == key(order[k - 1])) ? first[order[k - 1]] : order[k];
  return first;
}

/// Python dict semantics for a repeated key: first position, last value. O(n log n) in the member count
/// (sorted past 16 members), so a hostile body cannot make it quadratic.
FASTAPI_DETAIL_INLINE void remove_duplicate_keys(Json::Object& members);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void remove_duplicate_keys(Json::Object& members) {
  const std::size_t n = members.size();
  if (n < 2) return;
  if (n <= 16) {
    bool repeated = false;
    for (std::size_t i = 1; i < n && !repeated; ++i)
      for (std::size_t j = 0; j < i && !repeated; ++j) repeated = members[i].first == members[j].first;
    if (!repeated) return;
  }
  auto first = first_of_each_key(n, [&](std::size_t i) { return std::string_view(members[i].first); });
  std::vector<bool> drop(n, false);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (first[i] != i) {
      members[first[i]].second = std::move(members[i].second);
      drop[i] = any = true;
    }
  }
  if (!any) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!drop[i]) {
      if (kept != i) members[kept] = std::move(members[i]);
      ++kept;
    }
  members.erase(members.begin() + static_cast<std::ptrdiff_t>(kept), members.end());
}

inline bool is_key_value_pair(const Json& j) {
  return j.is_array() && j.as_array().size() == 2 && j.as_array()[0].is_string();
}

inline Json::Object members_from(std::initializer_list<JsonInit> list) {
  Json::Object members;
  members.reserve(list.size());
  for (const JsonInit& e : list) {
    Json::Array& pair = e.value.as_array();
    members.emplace_back(std::move(pair[0].as_string()), std::move(pair[1]));
  }
  remove_duplicate_keys(members);
  return members;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json::Json(const Json& other) = default;
FASTAPI_DETAIL_INLINE Json::Json(Json&& other) noexcept = default;
FASTAPI_DETAIL_INLINE Json& Json::operator=(const Json& other) = default;
FASTAPI_DETAIL_INLINE Json& Json::operator=(Json&& other) noexcept = default;
FASTAPI_DETAIL_INLINE Json::~Json() = default;

FASTAPI_DETAIL_INLINE Json::Json(std::initializer_list<detail::JsonInit> list) {
  if (list.size() == 1 && list.begin()->is_json) {
    value_ = std::move(list.begin()->value.value_);
    return;
  }
  bool object = list.size() > 0;
  for (const detail::JsonInit& e : list) object = object && detail::is_key_value_pair(e.value);
  value_ = object ? Json(detail::members_from(list)).value_ : array(list).value_;
}

FASTAPI_DETAIL_INLINE Json Json::array(std::initializer_list<detail::JsonInit> list) {
  Array a;
  a.reserve(list.size());
  for (const detail::JsonInit& e : list) a.push_back(std::move(e.value));
  return Json(std::move(a));
}

FASTAPI_DETAIL_INLINE Json Json::object(std::initializer_list<detail::JsonInit> list) {
  for (const detail::JsonInit& e : list)
    if (!detail::is_key_value_pair(e.value))
      throw JsonTypeError("JSON type error: Json::object() takes {\"key\", value} pairs, got " + e.value.dump());
  return Json(detail::members_from(list));
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- access ------------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string_view Json::kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::null: return "null";
    case Kind::boolean: return "boolean";
    case Kind::integer:
    case Kind::unsigned_integer: return "integer";
    case Kind::floating: return "number";
    case Kind::string: return "string";
    case Kind::array: return "array";
    case Kind::object: return "object";
  }
  return "unknown";
}

FASTAPI_DETAIL_INLINE void Json::type_error(std::string_view expected) const {
  throw JsonTypeError("JSON type error: expected " + std::string(expected) + ", got " + std::string(kind_name(kind())));
}

FASTAPI_DETAIL_INLINE bool Json::as_bool() const {
  if (const bool* b = std::get_if<bool>(&value_)) return *b;
  type_error("boolean");
}

FASTAPI_DETAIL_INLINE std::int64_t Json::as_int() const {
  if (const std::int64_t* i = std::get_if<std::int64_t>(&value_)) return *i;
  type_error(kind() == Kind::unsigned_integer ? "integer within int64 range" : "integer");
}

FASTAPI_DETAIL_INLINE std::uint64_t Json::as_uint() const {
  if (const std::uint64_t* u = std::get_if<std::uint64_t>(&value_)) return *u;
  if (const std::int64_t* i = std::get_if<std::int64_t>(&value_); i && *i >= 0) return static_cast<std::uint64_t>(*i);
  type_error(kind() == Kind::integer ? "non-negative integer" : "integer");
}

FASTAPI_DETAIL_INLINE double Json::as_double() const {
  switch (kind()) {
    case Kind::floating: return std::get<double>(value_);
    case Kind::integer: return static_cast<double>(std::get<std::int64_t>(value_));
    case Kind::unsigned_integer: return static_cast<double>(std::get<std::uint64_t>(value_));
    default: type_error("number");
  }
}

FASTAPI_DETAIL_INLINE const std::string& Json::as_string() const& {
  if (const std::string* s = std::get_if<std::string>(&value_)) return *s;
  type_error("string");
}
FASTAPI_DETAIL_INLINE std::string& Json::as_string() & {
  return const_cast<std::string&>(std::as_const(*this).as_string());
}
FASTAPI_DETAIL_INLINE const Json::Array& Json::as_array() const& {
  if (const Array* a = std::get_if<Array>(&value_)) return *a;
  type_error("array");
}
FASTAPI_DETAIL_INLINE Json::Array& Json::as_array() & {
  return const_cast<Json::Array&>(std::as_const(*this).as_array());
}
FASTAPI_DETAIL_INLINE const Json::Object& Json::as_object() const& {
  if (const Object* o = object_if()) return *o;
  type_error("object");
}
FASTAPI_DETAIL_INLINE Json::Object& Json::as_object() & {
  return const_cast<Json::Object&>(std::as_const(*this).as_object());
}

FASTAPI_DETAIL_INLINE const Json* Json::find(std::string_view key) const noexcept {
  if (const Object* o = object_if())
    for (const Member& m : *o)
      if (m.first == key) return &m.second;
  return nullptr;
}
FASTAPI_DETAIL_INLINE Json* Json::find(std::string_view key) noexcept {
  return const_cast<Json*>(static_cast<const Json&>(*this).find(key));
}

FASTAPI_DETAIL_INLINE const Json& Json::at(std::string_view key) const& {
  const Object& o = as_object();
  for (const Member& m : o)
    if (m.first == key) return m.second;
  throw std::out_of_range("JSON object has no key \"" + std::string(key) + "\"");
}
FASTAPI_DETAIL_INLINE Json& Json::at(std::string_view key) & {
  return const_cast<Json&>(static_cast<const Json&>(*this).at(key));
}

FASTAPI_DETAIL_INLINE const Json& Json::at(std::size_t index) const& {
  const Array& a = as_array();
  if (index >= a.size())
    throw std::out_of_range("JSON array index " + std::to_string(index) + " out of range (size " +
                            std::to_string(a.size()) + ")");
  return a[index];
}
FASTAPI_DETAIL_INLINE Json& Json::at(std::size_t index) & {
  return const_cast<Json&>(static_cast<const Json&>(*this).at(index));
}

FASTAPI_DETAIL_INLINE Json& Json::operator[](std::string_view key) & {
  if (is_null()) value_ = Object();
  Object& o = as_object();
  for (Member& m : o)
    if (m.first == key) return m.second;
  return o.emplace_back(std::string(key), Json()).second;
}
FASTAPI_DETAIL_INLINE const Json& Json::operator[](std::string_view key) const& { return at(key); }
FASTAPI_DETAIL_INLINE Json Json::operator[](std::string_view key) && { return std::move(at(key)); }
FASTAPI_DETAIL_INLINE Json& Json::operator[](std::size_t index) & { return at(index); }
FASTAPI_DETAIL_INLINE const Json& Json::operator[](std::size_t index) const& { return at(index); }
FASTAPI_DETAIL_INLINE Json Json::operator[](std::size_t index) && { return std::move(at(index)); }
FASTAPI_DETAIL_INLINE Json Json::at(std::string_view key) && { return std::move(at(key)); }
FASTAPI_DETAIL_INLINE Json Json::at(std::size_t index) && { return std::move(at(index)); }
FASTAPI_DETAIL_INLINE std::string Json::as_string() && { return std::move(as_string()); }
FASTAPI_DETAIL_INLINE Json::Array Json::as_array() && { return std::move(as_array()); }
FASTAPI_DETAIL_INLINE Json::Object Json::as_object() && { return std::move(as_object()); }

FASTAPI_DETAIL_INLINE std::size_t Json::size() const {
  switch (kind()) {
    case Kind::null: return 0;
    case Kind::array: return std::get<Array>(value_).size();
    case Kind::object: return std::get<Object>(value_).size();
    default: type_error("array or object");
  }
}

FASTAPI_DETAIL_INLINE void Json::push_back(Json value) {
  if (is_null()) value_ = Array();
  as_array().push_back(std::move(value));
}

FASTAPI_DETAIL_INLINE std::size_t Json::erase(std::string_view key) {
  if (is_null()) return 0;
  Object& o = as_object();
  for (auto it = o.begin(); it != o.end(); ++it)
    if (it->first == key) {
      o.erase(it);
      return 1;
    }
  return 0;
}

FASTAPI_DETAIL_INLINE Json* Json::begin() { return is_null() ? nullptr : as_array().data(); }
FASTAPI_DETAIL_INLINE Json* Json::end() { return is_null() ? nullptr : as_array().data() + as_array().size(); }
FASTAPI_DETAIL_INLINE const Json* Json::begin() const { return is_null() ? nullptr : as_array().data(); }
FASTAPI_DETAIL_INLINE const Json* Json::end() const {
  return is_null() ? nullptr : as_array().data() + as_array().size();
}
FASTAPI_DETAIL_INLINE std::span<Json::Member> Json::items() {
  return is_null() ? std::span<Member>() : std::span<Member>(as_object());
}
FASTAPI_DETAIL_INLINE std::span<const Json::Member> Json::items() const {
  return is_null() ? std::span<const Member>() : std::span<const Member>(as_object());
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- equality ----------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool Json::numbers_equal(const Json& a, const Json& b) noexcept {
  // Mixed kinds only: int64 vs uint64 never meet (uint64 holds only values above INT64_MAX).
  const Json& f = a.is_double() ? a : b;
  const Json& n = a.is_double() ? b : a;
  if (!f.is_double() || n.is_double()) return false;
  const double d = std::get<double>(f.value_);
  if (std::trunc(d) != d) return false;  // also false for NaN and infinities
  if (n.kind() == Kind::integer)
    return d >= -0x1p63 && d < 0x1p63 && static_cast<std::int64_t>(d) == std::get<std::int64_t>(n.value_);
  return d >= 0x1p63 && d < 0x1p64 && static_cast<std::uint64_t>(d) == std::get<std::uint64_t>(n.value_);
}

FASTAPI_DETAIL_INLINE bool Json::equal(const Json& a, const Json& b) noexcept {
  if (a.kind() != b.kind()) return a.is_number() && b.is_number() && numbers_equal(a, b);
  switch (a.kind()) {
    case Kind::null: return true;
    case Kind::boolean: return std::get<bool>(a.value_) == std::get<bool>(b.value_);
    case Kind::integer: return std::get<std::int64_t>(a.value_) == std::get<std::int64_t>(b.value_);
    case Kind::unsigned_integer: return std::get<std::uint64_t>(a.value_) == std::get<std::uint64_t>(b.value_);
    case Kind::floating: return std::get<double>(a.value_) == std::get<double>(b.value_);
    case Kind::string: return std::get<std::string>(a.value_) == std::get<std::string>(b.value_);
    case Kind::array: return std::get<Array>(a.value_) == std::get<Array>(b.value_);
    case Kind::object: {
      const Object& x = std::get<Object>(a.value_);
      const Object& y = std::get<Object>(b.value_);
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {  // same order is the common case: O(n) then
        const Json* other = y[i].first == x[i].first ? &y[i].second : b.find(x[i].first);
        if (other == nullptr || !(x[i].second == *other)) return false;
      }
      return true;
    }
  }
  return false;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- Json::dump ----------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void Json::write(detail::JsonSink& out, int indent, int level) const {
  switch (kind()) {
    case Kind::null: out.put("null", 4); break;
    case Kind::boolean: std::get<bool>(value_) ? out.put("true", 4) : out.put("false", 5); break;
    case Kind::integer: out.number(std::get<std::int64_t>(value_)); break;
    case Kind::unsigned_integer: out.number(std::get<std::uint64_t>(value_)); break;
    case Kind::floating: out.number(std::get<double>(value_)); break;
    case Kind::string: out.string(std::get<std::string>(value_)); break;
    case Kind::array: {
      const Array& a = std::get<Array>(value_);
      out.put('[');
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i != 0) out.put(',');
        detail::write_newline_indent(out, indent, level + 1);
        a[i].write(out, indent, level + 1);
      }
      if (!a.empty()) detail::write_newline_indent(out, indent, level);
      out.put(']');
      break;
    }
    case Kind::object: {
      const Object& o = std::get<Object>(value_);
      out.put('{');
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i != 0) out.put(',');
        detail::write_newline_indent(out, indent, level + 1);
        out.string(o[i].first);
        out.put(':');
        if (indent >= 0) out.put(' ');
        o[i].second.write(out, indent, level + 1);
      }
      if (!o.empty()) detail::write_newline_indent(out, indent, level);
      out.put('}');
      break;
    }
  }
}

/// Bytes of the compact form when nothing needs escaping (numbers counted generously): one
/// allocation for dump() in the common case, without scanning a byte.
FASTAPI_DETAIL_INLINE std::size_t Json::estimated_size() const noexcept {
  switch (kind()) {
    case Kind::null:
    case Kind::boolean: return 5;
    case Kind::integer:
    case Kind::unsigned_integer:
    case Kind::floating: return 24;
    case Kind::string: return std::get<std::string>(value_).size() + 2;
    case Kind::array:
    case Kind::object: break;
  }
  std::size_t n = 2;
  if (const Array* a = std::get_if<Array>(&value_))
    for (const Json& x : *a) n += x.estimated_size() + 1;
  if (const Object* o = object_if())
    for (const Member& m : *o) n += m.first.size() + 4 + m.second.estimated_size();
  return n;
}

FASTAPI_DETAIL_INLINE void Json::dump_to(std::string& out, int indent) const {
  detail::JsonSink sink(out);
  write(sink, indent < 0 ? -1 : indent, 0);
  sink.flush();
}

FASTAPI_DETAIL_INLINE std::string Json::dump(int indent) const {
  std::string out;
  out.reserve(estimated_size());
  dump_to(out, indent);
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
