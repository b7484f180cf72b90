// examples/bigger_app/dependencies.hpp: the dependencies the routers share (FastAPI's app/dependencies.py).
#pragma once

#include <string>

#include "fastapi.hpp"

namespace bigger_app {

namespace fa = fastapi;

/// Every /items route needs `X-Token: fake-super-secret-token`.
inline void get_token_header(fa::Header<"x-token", std::string> x_token) {
  if (*x_token != "fake-super-secret-token") throw fa::HTTPException(400, "X-Token header invalid");
}

/// Every route of the app needs `?token=jessica`.
inline void get_query_token(fa::Query<"token", std::string> token) {
  if (*token != "jessica") throw fa::HTTPException(400, "No Jessica token provided");
}

}  // namespace bigger_app
