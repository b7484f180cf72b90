// expect: this handler parameter is a plain value
// expect-context: HandlerParameter<2, double>
// misuse: A plain `double` parameter, and where the message says which
// fix: say where it comes from and its name: `fa::Query<"d", double> d`. `HandlerParameter<2, double>` in the message is the handler's second parameter, of type `double`.
// tests/compile_fail/params_unbindable_parameter_position.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", int>, double d) { return std::to_string(d); });
}
