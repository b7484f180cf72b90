// expect: a lifespan is a coroutine returning fa::Yield<void>
// tests/compile_fail/app_lifespan_not_yield.cpp: must not compile; a plain function has no "after shutdown" part.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.lifespan([](fa::App&) {});
}
