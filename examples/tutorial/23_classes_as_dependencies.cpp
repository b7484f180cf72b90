// examples/tutorial/23_classes_as_dependencies.cpp: a struct whose members are parameters, built by
// fa::from_fields<S> as a dependency, so the handler gets typed members instead of a JSON object
// (docs/tutorial/23_classes_as_dependencies.md).
//   GET /items/?skip=1&limit=1 -> {"items":[{"item_name":"Bar"}]}
//   GET /users/?skip=2         -> {"skip":2,"limit":100}   (a function returning a struct of plain values)
//   GET /items/?q=x            -> {"q":"x","items":[{"item_name":"Foo"},{"item_name":"Bar"},{"item_name":"Baz"}]}
// Run: ./23_classes_as_dependencies [--port 8000]; its test: tests/tutorial/test_23_classes_as_dependencies.cpp
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace classes_as_dependencies {

const fa::Json fake_items_db =
    fa::Json::array({{{"item_name", "Foo"}}, {{"item_name", "Bar"}}, {{"item_name", "Baz"}}});

struct CommonQueryParams {
  fa::Query<"q", std::optional<std::string>> q;
  fa::Query<"skip", int, fa::Rule{.ge = 0}, 0> skip;
  fa::Query<"limit", int, fa::Rule{.ge = 0}, 100> limit;
};

struct Paging {
  std::optional<std::string> q;
  int skip;
  int limit;
};

Paging paging(fa::Query<"q", std::optional<std::string>> q, fa::Query<"skip", int, 0> skip,
              fa::Query<"limit", int, 100> limit) {
  return {q.value, *skip, *limit};
}

void build(fa::App& app) {
  app.get("/items/", [](fa::Depends<fa::from_fields<CommonQueryParams>> commons) {
    fa::Json response = fa::Json::object();
    if (commons->q.value) response["q"] = *commons->q.value;
    fa::Json items = fa::Json::array();
    std::size_t end = std::min(fake_items_db.size(), static_cast<std::size_t>(*commons->skip + *commons->limit));
    for (std::size_t i = static_cast<std::size_t>(*commons->skip); i < end; ++i) items.push_back(fake_items_db[i]);
    response["items"] = items;
    return response;
  });

  app.get("/users/", [](fa::Depends<paging> page) { return fa::Json{{"skip", page->skip}, {"limit", page->limit}}; });
}

}  // namespace classes_as_dependencies

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  classes_as_dependencies::build(app);
  return app.run(argc, argv);
}
#endif
