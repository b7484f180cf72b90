// expect: the handler's parameter types must be spelled out
// misuse: A generic lambda as a handler
// fix: spell out each parameter's type, which says where its value comes from: `app.get("/items", [](fa::Query<"q", std::string> q) { return *q; });` (a lambda's `auto` parameter has no type to read until it is called).
// tests/compile_fail/app_handler_generic_lambda.cpp: must not compile; `auto q` says neither where q comes from
// nor what it is, and the message must be the library's, not an error inside core/meta.hpp.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/items", [](auto q) { return q; });
}
