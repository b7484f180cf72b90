// expect: this fa::Scalar<T> specialization needs `static void write(const T&, std::string& out)`
// misuse: A `fa::Scalar<T>` specialization without `write`
// fix: add `static void write(const Money& value, std::string& out)`, which appends the value's JSON to `out`.
// tests/compile_fail/json_scalar_missing_write.cpp: must not compile; a fa::Scalar specialization without its write function is refused in words.
#include <optional>
#include <string>

#include "fastapi/json/write.hpp"

struct Money {
  long long cents = 0;
};

template <>
struct fastapi::Scalar<Money> {
  static std::optional<Money> read(const fastapi::ScalarInput&, fastapi::ConversionError&) { return Money{}; }
  static fastapi::Json schema() { return fastapi::Json{{"type", "string"}}; }
};

struct Price {
  Money amount;
};

int main() { (void)fastapi::to_json_string(Price{}); }
