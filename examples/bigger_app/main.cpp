// examples/bigger_app/main.cpp: an app grown past one file, as FastAPI's "Bigger Applications" tutorial:
//   dependencies.hpp        shared dependencies
//   routers/items.hpp       /items, with the router's prefix, tags, dependency and responses
//   routers/users.hpp       /users
//   internal/admin.hpp      /admin, prefix and dependencies given at inclusion
//   main.cpp                the app: includes the routers, the only translation unit (fastapi.hpp is
//                           compiled once; each router header holds inline functions returning a router)
// Run: ./bigger_app --port 8000    then: curl 'localhost:8000/items/plumbus?token=jessica' -H 'X-Token: fake-super-secret-token'
#include "fastapi.hpp"

#include "dependencies.hpp"
#include "internal/admin.hpp"
#include "routers/items.hpp"
#include "routers/users.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app;
  app.dependencies({fa::dependency<bigger_app::get_query_token>()});
  app.include_router(bigger_app::users_router());
  app.include_router(bigger_app::items_router());
  app.include_router(bigger_app::admin_router(), {.prefix = "/admin",
                                                  .tags = {"admin"},
                                                  .dependencies = {fa::dependency<bigger_app::get_token_header>()},
                                                  .responses = {{418, {.description = "I'm a teapot"}}}});
  app.get("/", [] { return fa::Json{{"message", "Hello Bigger Applications!"}}; });
  return app.run(argc, argv);
}
