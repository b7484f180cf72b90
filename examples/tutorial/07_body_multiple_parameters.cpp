// examples/tutorial/07_body_multiple_parameters.cpp: several bodies in one request, a single value in the body, and
// an embedded body (docs/tutorial/07_body_multiple_parameters.md).
//   PUT /items/5 {"item":{...},"user":{...},"importance":5} -> {"item_id":5,"item":{...},"user":{...},"importance":5}
//   PUT /embedded/items/5 {"item":{...}}                    -> {"item_id":5,"item":{...}}
// Run: ./07_body_multiple_parameters [--port 8000]; its test: tests/tutorial/test_07_body_multiple_parameters.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace body_multiple_parameters {

struct Item {
  std::string name;
  std::optional<std::string> description;
  double price;
  std::optional<double> tax;
};

struct User {
  std::string username;
  std::optional<std::string> full_name;
};

void build(fa::App& app) {
  app.put("/items/{item_id}", [](fa::Path<"item_id", int> item_id, fa::Embed<"item", Item> item,
                                 fa::Embed<"user", User> user, fa::Embed<"importance", int> importance) {
    return fa::Json{
        {"item_id", *item_id}, {"item", fa::to_json(*item)}, {"user", fa::to_json(*user)}, {"importance", *importance}};
  });

  app.put("/embedded/items/{item_id}", [](fa::Path<"item_id", int> item_id, fa::Embed<"item", Item> item) {
    return fa::Json{{"item_id", *item_id}, {"item", fa::to_json(*item)}};
  });
}

}  // namespace body_multiple_parameters

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  body_multiple_parameters::build(app);
  return app.run(argc, argv);
}
#endif
