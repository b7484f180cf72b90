// params/body.hpp: the JSON body -> a handler's value: the whole body, or one member of it when embedded (fa::Embed, or two or more bodies), with Pydantic's errors under ["body", ...]. Fed by params/bind_context (the request, the body parsed once); feeds params/binding (Binder<Body<...>>, and a bare reflected struct). Knows nothing of routes or responses.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fastapi/json/errors.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/params/bind_context.hpp"
#include "fastapi/params/convert.hpp"
#include "fastapi/params/markers.hpp"

namespace fastapi {
namespace detail {

// clang-format off
template <class T>
inline constexpr bool is_body_struct = (reflectable<T> && std::is_class_v<T>) || is_partial<T>;
// clang-format on

/// The JSON body read into T, or its member `name` when embedded (`{"name": ...}`); errors under ["body", ...].
template <class T>
std::optional<T> read_body(BindContext& ctx, std::string_view name, bool embed) {
  using U = typename unwrap_optional<T>::type;
  RequestValidationError& errors = ctx.body_errors;
  if (embed || ctx.embed_bodies) {
    const Json* body = ctx.json_body();
    if (ctx.json_body_invalid()) return std::nullopt;  // json_invalid was recorded once
    const Json* member = body && body->is_object() ? body->find(name) : nullptr;
    if (!member || member->is_null()) {  // FastAPI: absent, null, or a body that is not an object
      if constexpr (is_optional<T>) return T{};
      add_missing(errors, param_loc(Source::body, name));
      return std::nullopt;
    }
    LocPath loc;
    loc.push("body");
    loc.push(name);
    return from_json<T>(*member, errors, loc);
  }
  std::string_view text = ctx.request.body;
  if (trim(text).empty() || trim(text) == "null") {  // FastAPI: no body, or JSON null, is an absent body
    if constexpr (is_optional<T>) return T{};
    add_missing(errors, param_loc(Source::body, {}));
    return std::nullopt;
  }
  if (body_kind(ctx.request) != BodyKind::json) {
    // FastAPI validates the raw bytes: a scalar is read from the text; a model or a list cannot be.
    if constexpr (text_convertible<U>) {
      U value{};
      if (!convert_checked<U, Rule{}>(text, value, errors, Source::body, {})) return std::nullopt;
      return T(std::move(value));
    } else if constexpr (is_body_struct<U>) {
      errors.add({"model_attributes_type", param_loc(Source::body, {}),
                  "Input should be a valid dictionary or object to extract fields from", Json(text), nullptr});
      return std::nullopt;
    } else if constexpr (is_vector<U>) {
      errors.add({"list_type", param_loc(Source::body, {}), "Input should be a valid list", Json(text), nullptr});
      return std::nullopt;
    }
  }
  LocPath loc;
  loc.push("body");
  return read_json<T>(text, errors, loc);
}

/// fa::Body<T> / fa::Embed<"name", T>.
template <class B>
struct BodyBinder {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::body;
  static constexpr std::size_t body_count = 1;
  static constexpr bool named = B::embed;
  using Slot = ParamSlot<B>;
  static void bind(BindContext& ctx, Slot& slot) {
    if (auto v = read_body<typename B::value_type>(ctx, B::param_name, B::embed)) slot.emplace(std::move(*v));
  }
  static B& get(Slot& slot) { return *slot; }
};

}  // namespace detail
}  // namespace fastapi
