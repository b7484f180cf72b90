// examples/bigger_app/routers/users.hpp: the /users routes (FastAPI's app/routers/users.py).
#pragma once

#include <string>

#include "fastapi.hpp"

namespace bigger_app {

namespace fa = fastapi;

struct User {
  std::string username;
};

inline fa::APIRouter users_router() {
  fa::APIRouter router{{.tags = {"users"}}};
  router.get("/users/", [] { return std::vector<User>{{"Rick"}, {"Morty"}}; });
  router.get("/users/me", [] { return User{"fakecurrentuser"}; });
  router.get("/users/{username}", [](fa::Path<"username", std::string> username) { return User{*username}; });
  return router;
}

}  // namespace bigger_app
