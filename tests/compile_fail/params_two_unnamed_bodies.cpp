// expect: with two or more bodies, each is embedded under its name
// misuse: Two bodies without names
// fix: embed each under its name: `fa::Embed<"item", Item> item, fa::Embed<"user", User> user` (the body is then `{"item": ..., "user": ...}`).
// tests/compile_fail/params_two_unnamed_bodies.cpp: must not compile; the static_assert above is the sentence the user reads.
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
  app.post("/", [](Item item, User user) { return item.name + user.username; });
}
