// expect: a middleware returns fa::Task<fa::Response> or fa::Response
// tests/compile_fail/app_middleware_wrong_result.cpp: must not compile; what a middleware returns is what the
// client receives.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.add_middleware([](fa::Request&, fa::Next) { return std::string("hi"); });
}
