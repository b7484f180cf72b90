// examples/tutorial/06_path_numeric_validations.cpp: number rules on path and query parameters
// (docs/tutorial/06_path_numeric_validations.md).
//   GET /items/42?q=x&size=2.5  -> {"item_id":42,"q":"x","size":2.5}
//   GET /items/1001?q=x&size=1  -> 422 less_than_equal
// Run: ./06_path_numeric_validations [--port 8000]; its test: tests/tutorial/test_06_path_numeric_validations.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace path_numeric_validations {

// item_id: Annotated[int, Path(title="The ID of the item to get", ge=0, le=1000)]
using ItemId = fa::Path<"item_id", int, fa::Rule{.title = "The ID of the item to get", .ge = 0, .le = 1000}>;
// size: Annotated[float, Query(gt=0, lt=10.5)]
using Size = fa::Query<"size", double, fa::Rule{.gt = 0, .lt = 10.5}>;

void build(fa::App& app) {
  app.get("/items/{item_id}", [](ItemId item_id, fa::Query<"q", std::string> q, Size size) {
    return fa::Json{{"item_id", *item_id}, {"q", *q}, {"size", *size}};
  });
}

}  // namespace path_numeric_validations

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  path_numeric_validations::build(app);
  return app.run(argc, argv);
}
#endif
