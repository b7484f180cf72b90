// expect: a body's Rule takes title, description, examples, openapi_examples and deprecated
// misuse: A check (`max_length`) in a body's `fa::Rule`
// fix: put the check on the model's member, `fa::Field<std::string, fa::Rule{.max_length = 50}> name;`; a body's Rule only documents it: `fa::Body<Item, fa::Rule{.description = "The item to create"}>`.
// tests/compile_fail/params_body_rule_check.cpp: must not compile; a check on the whole body has no member to apply to.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

struct Item {
  std::string name;
};

int main() {
  fa::App app;
  app.post("/items", [](fa::Body<Item, fa::Rule{.max_length = 50}> item) { return item->name; });
}
