// expect: this fa::Scalar<T> specialization needs `static fa::Json schema()`
// misuse: A `fa::Scalar<T>` specialization without `schema`
// fix: add `static fa::Json schema()`, the value's JSON Schema: `return fa::Json{{"type", "string"}};`.
// tests/compile_fail/json_scalar_missing_schema.cpp: must not compile; a fa::Scalar specialization without its JSON Schema is refused in words.
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Money {
  long long cents = 0;
};

template <>
struct fastapi::Scalar<Money> {
  static std::optional<Money> read(const fastapi::ScalarInput&, fastapi::ConversionError&) { return Money{}; }
  static void write(const Money& m, std::string& out) { out += std::to_string(m.cents); }
};

struct Price {
  Money amount;
};

int main() { (void)fastapi::read_json<Price>(std::string_view("{}")); }
