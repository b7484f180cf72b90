// json/union.hpp: unions, read as Pydantic v2 reads them: std::variant<A, B> in smart mode (the first member that takes
// the input strictly, else the first that takes it laxly, else every member's errors under its tag), and
// fa::Discriminator<"type", A, B>, chosen by a tag field (union_tag_not_found / union_tag_invalid, then the chosen
// member's errors under its tag). Fed by json/read_scalars; feeds json/read (the DOM reader; the fast path leaves
// unions to it), json/write and json/schema. Knows nothing of JSON text or HTTP.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/json/choice.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/read_scalars.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// A discriminated union (Pydantic's `Annotated[Union[Click, Key], Field(discriminator="type")]`): the member is
/// chosen by the value of its `Tag` field, each member a struct with that field typed `fa::Choice<"its tag">`.
///   struct Click { fa::Choice<"click"> type; int x; int y; };
///   struct Key { fa::Choice<"key"> type; std::string key; };
///   struct Event { fa::Discriminator<"type", Click, Key> kind; };      // a std::variant<Click, Key>: std::visit it
/// No tag -> 422 union_tag_not_found; an unknown tag -> union_tag_invalid; else the member's own errors, located
/// under the tag: ["body", "kind", "click", "x"]. JSON Schema: oneOf with discriminator.mapping, as FastAPI writes it.
template <FixedString Tag, class... Members>
class Discriminator : public std::variant<Members...> {
 public:
  using variant_type = std::variant<Members...>;
  using std::variant<Members...>::variant;
  using std::variant<Members...>::operator=;
  static constexpr std::string_view tag = Tag.view();

  constexpr variant_type& as_variant() noexcept { return *this; }
  constexpr const variant_type& as_variant() const noexcept { return *this; }
};

namespace detail {

template <class T>
inline constexpr bool is_variant = false;
template <class... U>
inline constexpr bool is_variant<std::variant<U...>> = true;
template <class T>
inline constexpr bool is_discriminated = false;
template <FixedString Tag, class... U>
inline constexpr bool is_discriminated<Discriminator<Tag, U...>> = true;
template <class T>
struct discriminator_traits;
template <FixedString Tag, class... U>
struct discriminator_traits<Discriminator<Tag, U...>> {
  static constexpr auto tag = Tag;
};
/// The tag field's name of a Discriminator, as a FixedString (usable as a template argument).
template <class T>
inline constexpr auto fixed_tag = discriminator_traits<T>::tag;

/// Either kind of union.
template <class T>
inline constexpr bool is_union = is_variant<T> || is_discriminated<T>;

template <class T, std::size_t I>
using field_type_t = std::remove_cvref_t<decltype(field_at<I>(std::declval<T&>()))>;

/// Index of M's member named `tag` on the wire, or field_count<M>.
template <class M>
consteval std::size_t tag_field_index(std::string_view tag) {
  for (std::size_t i = 0; i < field_count<M>; ++i)
    if (wire_names<M>[i] == tag) return i;
  return field_count<M>;
}

/// The fa::Choice that tags M in a Discriminator on `Tag`, refused in words when M has none.
template <FixedString Tag, class M>
consteval bool check_tagged_member() {
  static_assert(reflectable<M>, "fastapi: every member of fa::Discriminator<\"tag\", ...> must be a plain struct"
                                " (docs/compile_errors.md#models)");
  if constexpr (reflectable<M>) {
    constexpr std::size_t i = tag_field_index<M>(Tag.view());
    static_assert(i < field_count<M>,
                  "fastapi: a member of fa::Discriminator<\"tag\", ...> has no member named as the tag; give it one "
                  "typed fa::Choice<\"its value\">: struct Click { fa::Choice<\"click\"> type; ... }"
                  " (docs/compile_errors.md#json-discriminator-member-without-tag)");
    if constexpr (i < field_count<M>) {
      static_assert(is_choice<field_type_t<M, i>>,
                    "fastapi: the tag member of a fa::Discriminator<\"tag\", ...> member must be typed "
                    "fa::Choice<\"its value\">: struct Click { fa::Choice<\"click\"> type; ... }"
                    " (docs/compile_errors.md#json-discriminator-tag-not-choice)");
    }
  }
  return true;
}

template <FixedString Tag, class M>
using tag_choice_t = field_type_t<M, tag_field_index<M>(Tag.view())>;

/// Pydantic's name for a union member in error locations: "int", "str", "list[int]", "Click", "datetime", ...
template <class T>
std::string make_union_tag();
template <class T>
std::string_view union_tag() {
  static const std::string tag = make_union_tag<T>();
  return tag;
}

template <class T>
std::string make_union_tag() {
  if constexpr (is_field<T>) return make_union_tag<field_value_t<T>>();
  else if constexpr (is_optional<T>) return "nullable[" + make_union_tag<typename T::value_type>() + "]";
  else if constexpr (is_scalar<T>) {
    if constexpr (requires { std::string_view(Scalar<T>::name); }) return std::string(Scalar<T>::name);
    else return std::string(type_name<T>());
  } else if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_integral_v<T>) return "int";
  else if constexpr (std::is_floating_point_v<T>) return "float";
  else if constexpr (std::is_convertible_v<const T&, std::string_view> || std::is_same_v<T, Email>) return "str";
  else if constexpr (std::is_same_v<T, Json>) return "any";
  else if constexpr (is_vector<T> || is_fixed_array<T>) return "list[" + make_union_tag<typename T::value_type>() + "]";
  else if constexpr (is_set<T>) return "set[" + make_union_tag<typename T::value_type>() + "]";
  else if constexpr (is_string_map<T>) return "dict[str," + make_union_tag<typename T::mapped_type>() + "]";
  else if constexpr (is_int_map<T>) return "dict[int," + make_union_tag<typename T::mapped_type>() + "]";
  else return std::string(type_name<T>());
}

template <class T, bool Strict, class N>
bool read_value(const N& node, T& out, ReadContext& cx);

/// Member I read from node with errors kept aside; true (and out set) when it takes the input.
template <std::size_t I, bool Strict, class V, class N>
bool try_union_member(const N& node, V& out, const ReadContext& cx) {
  using M = std::variant_alternative_t<I, V>;
  RequestValidationError scratch;
  LocPath loc;
  ReadContext trial{scratch, loc, cx.depth, cx.wide_integers};
  M value{};
  if (!read_value<M, Strict>(node, value, trial)) return false;
  out.template emplace<I>(std::move(value));
  return true;
}

/// Pydantic's smart mode: strict first, then lax, in the members' order; else every member's (lax) errors.
template <class V, class N, std::size_t... I>
bool read_smart_union(const N& node, V& out, ReadContext& cx, std::index_sequence<I...>) {
  if ((try_union_member<I, true>(node, out, cx) || ...)) return true;
  if ((try_union_member<I, false>(node, out, cx) || ...)) return true;
  const auto report = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
    using M = std::variant_alternative_t<J, V>;
    M value{};
    cx.loc.push(union_tag<M>());
    read_value<M, false>(node, value, cx);
    cx.loc.pop();
  };
  (report(std::integral_constant<std::size_t, I>{}), ...);
  return false;
}

/// "'click', 'key'": every tag value of a Discriminator's members.
template <FixedString Tag, class... M>
std::string expected_tags() {
  std::string out;
  const auto add = [&](std::string_view v) {
    if (!out.empty()) out += ", ";
    out += '\'';
    out += v;
    out += '\'';
  };
  (
      [&] {
        for (std::string_view v : tag_choice_t<Tag, M>::values) add(v);
      }(),
      ...);
  return out;
}

template <FixedString Tag, class... M, class N, std::size_t... I>
bool read_discriminated(const N& node, Discriminator<Tag, M...>& out, ReadContext& cx, std::index_sequence<I...>) {
  static_assert((check_tagged_member<Tag, M>() && ...));
  const std::string discriminator = "'" + std::string(Tag.view()) + "'";
  if (node.kind() != Json::Kind::object) {
    add_error(cx, "model_attributes_type", "Input should be a valid dictionary or object to extract fields from",
              node.to_json());
    return false;
  }
  std::optional<N> tag_node;
  node.each_member([&](std::string_view key, const N& value) {
    if (key == Tag.view()) tag_node = value;  // a repeated key: the last value, as Python's dict
  });
  if (!tag_node) {
    add_error(cx, "union_tag_not_found", "Unable to extract tag using discriminator " + discriminator, node.to_json(),
              Json{{"discriminator", discriminator}});
    return false;
  }
  const std::string tag =
      tag_node->kind() == Json::Kind::string ? std::string(tag_node->str()) : tag_node->to_json().dump();
  bool found = false, ok = false;
  const auto attempt = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
    using Member = std::variant_alternative_t<J, std::variant<M...>>;
    if (found || tag_node->kind() != Json::Kind::string) return;
    for (std::string_view v : tag_choice_t<Tag, Member>::values) {
      if (v != tag) continue;
      found = true;
      Member value{};
      cx.loc.push(v);  // the value's own storage: the location outlives `tag`
      ok = read_value<Member, false>(node, value, cx);
      cx.loc.pop();
      if (ok) out.template emplace<J>(std::move(value));
      return;
    }
  };
  (attempt(std::integral_constant<std::size_t, I>{}), ...);
  if (found) return ok;
  const std::string expected = expected_tags<Tag, M...>();
  add_error(
      cx, "union_tag_invalid",
      "Input tag '" + tag + "' found using " + discriminator + " does not match any of the expected tags: " + expected,
      node.to_json(), Json{{"discriminator", discriminator}, {"tag", tag}, {"expected_tags", expected}});
  return false;
}

/// Reads either kind of union (json/read's read_value calls it).
template <class T, class N>
bool read_union(const N& node, T& out, ReadContext& cx) {
  if constexpr (is_discriminated<T>) {
    return read_discriminated(node, out, cx, std::make_index_sequence<std::variant_size_v<typename T::variant_type>>{});
  } else {
    return read_smart_union(node, out, cx, std::make_index_sequence<std::variant_size_v<T>>{});
  }
}

}  // namespace detail
}  // namespace fastapi
