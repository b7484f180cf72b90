// expect: a path parameter is always present and single
// tests/compile_fail/params_optional_path.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
struct Item {
  std::string name;
};
struct User {
  std::string username;
};

int main() {
  fa::App app;
  app.get("/{id}", [](fa::Path<"id", std::optional<int>> id) { return std::to_string(id.value.value_or(0)); });
}
