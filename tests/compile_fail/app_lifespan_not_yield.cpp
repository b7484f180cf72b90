// expect: a lifespan is a coroutine returning fa::Yield<void>
// misuse: A lifespan that is a plain function
// fix: make it a coroutine returning `fa::Yield<void>`, the startup before `co_yield {};` and the shutdown after: `app.lifespan([](fa::App& app) -> fa::Yield<void> { /* startup */ co_yield {}; /* shutdown */ });`.
// tests/compile_fail/app_lifespan_not_yield.cpp: must not compile; a plain function has no "after shutdown" part.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.lifespan([](fa::App&) {});
}
