// expect: an exception handler is called as handler(fa::Request& req, const E& error)
// misuse: An exception handler that does not take the request
// fix: take the request and the exception: `[](fa::Request& req, const std::runtime_error& e) { return fa::Response{...}; }`.
// tests/compile_fail/app_exception_handler_wrong_signature.cpp: must not compile; the handler takes the
// request and the exception.
#include <stdexcept>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.exception_handler<std::runtime_error>([](const std::runtime_error&) { return fa::Response{}; });
}
