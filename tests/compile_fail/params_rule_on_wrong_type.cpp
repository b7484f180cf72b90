// expect: apply only to numbers
// misuse: A number bound on a string query parameter
// fix: make the parameter a number, `fa::Query<"q", int, fa::Rule{.ge = 1}>`, or bound its length: `fa::Rule{.min_length = 1}`.
// tests/compile_fail/params_rule_on_wrong_type.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", std::string, fa::Rule{.ge = 1}> q) { return *q; });
}
