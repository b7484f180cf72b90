// expect: a char parameter is ambiguous
// misuse: A `char` parameter
// fix: use `std::string` for a text, `int` for a number: `fa::Query<"c", std::string>`.
// tests/compile_fail/params_char_parameter.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"c", char> c) { return std::string(1, *c); });
}
