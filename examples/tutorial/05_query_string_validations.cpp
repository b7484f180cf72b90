// examples/tutorial/05_query_string_validations.cpp: rules on query parameters: lengths, a pattern, lists, an alias
// (docs/tutorial/05_query_string_validations.md).
//   GET /items/?q=fixedquery         -> {"items":[{"item_id":"Foo"},{"item_id":"Bar"}],"q":"fixedquery"}
//   GET /items/?q=fo                 -> 422 string_too_short
//   GET /items/tagged/?tag=a&tag=b   -> {"tags":["a","b"]}
//   GET /items/search/?item-query=x  -> {"item_query":"x"}
// Run: ./05_query_string_validations [--port 8000]; its test: tests/tutorial/test_05_query_string_validations.cpp
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace query_string_validations {

// Long parameter types read better named: each alias is one FastAPI parameter declaration.
// q: str | None = Query(default=None, min_length=3, max_length=50, pattern="^fixedquery$")
using ItemQuery =
    fa::Query<"q", std::optional<std::string>, fa::Rule{.min_length = 3, .max_length = 50, .pattern = "^fixedquery$"}>;
// tags: list[str] = Query(default=[], alias="tag")
using Tags = fa::Query<"tag", std::vector<std::string>, fa::empty_list>;
// item_query: str | None = Query(default=None, alias="item-query", title=..., description=...)
using SearchQuery = fa::Query<"item_query", std::optional<std::string>,
                              fa::Rule{.alias = "item-query",
                                       .title = "Query string",
                                       .description = "Query string for the items to search in the database"}>;

void build(fa::App& app) {
  app.get("/items/", [](ItemQuery q) {
    fa::Json results{{"items", fa::Json::array({{{"item_id", "Foo"}}, {{"item_id", "Bar"}}})}};
    if (q) results["q"] = q->value();
    return results;
  });

  app.get("/items/tagged/", [](Tags tags) {
    fa::Json list = fa::Json::array();
    for (const std::string& tag : tags) list.push_back(tag);
    return fa::Json{{"tags", list}};
  });

  app.get("/items/search/", [](SearchQuery item_query) { return fa::Json{{"item_query", *item_query}}; });
}

}  // namespace query_string_validations

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  query_string_validations::build(app);
  return app.run(argc, argv);
}
#endif
