// examples/tutorial/19_path_operation_configuration.cpp: what the docs say of a route: tags, summary, description,
// deprecated (docs/tutorial/19_path_operation_configuration.md). Open /docs to see them.
// Run: ./19_path_operation_configuration [--port 8000]; its test: tests/tutorial/test_19_path_operation_configuration.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace path_operation_configuration {

struct Item {
  std::string name;
  std::optional<std::string> description;
  double price;
};

void build(fa::App& app) {
  app.post("/items/", [](Item item) { return item; },
           {.status_code = 201,
            .tags = {"items"},
            .summary = "Create an item",
            .description = "Create an item with all the information: a name, an optional description, a price."});

  app.get("/items/", [] { return fa::Json::array({{{"name", "Foo"}, {"price", 42}}}); }, {.tags = {"items"}});
  app.get("/users/", [] { return fa::Json::array({{{"username", "johndoe"}}}); }, {.tags = {"users"}});
  app.get("/elements/",
          [] {
            return fa::Json::array({{{"item_id", "Foo"}}});
          },
          {.tags = {"items"}, .deprecated = true});
}

}  // namespace path_operation_configuration

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  path_operation_configuration::build(app);
  return app.run(argc, argv);
}
#endif
