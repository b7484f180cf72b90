// expect: this handler parameter cannot be bound
// misuse: A handler parameter that cannot be bound (a pointer)
// fix: use one of the kinds the message lists; for something the app owns, a dependency: `fa::Depends<get_thing>`.
// tests/compile_fail/params_unbindable_parameter.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", int>, int* p) { return std::to_string(*p); });
}
