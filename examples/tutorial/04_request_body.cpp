// examples/tutorial/04_request_body.cpp: a request body, read into a plain struct (docs/tutorial/04_request_body.md).
//   POST /items/ {"name":"Foo","price":50.5,"tax":0.5} -> the item, with "price_with_tax":51.0
//   PUT /items/5?q=x {"name":"Foo","price":50.5}      -> {"item_id":5,"name":"Foo",...,"q":"x"}
// Run: ./04_request_body [--port 8000]; its test: tests/tutorial/test_04_request_body.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace request_body {

struct Item {
  std::string name;
  std::optional<std::string> description;
  double price;
  std::optional<double> tax;
};

void build(fa::App& app) {
  app.post("/items/", [](Item item) {  // a struct parameter is the JSON body
    fa::Json result = fa::to_json(item);
    if (item.tax) result["price_with_tax"] = item.price + *item.tax;
    return result;
  });

  app.put("/items/{item_id}",
          [](fa::Path<"item_id", int> item_id, Item item, fa::Query<"q", std::optional<std::string>> q) {
            fa::Json result{{"item_id", *item_id}};
            fa::Json fields = fa::to_json(item);
            for (auto& [key, value] : fields.items()) result[key] = value;
            if (q) result["q"] = q->value();
            return result;
          });
}

}  // namespace request_body

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  request_body::build(app);
  return app.run(argc, argv);
}
#endif
