// examples/tutorial/24_sub_dependencies.cpp: a dependency that depends on another, run once per request however
// many ask for it (docs/tutorial/24_sub_dependencies.md).
//   GET /items/?q=a                      -> {"q_or_cookie":"a"}
//   GET /items/   (Cookie: last_query=b) -> {"q_or_cookie":"b"}
// Run: ./24_sub_dependencies [--port 8000]; its test: tests/tutorial/test_24_sub_dependencies.cpp
#include <atomic>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace sub_dependencies {

std::atomic<int> query_extractor_calls{0};  // for the page's test: how often the first dependency ran

std::optional<std::string> query_extractor(fa::Query<"q", std::optional<std::string>> q) {
  ++query_extractor_calls;
  return q.value;
}

std::optional<std::string> query_or_cookie_extractor(fa::Depends<query_extractor> q,
                                                     fa::Cookie<"last_query", std::optional<std::string>> last_query) {
  if (!*q || (*q)->empty()) return last_query.value;
  return *q;
}

void build(fa::App& app) {
  app.get("/items/", [](fa::Depends<query_or_cookie_extractor> query_or_default) {
    return fa::Json{{"q_or_cookie", *query_or_default ? fa::Json(**query_or_default) : fa::Json(nullptr)}};
  });

  // Both parameters ask for query_extractor: it runs once, and both see its one result.
  app.get("/both/", [](fa::Depends<query_extractor> q, fa::Depends<query_or_cookie_extractor> q_or_cookie) {
    return fa::Json{{"same", *q == *q_or_cookie}};
  });

  // fa::no_cache: this parameter gets a call of its own.
  app.get("/fresh/", [](fa::Depends<query_extractor> q, fa::Depends<query_extractor, fa::no_cache> fresh) {
    return fa::Json{{"same", *q == *fresh}};
  });
}

}  // namespace sub_dependencies

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  sub_dependencies::build(app);
  return app.run(argc, argv);
}
#endif
