// expect: needs a string parameter type
// misuse: A string default for a number parameter
// fix: give a default of the parameter's type, `fa::Query<"q", int, 10>`; `fa::Literal{"..."}` is for string parameters.
// tests/compile_fail/params_default_wrong_type.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", int, fa::Literal{"ten"}> q) { return std::to_string(*q); });
}
