// expect-warning: is now spelled fa::Embed<"name", T>
// expect-context: deprecated
// tests/compile_fail/warnings/params_body_name_after_type.cpp: must COMPILE, with a warning that names the new
// spelling. The old spelling of a named body, `fa::Body<T, "name">` (the name after the type), keeps compiling, as
// users' code has it; it warns that it is now `fa::Embed<"name", T>`, the name first as every other marker takes
// it. (That the new spelling compiles without a warning, the suite's -Werror builds show: its tests use it.)
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
struct Item {
  int id = 0;
};
int main() {
  fa::App app;
  app.put("/items", [](fa::Body<Item, "item"> item) { return std::to_string(item->id); });
}
