// expect: a handler must return fa::Response, std::string (text/plain), fa::Json
// misuse: A handler that returns a pointer
// fix: return a value the app can send: `fa::Json`, `std::string` (text/plain), a plain struct (JSON), `fa::Response`, nothing, or a `fa::Task<...>` of one: `[] { return fa::Json{{"count", count}}; }`.
// tests/compile_fail/app_handler_return_type.cpp: must not compile; a pointer has no response form.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int count = 0;

int main() {
  fa::App app;
  app.get("/count", [] { return &count; });
}
