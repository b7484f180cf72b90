// expect: a char parameter is ambiguous
// tests/compile_fail/params_char_parameter.cpp: must not compile; the static_assert above is the sentence the user reads.
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
  app.get("/", [](fa::Query<"c", char> c) { return std::string(1, *c); });
}
