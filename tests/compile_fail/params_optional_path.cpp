// expect: a path parameter is always present and single
// misuse: An optional path parameter
// fix: a path parameter is always there: `fa::Path<"id", int>`; for a value that may be absent use a query parameter, `fa::Query<"id", std::optional<int>>`, or a second route without `{id}`.
// tests/compile_fail/params_optional_path.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/{id}", [](fa::Path<"id", std::optional<int>> id) { return std::to_string(id.value.value_or(0)); });
}
