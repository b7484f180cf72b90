// expect: this handler parameter cannot be bound
// misuse: A dependency with a parameter that cannot be bound
// fix: give each parameter of a dependency a source, as for a handler (`fa::Query<"where", std::optional<int>>`, `fa::Depends<other>`, `fa::Request&`, ...); `HandlerParameter<position, type>` in the message names the parameter.
// tests/compile_fail/di_dependency_unbindable_parameter.cpp: must not compile; a dependency's parameters are
// checked like a handler's (its position and type in HandlerParameter<position, type>).
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
std::string current_user(fa::Header<"authorization", std::string> auth, int* where) {
  return *auth + (where ? "" : "?");
}

int main() {
  fa::App app;
  app.get("/me", [](fa::Depends<current_user> user) { return *user; });
}
