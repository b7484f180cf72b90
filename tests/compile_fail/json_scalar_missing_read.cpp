// expect: this fa::Scalar<T> specialization needs `static std::optional<T> read(const fa::ScalarInput&, fa::ConversionError&)`
// misuse: A `fa::Scalar<T>` specialization without `read`
// fix: add `static std::optional<Money> read(const fa::ScalarInput& in, fa::ConversionError& error)`, which returns the value or `std::nullopt` with the error set.
// tests/compile_fail/json_scalar_missing_read.cpp: must not compile; a fa::Scalar specialization without its read function is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Money {
  long long cents = 0;
};

template <>
struct fastapi::Scalar<Money> {
  static void write(const Money& m, std::string& out) { out += std::to_string(m.cents); }
  static fastapi::Json schema() { return fastapi::Json{{"type", "string"}}; }
};

struct Price {
  Money amount;
};

int main() { (void)fastapi::read_json<Price>(std::string_view("{}")); }
