// json/schema.hpp: a plain struct -> its JSON Schema (draft 2020-12, as Pydantic v2 / FastAPI write it for OpenAPI 3.1).
// Fed by json/reflect, json/rules and json/write (names, the response-model wall); feeds openapi/. Knows nothing of HTTP or routes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"

namespace fastapi {

/// The JSON Schema of T as Pydantic v2's model_json_schema() writes it: nested structs and enums
/// under "$defs" and referenced as {"$ref":"#/$defs/Name"}; title = the struct's unqualified name;
/// each property titled from its name ("user_name" -> "User Name") unless its Rule has a title;
/// "required" lists the members that are neither optional nor Default; Rules become minLength,
/// maxLength, pattern, minimum, exclusiveMinimum, maximum, exclusiveMaximum, multipleOf, minItems,
/// maxItems; fa::Email is {"format":"email","type":"string"}; keys sorted as Pydantic sorts them.
///   struct Item { std::string name; fa::Field<double, fa::Rule{.gt = 0}> price; };
///   fa::json_schema<Item>().dump() ==
///   R"({"properties":{"name":{"title":"Name","type":"string"},"price":{"exclusiveMinimum":0,"title":"Price",)"
///   R"("type":"number"}},"required":["name","price"],"title":"Item","type":"object"})"
/// `ref_prefix` is where $refs point: "#/$defs/" here, "#/components/schemas/" for OpenAPI (then
/// the definitions are returned in `defs` instead of under "$defs").
template <class T>
Json json_schema();
template <class T>
Json json_schema(std::string_view ref_prefix, Json& defs);

/// Python's `name.title().replace("_", " ")`, Pydantic's default title: "user_name" -> "User Name",
/// "userName" -> "Username".
inline std::string title_case(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool prev_letter = false;
  for (char c : name) {
    const bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    if (upper || lower) {
      if (prev_letter && upper) c = static_cast<char>(c - 'A' + 'a');
      if (!prev_letter && lower) c = static_cast<char>(c - 'a' + 'A');
    }
    prev_letter = upper || lower;
    out += c == '_' ? ' ' : c;
  }
  return out;
}

/// The response model of a route, schema included: `app.get("/me", h, {.response_model = fa::response_model<UserOut>});`
template <class Model>
inline constexpr ResponseModelInfo response_model{type_name<Model>(), &detail::write_through_model<Model>,
                                                  [] { return json_schema<Model>(); }};

namespace detail {

struct SchemaContext {
  std::string_view ref_prefix;
  Json& defs;
};

/// Keys sorted as Pydantic sorts a schema: every object, except the members of "properties" (kept
/// in declaration order, their schemas sorted) and "default" values (left as they are). Compiled once with separate
/// compilation: its std::stable_sort is most of the code an app's file would otherwise generate for its OpenAPI.
FASTAPI_DETAIL_INLINE void sort_schema(Json& j, bool keep_order = false);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void sort_schema(Json& j, bool keep_order) {
  if (j.is_array()) {
    for (Json& x : j) sort_schema(x);
    return;
  }
  if (!j.is_object()) return;
  auto& members = j.as_object();
  if (!keep_order)
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [k, v] : members) {
    if (k == "default" && !keep_order) continue;
    sort_schema(v, !keep_order && k == "properties");
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

inline Json bound_number(double v) { return ctx_number(v); }

/// Rule keywords of R for a value of type V.
template <Rule R, class V>
void add_rule_keywords(Json& s) {
  if constexpr (R.has_number_rule()) {
    if constexpr (R.has_gt()) s["exclusiveMinimum"] = bound_number(R.gt);
    if constexpr (R.has_ge()) s["minimum"] = bound_number(R.ge);
    if constexpr (R.has_lt()) s["exclusiveMaximum"] = bound_number(R.lt);
    if constexpr (R.has_le()) s["maximum"] = bound_number(R.le);
    if constexpr (R.multiple_of != 0) s["multipleOf"] = bound_number(R.multiple_of);
  }
  if constexpr (R.has_length_rule()) {
    constexpr bool text = is_string_like<V>;
    constexpr bool dict = is_string_map<V> || is_int_map<V>;
    if constexpr (R.min_length != 0)
      s[text ? "minLength" : dict ? "minProperties" : "minItems"] = static_cast<std::uint64_t>(R.min_length);
    if constexpr (R.max_length != SIZE_MAX)
      s[text ? "maxLength" : dict ? "maxProperties" : "maxItems"] = static_cast<std::uint64_t>(R.max_length);
  }
  if constexpr (!R.pattern.empty()) s["pattern"] = std::string(R.pattern.view());
}

template <class T>
Json define_struct(SchemaContext& cx);

/// The schema of a value of type T (no title: the member adds it).
template <class T>
Json schema_of(SchemaContext& cx) {
  if constexpr (is_field<T>) {
    Json s = schema_of<field_value_t<T>>(cx);
    Json* target = &s;
    if (s.contains("anyOf")) target = &s["anyOf"][0];  // Optional: the rule is on the non-null branch
    add_rule_keywords<field_rule<T>, typename unwrap_optional<field_value_t<T>>::type>(*target);
    return s;
  } else if constexpr (is_optional<T>) {
    return Json{{"anyOf", Json::array({schema_of<typename T::value_type>(cx), Json{{"type", "null"}}})}};
  } else if constexpr (std::is_same_v<T, Email>) {
    return Json{{"format", "email"}, {"type", "string"}};
  } else if constexpr (is_scalar<T>) {
    static_assert(check_scalar<T>());
    return Scalar<T>::schema();
  } else if constexpr (std::is_same_v<T, Json>) {
    return Json::object({});
  } else if constexpr (std::is_same_v<T, bool>) {
    return Json{{"type", "boolean"}};
  } else if constexpr (std::is_integral_v<T>) {
    Json s{{"type", "integer"}};
    // Python's int has no bounds; a C++ type narrower than a signed 32-bit one (or unsigned) shows its own.
    if constexpr (std::is_unsigned_v<T> || sizeof(T) < sizeof(int)) {
      s["minimum"] = std::numeric_limits<T>::min();
      if constexpr (sizeof(T) < sizeof(std::uint64_t)) s["maximum"] = std::numeric_limits<T>::max();
    }
    return s;
  } else if constexpr (std::is_floating_point_v<T>) {
    return Json{{"type", "number"}};
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return Json{{"type", "string"}};
  } else if constexpr (std::is_enum_v<T>) {
    const std::string name(type_name<T>());
    if (!cx.defs.contains(name)) {
      Json values = Json::array({});
      for (std::size_t i = 0; i < enum_count<T>(); ++i) values.push_back(enum_name_at<T>(i));
      cx.defs[name] = Json{{"enum", std::move(values)}, {"title", name}, {"type", "string"}};
    }
    return Json{{"$ref", std::string(cx.ref_prefix) + name}};
  } else if constexpr (is_string_map<T> || is_int_map<T>) {  // Pydantic says nothing of integer keys' type
    return Json{{"additionalProperties", schema_of<typename T::mapped_type>(cx)}, {"type", "object"}};
  } else if constexpr (is_vector<T>) {
    return Json{{"items", schema_of<typename T::value_type>(cx)}, {"type", "array"}};
  } else if constexpr (is_set<T>) {
    return Json{{"items", schema_of<typename T::value_type>(cx)}, {"type", "array"}, {"uniqueItems", true}};
  } else if constexpr (is_std_array<T>) {
    constexpr auto n = static_cast<std::uint64_t>(std::tuple_size_v<T>);
    return Json{{"items", schema_of<typename T::value_type>(cx)}, {"maxItems", n}, {"minItems", n}, {"type", "array"}};
  } else if constexpr (is_discriminated<T>) {
    Json mapping = Json::object({});
    Json one_of = Json::array({});
    [&]<class... M>(std::type_identity<std::variant<M...>>) {
      const auto add = [&]<class Member>(std::type_identity<Member>) {
        Json ref = schema_of<Member>(cx);
        for (std::string_view v : tag_choice_t<fixed_tag<T>, Member>::values) mapping[std::string(v)] = ref["$ref"];
        one_of.push_back(std::move(ref));
      };
      (add(std::type_identity<M>{}), ...);
    }(std::type_identity<typename T::variant_type>{});
    return Json{{"discriminator", Json{{"mapping", std::move(mapping)}, {"propertyName", std::string(T::tag)}}},
                {"oneOf", std::move(one_of)}};
  } else if constexpr (is_variant<T>) {
    Json any_of = Json::array({});
    [&]<class... M>(std::type_identity<std::variant<M...>>) {
      (any_of.push_back(schema_of<M>(cx)), ...);
    }(std::type_identity<T>{});
    return Json{{"anyOf", std::move(any_of)}};
  } else if constexpr (is_tuple<T>) {
    constexpr auto n = static_cast<std::uint64_t>(std::tuple_size_v<T>);
    Json items = Json::array({});
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (items.push_back(schema_of<std::tuple_element_t<I, T>>(cx)), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<T>>{});
    return Json{{"maxItems", n}, {"minItems", n}, {"prefixItems", std::move(items)}, {"type", "array"}};
  } else if constexpr (is_partial<T>) {
    using Model = typename T::model_type;
    const std::string name = std::string(type_name<Model>()) + "Partial";
    if (!cx.defs.contains(name)) {
      cx.defs[name] = Json::object({});
      Json s = define_struct<Model>(cx);
      s.erase("required");  // every member may be left out
      s["title"] = name;
      cx.defs[name] = std::move(s);
    }
    return Json{{"$ref", std::string(cx.ref_prefix) + name}};
  } else if constexpr (reflectable<T>) {
    const std::string name(type_name<T>());
    if (!cx.defs.contains(name)) {
      cx.defs[name] = Json::object({});  // placeholder: a recursive struct refers to itself
      Json s = define_struct<T>(cx);
      cx.defs[name] = std::move(s);
    }
    return Json{{"$ref", std::string(cx.ref_prefix) + name}};
  } else {
    static_assert(dependent_false<T>, "fastapi: json_schema cannot describe this type (see read_json's list)"
                                      " (docs/compile_errors.md#json-read-unsupported-type)");
    return {};
  }
}

/// Pydantic leaves the title off a member whose schema is (or is a nullable) reference.
template <class V>
inline constexpr bool titled =
    !std::is_enum_v<typename unwrap_optional<V>::type> && !reflectable<typename unwrap_optional<V>::type>;

/// What a Rule says only to the document: Pydantic's "deprecated": true and "examples": [...] (the JSON text of
/// Rule.examples, checked when the Rule was compiled).
template <Rule R>
void add_doc_keywords(Json& s) {
  if constexpr (R.deprecated) s["deprecated"] = true;
  if constexpr (!R.examples.empty()) {
    // Read through a constant of its own: clang 14 can emit a Rule template argument copied from another one
    // (fa::Body's) as zeros at run time, though it is right at compile time.
    static constexpr RuleText examples = R.examples;
    s["examples"] = Json::parse(examples.view());
  }
}

template <class T>
Json define_struct(SchemaContext& cx) {
  Json properties = Json::object({});
  Json required = Json::array({});
  const T defaults{};
  for_each_field(defaults, [&](const auto& member, auto index) {
    using M = std::remove_cvref_t<decltype(member)>;
    using V = field_value_t<M>;
    constexpr std::size_t I = decltype(index)::value;
    constexpr Rule R = field_rule<M>;
    Json s = schema_of<M>(cx);
    if constexpr (!is_required<M>) s["default"] = to_json(member);
    if constexpr (!R.description.empty()) s["description"] = std::string(R.description.view());
    add_doc_keywords<R>(s);
    if constexpr (!R.title.empty()) s["title"] = std::string(R.title.view());
    else if constexpr (titled<V>) s["title"] = title_case(field_names<T>[I]);
    properties[wire_names<T>[I]] = std::move(s);
    if constexpr (is_required<M>) required.push_back(wire_names<T>[I]);
  });
  Json out = Json::object({});
  if constexpr (forbids_extra<T>) out["additionalProperties"] = false;
  out["properties"] = std::move(properties);
  if (!required.empty()) out["required"] = std::move(required);
  out["title"] = std::string(type_name<T>());
  out["type"] = "object";
  return out;
}

}  // namespace detail

template <class T>
Json json_schema(std::string_view ref_prefix, Json& defs) {
  if (!defs.is_object()) defs = Json::object({});
  detail::SchemaContext cx{ref_prefix, defs};
  Json s;
  if constexpr (reflectable<T> && !std::is_same_v<T, Json>) {
    s = detail::define_struct<T>(cx);
  } else {
    s = detail::schema_of<T>(cx);
  }
  detail::sort_schema(s);
  detail::sort_schema(defs);
  return s;
}

template <class T>
Json json_schema() {
  Json defs = Json::object({});
  Json s = json_schema<T>("#/$defs/", defs);
  if (defs.empty()) return s;
  Json out = Json::object({});
  out["$defs"] = std::move(defs);
  for (auto& [k, v] : s.items()) out[k] = std::move(v);
  return out;
}

}  // namespace fastapi
