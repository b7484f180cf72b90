// json/choice.hpp: fa::Choice<"a", "b">, a string that is one of a fixed few (Pydantic's Literal["a", "b"]), and
// fa::Bytes (Pydantic's bytes), both fa::Scalar specializations. Fed by json/scalar and core/fixed_string; feeds the
// readers, the writer and the schema through fa::Scalar. Knows nothing of JSON text or HTTP.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// One of the strings Values... (Pydantic's `Literal["click", "key"]`; named Choice since fa::Literal{...} wraps a
/// parameter's default value); default-constructed, the first.
///   fa::Choice<"asc", "desc"> order;    if (order == "desc") ...
/// Anything else -> 422 literal_error "Input should be 'asc' or 'desc'", ctx {"expected": "'asc' or 'desc'"}.
/// JSON Schema: {"enum": ["asc", "desc"], "type": "string"}.
template <FixedString... Values>
class Choice {
  static_assert(sizeof...(Values) > 0, "fastapi: fa::Choice needs at least one value: fa::Choice<\"a\", \"b\">"
                                       " (docs/compile_errors.md#json-choice-empty)");

 public:
  static constexpr std::array<std::string_view, sizeof...(Values)> values{Values.view()...};

  constexpr Choice() noexcept = default;
  /// The value `text` names, or nullopt when it is none of Values.
  static constexpr std::optional<Choice> from(std::string_view text) noexcept {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] == text) return Choice(i);
    return std::nullopt;
  }
  constexpr std::string_view value() const noexcept { return values[index_]; }
  constexpr std::size_t index() const noexcept { return index_; }
  constexpr operator std::string_view() const noexcept { return value(); }
  constexpr bool operator==(const Choice&) const noexcept = default;
  constexpr bool operator==(std::string_view text) const noexcept { return value() == text; }

 private:
  constexpr explicit Choice(std::size_t i) noexcept : index_(i) {}
  std::size_t index_ = 0;
};

template <class T>
inline constexpr bool is_choice = false;
template <FixedString... Values>
inline constexpr bool is_choice<Choice<Values...>> = true;

template <FixedString... Values>
struct Scalar<Choice<Values...>> {
  using L = Choice<Values...>;
  /// Pydantic's name in a union's error locations: "literal['asc','desc']".
  static inline const std::string name = [] {
    std::string n = "literal[";
    for (std::size_t i = 0; i < L::values.size(); ++i) (n += i ? ",'" : "'") += std::string(L::values[i]) + "'";
    return n + "]";
  }();
  static std::optional<L> read(const ScalarInput& in, ConversionError& error) {
    if (in.is_string())
      if (auto v = L::from(in.text)) return v;
    std::string expected;  // Pydantic's "'a', 'b' or 'c'"
    for (std::size_t i = 0; i < L::values.size(); ++i) {
      if (i != 0) expected += i + 1 == L::values.size() ? " or " : ", ";
      expected += '\'';
      expected += L::values[i];
      expected += '\'';
    }
    error = {"literal_error", "Input should be " + expected, Json{{"expected", expected}}};
    return std::nullopt;
  }
  static void write(const L& value, std::string& out) { out += value.value(); }
  static Json schema() {
    Json values = Json::array({});
    for (std::string_view v : L::values) values.push_back(v);
    if (L::values.size() == 1) return Json{{"const", L::values[0]}, {"enum", std::move(values)}, {"type", "string"}};
    return Json{{"enum", std::move(values)}, {"type", "string"}};
  }
};

/// Bytes (Pydantic's `bytes`): any JSON string or parameter text, kept as its UTF-8 bytes and written back as text
/// (Pydantic v2's default ser_json_bytes="utf8"). Not a string -> 422 bytes_type "Input should be a valid bytes".
/// JSON Schema: {"format": "binary", "type": "string"}.
struct Bytes {
  Bytes() = default;
  explicit Bytes(std::string data) : value(std::move(data)) {}
  std::string value;
  bool operator==(const Bytes&) const = default;
};

template <>
struct Scalar<Bytes> {
  static constexpr std::string_view name = "bytes";
  static std::optional<Bytes> read(const ScalarInput& in, ConversionError& error) {
    if (!in.is_string()) return error = {"bytes_type", "Input should be a valid bytes", nullptr}, std::nullopt;
    return Bytes(std::string(in.text));
  }
  static void write(const Bytes& value, std::string& out) { out += value.value; }
  static Json schema() { return Json{{"format", "binary"}, {"type", "string"}}; }
};

}  // namespace fastapi
