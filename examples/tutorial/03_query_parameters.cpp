// examples/tutorial/03_query_parameters.cpp: query parameters (docs/tutorial/03_query_parameters.md).
//   GET /items/?skip=1&limit=1          -> [{"item_name":"Bar"}]        (defaults: skip 0, limit 10)
//   GET /users/1/items/foo?q=x&short=on -> {"item_id":"foo","owner_id":1,"q":"x"}
//   GET /items/foo?needy=sooooneedy     -> {"item_id":"foo","needy":"sooooneedy"}   (no needy: 422 missing)
// Run: ./03_query_parameters [--port 8000]; its test: tests/tutorial/test_03_query_parameters.cpp
#include <algorithm>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace query_parameters {

void build(fa::App& app) {
  app.get("/items/", [](fa::Query<"skip", int, 0> skip, fa::Query<"limit", int, 10> limit) {
    const char* names[] = {"Foo", "Bar", "Baz"};
    fa::Json items = fa::Json::array();
    for (int i = std::max(*skip, 0); i < std::min(*skip + *limit, 3); ++i) items.push_back({{"item_name", names[i]}});
    return items;
  });

  app.get("/users/{user_id}/items/{item_id}",
          [](fa::Path<"user_id", int> user_id, fa::Path<"item_id", std::string> item_id,
             fa::Query<"q", std::optional<std::string>> q, fa::Query<"short", bool, false> short_) {
            fa::Json item{{"item_id", *item_id}, {"owner_id", *user_id}};
            if (q) item["q"] = q->value();
            if (!short_) item["description"] = "This is an amazing item that has a long description";
            return item;
          });

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id, fa::Query<"needy", std::string> needy) {
    return fa::Json{{"item_id", *item_id}, {"needy", *needy}};
  });
}

}  // namespace query_parameters

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  query_parameters::build(app);
  return app.run(argc, argv);
}
#endif
