// examples/tutorial/22_dependencies.cpp: a dependency, a function whose result handlers ask for: its parameters
// are bound like a handler's and it runs before the handler (docs/tutorial/22_dependencies.md).
//   GET /items/?q=foo&skip=5 -> {"q":"foo","skip":5,"limit":100}
//   GET /users/              -> {"q":null,"skip":0,"limit":100}
// Run: ./22_dependencies [--port 8000]; its test: tests/tutorial/test_22_dependencies.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace dependencies {

fa::Json common_parameters(fa::Query<"q", std::optional<std::string>> q, fa::Query<"skip", int, 0> skip,
                           fa::Query<"limit", int, 100> limit) {
  return {{"q", q.value ? fa::Json(*q.value) : fa::Json(nullptr)}, {"skip", *skip}, {"limit", *limit}};
}

using CommonsDep = fa::Depends<common_parameters>;

void build(fa::App& app) {
  app.get("/items/", [](fa::Depends<common_parameters> commons) { return *commons; });

  app.get("/users/", [](CommonsDep commons) { return *commons; });
}

}  // namespace dependencies

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  dependencies::build(app);
  return app.run(argc, argv);
}
#endif
