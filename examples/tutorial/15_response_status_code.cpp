// examples/tutorial/15_response_status_code.cpp: choosing a route's status code (docs/tutorial/15_response_status_code.md).
//   POST /items/?name=Foo -> 201 {"name":"Foo"}
//   DELETE /items/foo     -> 204, no body
// Run: ./15_response_status_code [--port 8000]; its test: tests/tutorial/test_15_response_status_code.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace response_status_code {

void build(fa::App& app) {
  app.post("/items/",
           [](fa::Query<"name", std::string> name) {
             return fa::Json{{"name", *name}};
           },
           {.status_code = 201});  // 201 Created

  // Starlette's names for the codes, as `from fastapi import status`:
  app.delete_("/items/{item_id}", [](fa::Path<"item_id", std::string>) {},
              {.status_code = fa::status::HTTP_204_NO_CONTENT});
}

}  // namespace response_status_code

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  response_status_code::build(app);
  return app.run(argc, argv);
}
#endif
