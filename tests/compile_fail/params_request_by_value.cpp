// expect: take the request and the response by reference
// misuse: `fa::Request` taken by value
// fix: take it by reference: `[](fa::Request& req) { ... }`.
// tests/compile_fail/params_request_by_value.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Request req) { return std::string(req.path); });
}
