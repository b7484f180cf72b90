// json/scalar.hpp: the extension point for scalar types (a datetime, a UUID, money, an IP address): one traits struct,
// fa::Scalar<T>, says how T is read from a JSON value or a text, written, and described in JSON Schema. Fed by json/value;
// feeds the built-in scalars (json/chrono, json/uuid, json/literal), both JSON readers, the writer, the schema and
// params/convert. Knows nothing of JSON text, simdjson or HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "fastapi/json/value.hpp"

namespace fastapi {

/// Why an input did not convert: Pydantic v2's error type, its message and its ctx (null when none).
/// `{"int_parsing", "Input should be a valid integer, unable to parse string as an integer", nullptr}`
/// `type` must outlive the error: give a string literal.
struct ConversionError {
  std::string_view type;
  std::string msg;
  Json ctx;
};

/// What a scalar's reader is given: one JSON value of a body (any kind: a Scalar says which it takes), or the
/// text of a path, query, header, cookie or form parameter (then kind is string and from_text is true, Pydantic's
/// lax "python mode" for strings).
struct ScalarInput {
  Json::Kind kind = Json::Kind::null;
  std::string_view text;  ///< kind == string
  std::int64_t i = 0;     ///< kind == integer
  std::uint64_t u = 0;    ///< kind == unsigned_integer
  double d = 0;           ///< kind == floating
  bool b = false;         ///< kind == boolean
  bool from_text = false;

  bool is_string() const noexcept { return kind == Json::Kind::string; }
  bool is_number() const noexcept {
    return kind == Json::Kind::integer || kind == Json::Kind::unsigned_integer || kind == Json::Kind::floating;
  }
  /// The number as a double (kind must be a number kind).
  double number() const noexcept {
    return kind == Json::Kind::integer            ? static_cast<double>(i)
           : kind == Json::Kind::unsigned_integer ? static_cast<double>(u)
                                                  : d;
  }
};

/// Specialize for a type of your own to make it a scalar everywhere: a struct member read from JSON, a
/// Path/Query/Header/Cookie/Form parameter, a response field, a JSON Schema in /openapi.json.
///   template <> struct fa::Scalar<Money> {
///     static std::optional<Money> read(const fa::ScalarInput& in, fa::ConversionError& error);
///     static void write(const Money& value, std::string& out);   // appends the text, sent as a JSON string
///     static fa::Json schema();                                   // {"type":"string","pattern":"..."}
///     static constexpr std::string_view name = "money";           // optional: its name in a union's error loc
///   };
/// read returns nullopt and sets `error` (Pydantic's words: type, msg, ctx) when the input does not convert;
/// that error is the 422's item, located where the value was. docs/models.md has a full example.
template <class T>
struct Scalar {
  using fastapi_unspecialized = void;  // the primary template: T is no scalar
};

namespace detail {
template <class T>
concept has_scalar_traits = !requires {
  typename Scalar<T>::fastapi_unspecialized;
};

/// Refuses a Scalar specialization that lacks one of its three functions, with a sentence.
template <class T>
consteval bool check_scalar() {
  using S = Scalar<T>;
  static_assert(
      requires(const ScalarInput& in, ConversionError& e) {
        { S::read(in, e) } -> std::same_as<std::optional<T>>;
      },
      "fastapi: this fa::Scalar<T> specialization needs `static std::optional<T> read(const fa::ScalarInput&, "
      "fa::ConversionError&)` (docs/compile_errors.md#json-scalar-missing-read)");
  static_assert(
      requires(const T& v, std::string& out) { S::write(v, out); },
      "fastapi: this fa::Scalar<T> specialization needs `static void write(const T&, std::string& out)`"
      " (docs/compile_errors.md#json-scalar-missing-write)");
  static_assert(
      requires {
        { S::schema() } -> std::same_as<Json>;
      },
      "fastapi: this fa::Scalar<T> specialization needs `static fa::Json schema()`"
      " (docs/compile_errors.md#json-scalar-missing-schema)");
  return true;
}
}  // namespace detail

/// True when fa::Scalar<T> is specialized (the built-in datetime, date, time, timedelta, UUID, Bytes,
/// Choice, and your own types).
template <class T>
inline constexpr bool is_scalar = detail::has_scalar_traits<std::remove_cv_t<T>>;

namespace detail {
/// Reads a scalar from any reader node (json/read's DomNode and JsonNode, read_fast's FastScalar): the node's
/// kind and value are handed over as a ScalarInput; arrays and objects come with their kind only.
template <class T, class N>
std::optional<T> read_scalar_node(const N& node, ConversionError& error) {
  static_assert(check_scalar<T>());
  ScalarInput in;
  in.kind = node.kind();
  switch (in.kind) {
    case Json::Kind::string: in.text = node.str(); break;
    case Json::Kind::integer: in.i = node.i64(); break;
    case Json::Kind::unsigned_integer: in.u = node.u64(); break;
    case Json::Kind::floating: in.d = node.f64(); break;
    case Json::Kind::boolean: in.b = node.boolean(); break;
    default: break;
  }
  return Scalar<T>::read(in, error);
}

/// Reads a scalar from a parameter's text.
template <class T>
std::optional<T> read_scalar_text(std::string_view text, ConversionError& error) {
  static_assert(check_scalar<T>());
  ScalarInput in;
  in.kind = Json::Kind::string;
  in.text = text;
  in.from_text = true;
  return Scalar<T>::read(in, error);
}

/// The scalar's text, as it is written (inside a JSON string).
template <class T>
std::string scalar_text(const T& value) {
  static_assert(check_scalar<T>());
  std::string out;
  Scalar<T>::write(value, out);
  return out;
}
}  // namespace detail

}  // namespace fastapi
