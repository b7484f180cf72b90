// examples/01_hello.cpp: the smallest app, FastAPI's first tutorial step.
//   GET /  ->  {"message":"Hello World"}
// Run: ./01_hello [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
#include "fastapi.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app;
  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });
  return app.run(argc, argv);
}
