// examples/tutorial/09_body_nested_models.cpp: models inside models, lists, sets and maps
// (docs/tutorial/09_body_nested_models.md).
//   PUT /items/5 {"name":"Foo","price":42,"tags":["b","a","b"],"images":[{"url":"https://x/a.jpg","name":"a"}]}
//   POST /images/multiple/ [{"url":...,"name":...},...]  -> the same list
//   POST /index-weights/ {"1":0.5,"2":1.5}               -> the same object
// Run: ./09_body_nested_models [--port 8000]; its test: tests/tutorial/test_09_body_nested_models.cpp
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace body_nested_models {

struct Image {
  fa::HttpUrl url;  // url: HttpUrl
  std::string name;
};

struct Item {
  std::string name;
  std::optional<std::string> description;
  double price;
  std::optional<double> tax;
  fa::Default<std::set<std::string>> tags;  // tags: set[str] = set()
  std::optional<std::vector<Image>> images;
};

void build(fa::App& app) {
  app.put("/items/{item_id}", [](fa::Path<"item_id", int> item_id, Item item) {
    return fa::Json{{"item_id", *item_id}, {"item", fa::to_json(item)}};
  });

  // A list or a map is not a struct: fa::Body<T> says it is the whole body.
  app.post("/images/multiple/", [](fa::Body<std::vector<Image>> images) { return fa::to_json(*images); });

  app.post("/index-weights/", [](fa::Body<std::map<int, double>> weights) { return *weights; });
}

}  // namespace body_nested_models

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  body_nested_models::build(app);
  return app.run(argc, argv);
}
#endif
