// examples/tutorial/01_first_steps.cpp: the tutorial's first page (docs/tutorial/01_first_steps.md).
//   GET /  ->  {"message":"Hello World"}
// Run: ./01_first_steps [--port 8000]   (--port 0 picks a free port); its test: tests/tutorial/test_01_first_steps.cpp
#include "fastapi.hpp"

namespace fa = fastapi;

namespace first_steps {

// The routes live in a function, so the page's test can build the same app and drive it.
void build(fa::App& app) {
  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });
}

}  // namespace first_steps

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  first_steps::build(app);
  return app.run(argc, argv);
}
#endif
