// expect: its handler must be copyable
// misuse: An `fa::APIRouter` handler that cannot be copied
// fix: capture something copyable, a `std::shared_ptr` rather than a `std::unique_ptr`: `[owned = std::make_shared<int>(7)] { ... }`.
// tests/compile_fail/app_router_handler_not_copyable.cpp: must not compile; a router's route is copied into the
// app at each include_router.
#include <memory>

#include "fastapi/app/router.hpp"

namespace fa = fastapi;

int main() {
  fa::APIRouter router;
  auto owned = std::make_unique<int>(7);
  router.get("/", [owned = std::move(owned)] { return std::to_string(*owned); });
}
