// examples/tutorial/33_bigger_applications.cpp: an app in several files, with routers (docs/tutorial/33_bigger_applications.md).
// The routers are examples/bigger_app's headers; this file is that app's main.cpp in the tutorial's shape.
// Run: ./33_bigger_applications [--port 8000]; its test: tests/tutorial/test_33_bigger_applications.cpp
#include "fastapi.hpp"

#include "../bigger_app/dependencies.hpp"
#include "../bigger_app/internal/admin.hpp"
#include "../bigger_app/routers/items.hpp"
#include "../bigger_app/routers/users.hpp"

namespace fa = fastapi;

namespace bigger_applications {

void build(fa::App& app) {
  app.dependencies({fa::dependency<bigger_app::get_query_token>()});  // every route: ?token=jessica
  app.include_router(bigger_app::users_router());
  app.include_router(bigger_app::items_router());
  app.include_router(bigger_app::admin_router(), {.prefix = "/admin",
                                                  .tags = {"admin"},
                                                  .dependencies = {fa::dependency<bigger_app::get_token_header>()},
                                                  .responses = {{418, {.description = "I'm a teapot"}}}});
  app.get("/", [] { return fa::Json{{"message", "Hello Bigger Applications!"}}; });
}

}  // namespace bigger_applications

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  bigger_applications::build(app);
  return app.run(argc, argv);
}
#endif
