// expect: and C++ cannot see a parameter's name, so say where it comes from and its name: use fa::Path<
// misuse: A plain `int` handler parameter
// fix: say where it comes from and its name: `fa::Path<"item_id", int> item_id` (its value is `*item_id`).
// tests/compile_fail/params_plain_int_parameter.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/items/{item_id}", [](int item_id) { return std::to_string(item_id); });
}
