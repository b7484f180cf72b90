// json/read.hpp: JSON text or a fa::Json -> a plain struct, every error collected in Pydantic v2's words. Text is read by the
// On-Demand fast path (json/read_fast) and, when anything is off, again by the simdjson DOM walk below, which collects the errors.
// Fed by the request body (binding) and by json/write's response-model wall; feeds handlers. Knows nothing of HTTP or routes.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"  // first: it pins simdjson's configuration
#include <simdjson.h>

#include "fastapi/json/errors.hpp"
#include "fastapi/json/parse.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/read_fast.hpp"
#include "fastapi/json/read_scalars.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/syntax_error.hpp"
#include "fastapi/json/union.hpp"
#include "fastapi/json/validators.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// Reads JSON text into T, collecting EVERY error into `errors` with locations under `loc` (push "body" first).
///   struct Item { std::string name; fa::Field<double, fa::Rule{.gt = 0}> price; fa::Default<int> quantity = 1; };
///   auto item = fa::read_json<Item>(req.body, errors, loc);   // nullopt when any error was recorded
/// Malformed JSON -> {"type":"json_invalid","loc":["body",<byte offset>],"msg":"JSON decode error","input":{},
/// "ctx":{"error":"Expecting ',' delimiter"}} (Python's json words and offsets); a wrong value -> Pydantic's
/// int_parsing, string_type, missing, ... (docs/models.md lists them, and the lax conversions).
/// Valid input is read by simdjson On-Demand straight into T; at the first error the text is read again by
/// the DOM reader (detail::read_json_dom), which collects every error: the result is the same either way.
template <class T>
std::optional<T> read_json(std::string_view text, RequestValidationError& errors, detail::LocPath& loc);
/// Same, from an already-parsed fa::Json (embedded bodies, form data, the response-model wall).
template <class T>
std::optional<T> from_json(const Json& value, RequestValidationError& errors, detail::LocPath& loc);
/// Convenience: throws RequestValidationError (loc starting at "body"); the app answers it with 422.
template <class T>
T read_json(std::string_view text);

namespace detail {

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
  template <class F>
  void each_element(F&& f) const {
    std::size_t i = 0;
    const simdjson::dom::array array = e.get_array().value_unsafe();  // a local: value_unsafe() of a temporary dangles
    for (simdjson::dom::element x : array) f(i++, DomNode{x});
  }
  template <class F>
  void each_member(F&& f) const {
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
  template <class F>
  void each_element(F&& f) const {
    std::size_t i = 0;
    for (const Json& x : *j) f(i++, JsonNode{&x});
  }
  template <class F>
  void each_member(F&& f) const {
    for (const auto& [k, v] : j->items()) f(std::string_view(k), JsonNode{&v});
  }
  std::size_t size() const { return j->size(); }
  Json to_json() const { return *j; }
};

/// Keys as Python's dict keeps them: first position, last value. O(n log n) (sorted past 16 entries, never
/// hashed: see first_of_each_key).
template <class N>
void keep_last_values(std::vector<std::pair<std::string_view, N>>& members) {
  const std::size_t n = members.size();
  if (n < 2) return;
  std::vector<std::uint32_t> first;
  if (n > 16) first = first_of_each_key(n, [&](std::size_t i) { return members[i].first; });
  std::vector<bool> drop(n, false);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t at = n;
    if (n <= 16) {
      for (std::size_t j = 0; j < i && at == n; ++j)
        if (!drop[j] && members[j].first == members[i].first) at = j;
    } else if (first[i] != i) {
      at = first[i];
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

/// One member I of a struct, present in the input: its before-validators, its conversion and Rule, its
/// after-validators (json/validators.hpp), each step only when the one before passed.
template <class T, std::size_t I, class M, class N>
bool read_member(const N& input, M& member, ReadContext& cx) {
  if constexpr (has_validator<T, I, ValidatorMode::before>) {
    Json raw = input.to_json();
    if (!run_before_validators<T, I>(raw, &cx)) return false;
    if (!read_value<M, false>(JsonNode{&raw}, member, cx)) return false;
  } else {
    if (!read_value<M, false>(input, member, cx)) return false;
  }
  if constexpr (has_validator<T, I, ValidatorMode::after>)
    return run_after_validators<T, I>(validated_value(member), &cx, input);
  return true;
}

/// The members of struct T; `seen` (a fa::Partial's bits) makes every member optional and records the present ones.
template <class T, class N>
bool read_struct_members(const N& node, T& out, ReadContext& cx, std::uint64_t* seen) {
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
      if (seen) *seen |= std::uint64_t{1} << I;
      ok = read_member<T, I>(found[I], member, cx) && ok;
    } else if constexpr (is_required<M>) {
      if (!seen) {
        add_error(cx, "missing", "Field required", node.to_json());
        ok = false;
      }
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

/// A struct: its model before-validators, its members, then its model after-validators (only when every member
/// was read without error, as Pydantic). Errors of model validators are located at the struct.
template <class T, class N>
bool read_struct(const N& node, T& out, ReadContext& cx, std::uint64_t* seen = nullptr) {
  constexpr std::size_t model = SIZE_MAX;
  if constexpr (has_validator<T, model, ValidatorMode::before>) {
    Json raw = node.to_json();
    if (!run_before_validators<T, model>(raw, &cx)) return false;
    if (!read_struct_members(JsonNode{&raw}, out, cx, seen)) return false;
  } else {
    if (!read_struct_members(node, out, cx, seen)) return false;
  }
  if constexpr (has_validator<T, model, ValidatorMode::after>) return run_after_validators<T, model>(out, &cx, node);
  return true;
}

template <class T, bool Strict, class N>
bool read_value(const N& node, T& out, ReadContext& cx) {
  using K = Json::Kind;
  if constexpr (is_field<T>) {
    constexpr Rule R = field_rule<T>;
    using V = field_value_t<T>;
    if (!read_value<V, (Strict || R.strict)>(node, out.value, cx)) return false;
    if (std::optional<RuleViolation> v = field_violation(out)) return add_violation(cx, *v, node), false;
    return true;
  } else if constexpr (is_optional<T>) {
    if (node.kind() == K::null) return out.reset(), true;
    if (!out) out.emplace();
    return read_value<typename T::value_type, Strict>(node, *out, cx);
  } else if constexpr (std::is_same_v<T, Json>) {
    out = node.to_json();
    return true;
  } else if constexpr (is_scalar<T>) {
    return read_scalar(node, out, cx);
  } else if constexpr (is_union<T>) {
    return read_union(node, out, cx);
  } else if constexpr (std::is_same_v<T, bool>) {
    return read_bool<Strict>(node, out, cx);
  } else if constexpr (std::is_integral_v<T>) {
    return read_integer<T, Strict>(node, out, cx);
  } else if constexpr (std::is_floating_point_v<T>) {
    return read_floating<T, Strict>(node, out, cx);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Email>) {
    if (node.kind() != K::string)
      return add_error(cx, "string_type", "Input should be a valid string", node.to_json()), false;
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
    if (node.kind() != K::array)
      return add_error(cx, "list_type", "Input should be a valid list", node.to_json()), false;
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
  } else if constexpr (is_set<T>) {
    if (node.kind() != K::array) return add_error(cx, "set_type", "Input should be a valid set", node.to_json()), false;
    if (!enter(cx, node)) return false;
    out.clear();
    bool ok = true;
    node.each_element([&](std::size_t i, const N& x) {
      cx.loc.push(i);
      typename T::value_type item{};
      if (read_value<typename T::value_type, Strict>(x, item, cx)) out.insert(std::move(item));
      else ok = false;
      cx.loc.pop();
    });
    --cx.depth;
    return ok;
  } else if constexpr (is_fixed_array<T>) {
    if (node.kind() != K::array)
      return add_error(cx, "list_type", "Input should be a valid list", node.to_json()), false;
    if (!check_fixed_length(node, out.size(), LengthOf::list, cx)) return false;
    if (!enter(cx, node)) return false;
    bool ok = true;
    node.each_element([&](std::size_t i, const N& x) {
      cx.loc.push(i);
      ok = read_value<typename T::value_type, Strict>(x, out[i], cx) && ok;
      cx.loc.pop();
    });
    --cx.depth;
    return ok;
  } else if constexpr (is_tuple<T>) {
    if (node.kind() != K::array)
      return add_error(cx, "tuple_type", "Input should be a valid tuple", node.to_json()), false;
    if (!enter(cx, node)) return false;
    std::vector<N> items;
    node.each_element([&](std::size_t, const N& x) { items.push_back(x); });
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      const auto one = [&](auto& slot, std::size_t i) {
        cx.loc.push(i);
        if (i < items.size()) {
          ok = read_value<std::remove_cvref_t<decltype(slot)>, Strict>(items[i], slot, cx) && ok;
        } else {
          add_error(cx, "missing", "Field required", node.to_json());
          ok = false;
        }
        cx.loc.pop();
      };
      (one(std::get<I>(out), I), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<T>>{});
    --cx.depth;
    return check_fixed_length(node, std::tuple_size_v<T>, LengthOf::tuple, cx) && ok;
  } else if constexpr (is_string_map<T> || is_int_map<T>) {
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
      if constexpr (is_int_map<T>) {
        // Pydantic checks the key, then the value: both errors are reported. A JSON key is always text, so
        // it is read as a lax string -> int even in strict mode (as Pydantic does for JSON keys).
        typename T::key_type key{};
        const Json key_text = Json(std::string(k));
        cx.loc.push("[key]");
        const bool key_ok = read_integer<typename T::key_type, false>(JsonNode{&key_text}, key, cx);
        cx.loc.pop();
        typename T::mapped_type value{};
        const bool value_ok = read_value<typename T::mapped_type, Strict>(v, value, cx);
        if (key_ok && value_ok) out[key] = std::move(value);
        ok = key_ok && value_ok && ok;
      } else {
        ok = read_value<typename T::mapped_type, Strict>(v, out[std::string(k)], cx) && ok;
      }
      cx.loc.pop();
    }
    --cx.depth;
    return ok;
  } else if constexpr (is_partial<T>) {
    return read_struct(node, PartialAccess::value(out), cx, &PartialAccess::bits(out));
  } else if constexpr (std::is_class_v<T> && std::is_aggregate_v<T>) {
    static_assert(std::is_default_constructible_v<T>,
                  "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                  "it, then assigns the members it finds (docs/compile_errors.md#json-read-not-default-constructible)");
    return read_struct(node, out, cx);
  } else {
    static_assert(
        dependent_false<T>,
        "fastapi: read_json cannot read this type; use bool, an integer, float/double, std::string, an "
        "enum, std::optional, std::vector, std::map<std::string, T>, std::unordered_map<std::string, T>, "
        "std::map<int, T>, "
        "a nested struct, fa::Json, fa::Email, fa::Field<T, Rule>, std::set, std::unordered_set, std::array, "
        "std::tuple, std::variant, fa::Discriminator, or a scalar (std::chrono::sys_time, year_month_day, hh_mm_ss, duration, fa::UUID, "
        "fa::Choice, fa::Bytes, or a type with a fa::Scalar<T> specialization)"
        " (docs/compile_errors.md#json-read-unsupported-type)");
    return false;
  }
}

/// The deepest nesting of non-empty arrays and objects in a parsed document (the root counts 1), read off its
/// tape (simdjson's doc/tape.md: '[' and '{' hold the index just past their closing entry; 'l', 'u', 'd' take two
/// words). Empty containers do not count, as simdjson counts them: one may sit one level deeper than a value.
FASTAPI_DETAIL_INLINE std::size_t dom_nesting(const simdjson::dom::document& doc) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::size_t dom_nesting(const simdjson::dom::document& doc) noexcept {
  constexpr std::uint64_t payload = 0x00FFFFFFFFFFFFFF;  // simdjson's JSON_VALUE_MASK
  const std::uint64_t* const tape = doc.tape.get();
  const auto end = static_cast<std::size_t>(tape[0] & payload);  // the root's closing entry
  std::size_t depth = 0, deepest = 0;
  for (std::size_t i = 1; i < end; ++i) {
    switch (static_cast<char>(tape[i] >> 56)) {
      case '[':
      case '{':
        if (static_cast<std::uint32_t>(tape[i]) == i + 2) ++i;  // empty: skip its closing entry
        else deepest = std::max(deepest, ++depth);
        break;
      case ']':
      case '}': --depth; break;
      case 'l':
      case 'u':
      case 'd': ++i; break;  // the number's second word
      default: break;
    }
  }
  return deepest;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

inline void add_json_invalid(RequestValidationError& errors, LocPath& loc, std::size_t pos, std::string_view why) {
  Json l = loc.to_json();
  l.push_back(static_cast<std::uint64_t>(pos));
  errors.add({"json_invalid", std::move(l), "JSON decode error", Json::object({}), Json{{"error", std::string(why)}}});
}
}  // namespace detail

namespace detail {
/// read_json without its fast path: simdjson DOM, then a walk of the tree that records every error.
/// read_json falls back to it; the differential tests and the fuzzer compare the two.
template <class T>
std::optional<T> read_json_dom(std::string_view text, RequestValidationError& errors, LocPath& loc) {
  simdjson::dom::parser* const dom = detail::json_dom_parser();  // the one Json::parse uses too
  if (dom == nullptr) throw std::bad_alloc();
  simdjson::dom::parser& parser = *dom;
  simdjson::dom::element root;
  simdjson::error_code err = parser.parse(text.data(), text.size(), true).get(root);
  std::optional<std::string> widened;
  std::vector<double> wide_integers;
  if (err == simdjson::NUMBER_ERROR) {  // integers beyond 64 bits: as doubles, remembered as integers
    widened = detail::widen_big_integers(text, &wide_integers);
    if (widened) err = parser.parse(widened->data(), widened->size(), true).get(root);
  }
  // The shared parser allows Json::max_depth; bodies allow json_max_depth, refused as simdjson refused them
  // when this reader had a parser of its own allocated for json_max_depth + 1 levels.
  if (err == simdjson::SUCCESS && dom_nesting(parser.doc) > json_max_depth) err = simdjson::DEPTH_ERROR;
  if (err != simdjson::SUCCESS) {
    const auto at = detail::locate_json_error(text, json_max_depth);
    detail::add_json_invalid(errors, loc, at ? at->pos : 0, at ? at->msg : simdjson::error_message(err));
    return std::nullopt;
  }
  T out{};
  ReadContext cx{errors, loc, 0, wide_integers};
  if (!read_value<T, false>(DomNode{root}, out, cx)) return std::nullopt;
  return out;
}
}  // namespace detail

template <class T>
std::optional<T> read_json(std::string_view text, RequestValidationError& errors, detail::LocPath& loc) {
  static_assert(std::is_default_constructible_v<T>,
                "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                "it, then assigns the members it finds (docs/compile_errors.md#json-read-not-default-constructible)");
  if constexpr (detail::fast_root<T>) {
    T out{};
    if (detail::read_json_fast<T>(text, out)) return out;
  }
  return detail::read_json_dom<T>(text, errors, loc);
}

template <class T>
std::optional<T> from_json(const Json& value, RequestValidationError& errors, detail::LocPath& loc) {
  static_assert(std::is_default_constructible_v<T>,
                "fastapi: a struct read from JSON must be default-constructible: the reader value-initializes "
                "it, then assigns the members it finds (docs/compile_errors.md#json-read-not-default-constructible)");
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
