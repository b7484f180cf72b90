// expect: a middleware is called as m(fa::Request& req, fa::Next next)
// misuse: A middleware without `fa::Next`
// fix: take the request and the rest of the chain: `[](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> { co_return co_await next(req); }`.
// tests/compile_fail/app_middleware_wrong_signature.cpp: must not compile; a middleware without fa::Next could
// never call the rest of the chain.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.add_middleware([](fa::Request&) { return fa::Response{}; });
}
