// examples/tutorial/08_body_fields.cpp: rules and documentation on a model's members (docs/tutorial/08_body_fields.md).
//   PUT /items/5 {"item":{"name":"Foo","price":3.5}} -> {"item_id":5,"item":{...}}
//   PUT /items/5 {"item":{"name":"Foo","price":0}}   -> 422 greater_than at ["body","item","price"]
// Run: ./08_body_fields [--port 8000]; its test: tests/tutorial/test_08_body_fields.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace body_fields {

struct Item {
  std::string name;
  fa::Field<std::optional<std::string>, fa::Rule{.title = "The description of the item", .max_length = 300}>
      description;
  fa::Field<double, fa::Rule{.description = "The price must be greater than zero", .gt = 0}> price;
  std::optional<double> tax;
};

void build(fa::App& app) {
  app.put("/items/{item_id}", [](fa::Path<"item_id", int> item_id, fa::Embed<"item", Item> item) {
    return fa::Json{{"item_id", *item_id}, {"item", fa::to_json(*item)}};
  });
}

}  // namespace body_fields

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  body_fields::build(app);
  return app.run(argc, argv);
}
#endif
