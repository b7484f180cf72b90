// expect: needs a string parameter type
// tests/compile_fail/params_default_wrong_type.cpp: must not compile; the static_assert above is the sentence the user reads.
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
  app.get("/", [](fa::Query<"q", int, fa::Literal{"ten"}> q) { return std::to_string(*q); });
}
