// json/write.hpp: plain structs (and vectors, maps, optionals, enums, fa::Json) -> JSON bytes, and the response-model wall.
// Fed by handlers' return values (through app/endpoint); feeds the response writer. Knows nothing of sockets or routes.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/parse.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/sink.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// How write_json writes: `{.exclude_none = true}` leaves out members that hold no value
/// (FastAPI's response_model_exclude_none), at every level.
/// `{.exclude_defaults = true}` leaves out members equal to their default (T{}'s value; FastAPI's
/// response_model_exclude_defaults); `{.exclude_unset = true}` leaves out members the value did not set: keys
/// absent from the fa::Json a response model reads, members a fa::Partial did not receive (a plain struct sets
/// every member). All three apply at every level.
struct WriteOptions {
  bool exclude_none = false;
  bool exclude_unset = false;
  bool exclude_defaults = false;
};

/// Appends value as compact JSON to out, straight from the struct (no fa::Json in between): members
/// under their wire names (a Field's alias), enums by name, std::optional empty -> null, floats in
/// Python's repr (shortest round-trip), strings escaped as json.dumps(ensure_ascii=False).
/// `std::string body; fa::write_json(body, UserOut{1, "a@b.io"});  // {"id":1,"email":"a@b.io"}`
template <class T>
void write_json(std::string& out, const T& value, const WriteOptions& options = {});
/// The JSON text of value: `fa::to_json_string(std::vector<int>{1, 2}) == "[1,2]"`.
template <class T>
std::string to_json_string(const T& value, const WriteOptions& options = {});
/// value as a fa::Json (to inspect or change it before sending).
template <class T>
Json to_json(const T& value, const WriteOptions& options = {});

/// A handler's return value that does not fit its response model: FastAPI's ResponseValidationError.
/// The app answers 500 {"detail":"Internal Server Error"} and logs what(), which lists every error
/// (locations start at "response"); the client never sees a half-valid body.
class ResponseValidationError : public std::exception {
 public:
  explicit ResponseValidationError(RequestValidationError errors);
  const char* what() const noexcept override { return what_.c_str(); }
  const RequestValidationError& errors() const noexcept { return errors_; }

 private:
  RequestValidationError errors_;
  std::string what_;
};

/// A response model, type-erased so RouteOptions can hold one: `{.response_model = fa::response_model<UserOut>}`.
/// write() validates the handler's value (as fa::Json) through from_json<Model> and writes Model's
/// members only, so a password the handler returned by mistake never leaves (FastAPI's filter).
struct ResponseModelInfo {
  std::string_view name{};  ///< "UserOut"
  void (*write)(const Json& value, std::string& out, const WriteOptions& options) = nullptr;
  Json (*schema)() = nullptr;  ///< set by json/schema.hpp, for OpenAPI
  explicit operator bool() const noexcept { return write != nullptr; }
};

namespace detail {

template <class T>
inline constexpr bool is_std_array = false;
template <class U, std::size_t N>
inline constexpr bool is_std_array<std::array<U, N>> = true;

/// Is this member "none" for exclude_none? An empty optional (inside a Field too) or a null Json.
template <class M>
bool is_none(const M& m) {
  if constexpr (is_field<M>) return is_none(m.value);
  else if constexpr (is_optional<M>) return !m.has_value();
  else if constexpr (std::is_same_v<M, Json>) return m.is_null();
  else return false;
}

template <class T>
void write_value(JsonSink& out, std::string& raw, const T& value, const fastapi::WriteOptions& options);

/// T{}, made once per T (not once per member: is_default_member below is instantiated for each).
template <class T>
const T& default_object() {
  static const T defaults{};
  return defaults;
}
/// Do two values of M write the same JSON text? One function per member type, shared by every model's members.
template <class M>
bool same_json(const M& x, const M& y) {
  std::string a, b;
  JsonSink sa(a), sb(b);
  write_value(sa, a, x, {});
  write_value(sb, b, y, {});
  sa.flush(), sb.flush();
  return a == b;
}
/// Is member I of value equal to T{}'s (exclude_defaults)? By == for numbers and strings, else by its JSON text.
template <class T, std::size_t I, class M>
bool is_default_member(const M& member) {
  if constexpr (!std::is_default_constructible_v<T>) {
    return false;
  } else {
    const M& d = field_at<I>(default_object<T>());
    if constexpr (std::is_arithmetic_v<M> || std::is_enum_v<M> || std::is_same_v<M, std::string>) {
      return member == d;  // (a container's or a variant's operator== may not compile for its items: text below)
    } else {
      return same_json(member, d);
    }
  }
}

/// A struct's members; `set` (a fa::Partial's bits) limits them to the set ones when options.exclude_unset.
template <class T>
void write_struct(JsonSink& out, std::string& raw, const T& value, const fastapi::WriteOptions& options,
                  std::uint64_t set = ~std::uint64_t{0}) {
  out.put('{');
  bool first = true;
  for_each_field(value, [&](const auto& member, auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (options.exclude_none && is_none(member)) return;
    if (options.exclude_unset && !(set >> I & 1)) return;
    if (options.exclude_defaults && is_default_member<T, I>(member)) return;
    if (!first) out.put(',');
    first = false;
    out.string(wire_names<T>[I]);
    out.put(':');
    write_value(out, raw, member, options);
  });
  out.put('}');
}

template <class T>
void write_value(JsonSink& out, std::string& raw, const T& value, const fastapi::WriteOptions& options) {
  if constexpr (is_field<T>) {
    write_value(out, raw, value.value, options);
  } else if constexpr (std::is_same_v<T, Email>) {
    out.string(value.value);
  } else if constexpr (is_scalar<T>) {
    out.string(scalar_text(value));
  } else if constexpr (is_optional<T>) {
    if (value) write_value(out, raw, *value, options);
    else out.put("null", 4);
  } else if constexpr (std::is_same_v<T, bool>) {
    value ? out.put("true", 4) : out.put("false", 5);
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) out.number(static_cast<std::int64_t>(value));
    else out.number(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_same_v<T, float>) {
    char buf[32];  // the float's own shortest digits (0.1f -> 0.1), then Python's repr of that double
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    double d = static_cast<double>(value);
    std::from_chars(buf, end, d);
    out.number(d);
  } else if constexpr (std::is_floating_point_v<T>) {
    out.number(static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out.string(std::string_view(value));
  } else if constexpr (std::is_enum_v<T>) {
    const std::string_view name = enum_name(value);
    if (!name.empty()) out.string(name);
    else write_value(out, raw, static_cast<std::underlying_type_t<T>>(value), options);
  } else if constexpr (std::is_same_v<T, Json>) {
    out.flush();  // raw is the sink's own string: flushed first, so the bytes stay in order
    value.dump_to(raw);
  } else if constexpr (is_string_map<T> || is_int_map<T>) {
    out.put('{');
    bool first = true;
    for (const auto& [k, v] : value) {
      if (options.exclude_none && is_none(v)) continue;
      if (!first) out.put(',');
      first = false;
      if constexpr (is_int_map<T>) out.string(std::to_string(k));  // a JSON key is text: {"1": 0.5}
      else out.string(k);
      out.put(':');
      write_value(out, raw, v, options);
    }
    out.put('}');
  } else if constexpr (is_discriminated<T>) {
    write_value(out, raw, value.as_variant(), options);
  } else if constexpr (is_variant<T>) {
    std::visit([&](const auto& member) { write_value(out, raw, member, options); }, value);
  } else if constexpr (is_tuple<T>) {
    out.put('[');
    std::apply(
        [&](const auto&... item) {
          bool first = true;
          ((first ? void(first = false) : out.put(','), write_value(out, raw, item, options)), ...);
        },
        value);
    out.put(']');
  } else if constexpr (is_vector<T> || is_std_array<T> || is_set<T>) {
    out.put('[');
    bool first = true;
    for (const auto& x : value) {
      if (!first) out.put(',');
      first = false;
      write_value(out, raw, x, options);
    }
    out.put(']');
  } else if constexpr (is_partial<T>) {
    write_struct(out, raw, PartialAccess::value(value), options, PartialAccess::bits(value));
  } else if constexpr (reflectable<T>) {
    write_struct(out, raw, value, options);
  } else {
    static_assert(
        dependent_false<T>,
        "fastapi: write_json cannot write this type; use bool, an integer, float/double, a string, an "
        "enum, std::optional, std::vector, std::array, std::map<std::string, T>, std::map<int, T>, "
        "std::unordered_map<std::string, T>, std::set, std::unordered_set, std::tuple, std::variant, fa::Discriminator, a plain struct, "
        "fa::Json, fa::Email, fa::Field<T, Rule>, or a scalar (a type with a fa::Scalar<T> specialization)"
        " (docs/compile_errors.md#json-write-unsupported-type)");
  }
}

/// exclude_unset through a response model: keeps in `written` (the model as written) only the keys the handler's
/// value held, object by object, item by item (a key the model has and the value lacks was not set).
FASTAPI_DETAIL_INLINE void keep_set_keys(Json& written, const Json& input);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void keep_set_keys(Json& written, const Json& input) {
  if (written.is_object() && input.is_object()) {
    Json::Object kept;
    for (auto& [k, v] : written.items()) {
      const Json* in = input.find(k);
      if (!in) continue;
      keep_set_keys(v, *in);
      kept.emplace_back(k, std::move(v));
    }
    written = Json(std::move(kept));
  } else if (written.is_array() && input.is_array() && written.size() == input.size()) {
    for (std::size_t i = 0; i < written.size(); ++i) keep_set_keys(written[i], input[i]);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The response-model wall for Model: Json in, Model's members out (or ResponseValidationError).
template <class Model>
void write_through_model(const Json& value, std::string& out, const fastapi::WriteOptions& options) {
  RequestValidationError errors;
  LocPath loc;
  loc.push(std::string_view("response"));
  std::optional<Model> model = from_json<Model>(value, errors, loc);
  if (!model) throw ResponseValidationError(std::move(errors));
  if (!options.exclude_unset) return write_json(out, *model, options);
  fastapi::WriteOptions rest = options;
  rest.exclude_unset = false;
  Json written = to_json(*model, rest);
  keep_set_keys(written, value);
  written.dump_to(out);
}

/// The Response for a reflected struct a handler returned: application/json, written straight from it.
template <class T>
Response model_response(const T& value, int status, const fastapi::WriteOptions& options = {}) {
  Response res = RawJSONResponse(std::string(), status);
  write_json(res.body, value, options);
  return res;
}

/// The Response for a handler's value when its route declares a response model: only the model's
/// members are written; a value that does not fit -> ResponseValidationError (500, reason logged).
template <class T>
Response response_through_model(const ResponseModelInfo& model, const T& value, int status,
                                const fastapi::WriteOptions& options = {}) {
  Response res = RawJSONResponse(std::string(), status);
  if constexpr (std::is_same_v<std::remove_cvref_t<T>, Json>) model.write(value, res.body, options);
  else
    model.write(to_json(value, {.exclude_unset = options.exclude_unset}), res.body, options);  // a Partial's set keys
  return res;
}

}  // namespace detail

/// The wall for Model without its schema (json/schema.hpp's fa::response_model<Model> adds it).
template <class Model>
inline constexpr ResponseModelInfo response_model_wall{type_name<Model>(), &detail::write_through_model<Model>,
                                                       nullptr};

template <class T>
void write_json(std::string& out, const T& value, const fastapi::WriteOptions& options) {
  detail::JsonSink sink(out);
  detail::write_value(sink, out, value, options);
  sink.flush();
}

template <class T>
std::string to_json_string(const T& value, const fastapi::WriteOptions& options) {
  std::string out;
  write_json(out, value, options);
  return out;
}

template <class T>
Json to_json(const T& value, const fastapi::WriteOptions& options) {
  if constexpr (std::is_same_v<T, Json>) return value;
  else return Json::parse(to_json_string(value, options));
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ResponseValidationError::ResponseValidationError(RequestValidationError errors)
    : errors_(std::move(errors)), what_("response validation failed: " + errors_.body()["detail"].dump()) {}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
