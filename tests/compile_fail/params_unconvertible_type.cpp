// expect: a Path/Query/Header/Cookie/Form value must be
// tests/compile_fail/params_unconvertible_type.cpp: must not compile; the static_assert above is the sentence the user reads.
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
  app.get("/", [](fa::Query<"q", Item> q) { return q->name; });
}
