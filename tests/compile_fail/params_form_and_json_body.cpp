// expect: either as JSON (fa::Body, a struct) or as form fields
// misuse: A JSON body and form fields in one handler
// fix: read the body one way: every field as `fa::Form<"name", T>`, or all as JSON (move the field into the model).
// tests/compile_fail/params_form_and_json_body.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
struct Item {
  std::string name;
};

int main() {
  fa::App app;
  app.post("/", [](Item item, fa::Form<"f", std::string> f) { return item.name + *f; });
}
