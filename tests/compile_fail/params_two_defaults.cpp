// expect: at most one default value
// misuse: Two default values
// fix: give one: `fa::Query<"q", int, 1>`.
// tests/compile_fail/params_two_defaults.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", int, 1, 2> q) { return std::to_string(*q); });
}
