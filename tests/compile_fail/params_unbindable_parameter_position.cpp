// expect: this handler parameter is a plain value
// expect-context: HandlerParameter<2, double>
// tests/compile_fail/params_unbindable_parameter_position.cpp: must not compile; the static_assert above is the sentence the user reads.
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
  app.get("/", [](fa::Query<"q", int>, double d) { return std::to_string(d); });
}
