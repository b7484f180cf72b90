// examples/bigger_app/internal/admin.hpp: a router shared with other projects, so it declares no prefix or
// dependency of its own: main.cpp adds them when it includes it (FastAPI's app/internal/admin.py).
#pragma once

#include "fastapi.hpp"

namespace bigger_app {

namespace fa = fastapi;

inline fa::APIRouter admin_router() {
  fa::APIRouter router;
  router.post("/", [] { return fa::Json{{"message", "Admin getting schwifty"}}; });
  return router;
}

}  // namespace bigger_app
