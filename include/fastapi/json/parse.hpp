// json/parse.hpp: JSON text in, as a fa::Json: Json::parse over simdjson's DOM, and this thread's DOM parser, which
// json/read's DOM reader shares. Fed by bodies (the test client, client responses, user code); feeds handlers and
// json/read. Knows nothing of structs, HTTP or writing JSON.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"  // first: it pins simdjson's configuration
#include <simdjson.h>

#include "fastapi/json/value.hpp"

namespace fastapi {

/// Json::parse met malformed JSON; what() carries simdjson's words:
/// "invalid JSON: The JSON document has an improper structure: ...".
class JsonParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

/// This thread's simdjson DOM parser, the one every DOM reader uses: Json::parse here and json/read's DOM
/// reader (read_json_dom). Sharing is safe: each parses, walks the document into its result and drops it within
/// one call, and no user code runs during the walk, so no second parse can reuse the parser under a live document.
/// Allocated for Json::max_depth levels (simdjson lets an empty container sit one level deeper than a value;
/// json_from_element then applies the exact limit, so that arrays and objects count alike whatever they hold;
/// json/read applies its own, smaller json_max_depth after the parse). It keeps the capacity of the largest
/// document it has parsed. nullptr when out of memory (each caller throws its own error).
FASTAPI_DETAIL_INLINE simdjson::dom::parser* json_dom_parser() noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE simdjson::dom::parser* json_dom_parser() noexcept {
  thread_local simdjson::dom::parser parser;
  constexpr std::size_t depth = Json::max_depth + 2;
  if (parser.max_depth() != depth &&
      parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, depth) != simdjson::SUCCESS)
    return nullptr;
  return &parser;
}

/// Digits-only integer token outside [INT64_MIN, UINT64_MAX]?
inline bool integer_out_of_range(std::string_view token) {
  const bool negative = !token.empty() && token[0] == '-';
  const std::string_view digits = token.substr(negative ? 1 : 0);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
  const char* const end = token.data() + token.size();
  if (negative) {
    std::int64_t v;
    return std::from_chars(token.data(), end, v).ec == std::errc::result_out_of_range;
  }
  std::uint64_t v;
  return std::from_chars(token.data(), end, v).ec == std::errc::result_out_of_range;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// simdjson 3.0 refuses integers beyond 64 bits; Python reads them. Slow path, taken only after
/// a number error: a copy of text with ".0" after each such integer, so they read as doubles.
/// `widened`, when given, receives the doubles they read as (sorted), for readers that must still
/// tell them from float tokens (json/read: an integer's range is checked on its text, not its double).
FASTAPI_DETAIL_INLINE std::optional<std::string> widen_big_integers(std::string_view text,
                                                                    std::vector<double>* widened = nullptr);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::string> widen_big_integers(std::string_view text,
                                                                    std::vector<double>* widened) {
  std::string out;
  std::size_t i = 0, copied = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == '"') {  // skip a string, escapes included
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i + 1;
      while (j < n && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.' || text[j] == 'e' || text[j] == 'E' ||
                       text[j] == '+' || text[j] == '-'))
        ++j;
      if (integer_out_of_range(text.substr(i, j - i))) {
        if (widened) widened->push_back(std::strtod(std::string(text.substr(i, j - i)).c_str(), nullptr));
        out.append(text.substr(copied, j - copied));
        out.append(".0", 2);
        copied = j;
      }
      i = j;
    } else {
      ++i;
    }
  }
  if (copied == 0) return std::nullopt;
  out.append(text.substr(copied));
  if (widened) std::sort(widened->begin(), widened->end());
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// e as a Json; depth counts the arrays and objects around e.
FASTAPI_DETAIL_INLINE Json json_from_element(simdjson::dom::element e, std::size_t depth);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json json_from_element(simdjson::dom::element e, std::size_t depth) {
  using Type = simdjson::dom::element_type;
  const Type type = e.type();
  if ((type == Type::ARRAY || type == Type::OBJECT) && depth >= Json::max_depth)
    throw JsonParseError(std::string("invalid JSON: ") + simdjson::error_message(simdjson::DEPTH_ERROR));
  switch (type) {
    case Type::ARRAY: {
      const simdjson::dom::array arr = e.get_array().value_unsafe();
      Json::Array a;
      a.reserve(arr.size());
      for (simdjson::dom::element x : arr) a.push_back(json_from_element(x, depth + 1));
      return Json(std::move(a));
    }
    case Type::OBJECT: {
      const simdjson::dom::object obj = e.get_object().value_unsafe();
      Json::Object o;
      o.reserve(obj.size());
      for (simdjson::dom::key_value_pair kv : obj)
        o.emplace_back(std::string(kv.key), json_from_element(kv.value, depth + 1));
      remove_duplicate_keys(o);
      return Json(std::move(o));
    }
    case Type::INT64: return Json(e.get_int64().value_unsafe());
    case Type::UINT64: return Json(e.get_uint64().value_unsafe());
    case Type::DOUBLE: return Json(e.get_double().value_unsafe());
    case Type::STRING: return Json(e.get_string().value_unsafe());
    case Type::BOOL: return Json(e.get_bool().value_unsafe());
    case Type::NULL_VALUE: return Json();
  }
  return Json();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// Parses one JSON document (RFC 8259; whitespace around it allowed, nothing else).
///   Json::parse(R"({"a":[1,2.5,"x"]})")["a"][1] == 2.5
/// Integers in int64 range are integers, up to UINT64_MAX unsigned integers, beyond that
/// doubles (as close as a double gets); other numbers doubles. A number a double cannot hold
/// (1e400) is refused, where Python would read inf. A repeated key keeps its first position and
/// its last value (Python's json.loads). Throws JsonParseError, with simdjson's words, on
/// malformed JSON, trailing bytes, invalid UTF-8 (strings included), unpaired \u surrogates, or
/// nesting deeper than max_depth; the app answers such a body with 422 "json_invalid".
FASTAPI_DETAIL_INLINE Json Json::parse(std::string_view text) {
  simdjson::dom::parser* const dom = detail::json_dom_parser();
  if (dom == nullptr) throw JsonParseError("invalid JSON: out of memory for the parser");
  simdjson::dom::parser& parser = *dom;
  simdjson::dom::element root;
  // realloc_if_needed: simdjson copies into its own padded, reused buffer (it reads past the end).
  simdjson::error_code err = parser.parse(text.data(), text.size(), true).get(root);
  if (err == simdjson::NUMBER_ERROR) {
    if (const std::optional<std::string> widened = detail::widen_big_integers(text))
      err = parser.parse(widened->data(), widened->size(), true).get(root);
  }
  if (err != simdjson::SUCCESS) throw JsonParseError(std::string("invalid JSON: ") + simdjson::error_message(err));
  return detail::json_from_element(root, 0);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
