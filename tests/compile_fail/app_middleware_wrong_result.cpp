// expect: a middleware returns fa::Task<fa::Response> or fa::Response
// misuse: A middleware that returns something other than a response
// fix: return `fa::Response`, or make the middleware a coroutine returning `fa::Task<fa::Response>` that passes the request on: `co_return co_await next(req);`.
// tests/compile_fail/app_middleware_wrong_result.cpp: must not compile; what a middleware returns is what the
// client receives.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.add_middleware([](fa::Request&, fa::Next) { return std::string("hi"); });
}
