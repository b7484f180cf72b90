// expect: the first argument of fa::Depends<fn> / fa::Security<fn, ...> is a dependency
// misuse: `fa::Security` (or `fa::Depends`) of a value, not a function
// fix: pass a function, or a captureless lambda with spelled-out parameter types stored in a `constexpr` variable: `int max_items() { return 10; }`, then `fa::Security<max_items, "items">`.
// tests/compile_fail/di_security_not_a_dependency.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;
inline constexpr int max_items = 10;  // a value, not a function: nothing to call

int main() {
  fa::App app;
  app.get("/items", [](fa::Security<max_items, "items"> limit) { return fa::Json{*limit}; });
}
