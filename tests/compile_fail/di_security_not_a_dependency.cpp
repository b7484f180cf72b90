// expect: the first argument of fa::Depends<fn> / fa::Security<fn, ...> is a dependency
// tests/compile_fail/di_security_not_a_dependency.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;
inline constexpr int max_items = 10;  // a value, not a function: nothing to call

int main() {
  fa::App app;
  app.get("/items", [](fa::Security<max_items, "items"> limit) { return fa::Json{*limit}; });
}
