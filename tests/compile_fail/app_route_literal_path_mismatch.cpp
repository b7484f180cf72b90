// expect: fastapi: the route has a {name} for which the handler has no fa::Path<
// misuse: A route literal whose `{name}` has no `fa::Path` parameter
// fix: use the same name in the route and in the parameter: `app.get<"/items/{item_id}">([](fa::Path<"item_id", int> item_id) { ... })`.
// tests/compile_fail/app_route_literal_path_mismatch.cpp: must not compile; the static_assert above is the sentence the user reads.
// A route given as a template argument is checked against the handler's fa::Path names at compile time.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get<"/items/{id}">([](fa::Path<"item_id", int> item_id) { return std::to_string(*item_id); });
}
