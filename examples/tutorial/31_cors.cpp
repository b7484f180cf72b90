// examples/tutorial/31_cors.cpp: letting pages from other origins call the API from a browser
// (docs/tutorial/31_cors.md).
//   GET / with "Origin: http://localhost:8080" -> {"message":"Hello World"}, Access-Control-Allow-Origin echoed
//   OPTIONS / preflight from a listed origin   -> 200 OK with the Access-Control-Allow-* headers
// Run: ./31_cors [--port 8000]; its test: tests/tutorial/test_31_cors.cpp
#include "fastapi.hpp"

namespace fa = fastapi;

namespace cors {

void build(fa::App& app) {
  app.add_middleware<fa::CORSMiddleware>({
      .allow_origins = {"http://localhost.tiangolo.com", "https://localhost.tiangolo.com", "http://localhost",
                        "http://localhost:8080"},
      .allow_credentials = true,
      .allow_methods = {"*"},
      .allow_headers = {"*"},
  });

  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });
}

}  // namespace cors

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  cors::build(app);
  return app.run(argc, argv);
}
#endif
