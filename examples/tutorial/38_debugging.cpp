// examples/tutorial/38_debugging.cpp: a program to step through in a debugger, and the logs that help first
// (docs/tutorial/38_debugging.md).
// Run: ./38_debugging [--port 8000] [--log-level debug]; its test: tests/tutorial/test_38_debugging.cpp
#include <optional>
#include <stdexcept>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace debugging {

// A named function, so a debugger can stop in it by name: `break debugging::root`.
fa::Json root() {
  std::string a = "a";
  std::string b = "b" + a;
  return fa::Json{{"hello world", b}};
}

fa::Json read_item(fa::Path<"item_id", int> item_id, fa::Query<"q", std::optional<std::string>> q) {
  return fa::Json{{"item_id", *item_id}, {"q", *q}};
}

void build(fa::App& app) {
  app.get("/", root);
  app.get("/items/{item_id}", read_item);
  app.get("/divide", [](fa::Query<"by", int> by) {
    if (*by == 0) throw std::domain_error("division by zero");
    return fa::Json{{"result", 100 / *by}};
  });
}

}  // namespace debugging

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  debugging::build(app);
  return app.run(argc, argv);
}
#endif
