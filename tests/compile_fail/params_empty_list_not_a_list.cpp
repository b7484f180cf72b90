// expect: fa::empty_list is the default of a list parameter (std::vector<U>)
// misuse: `fa::empty_list` on a parameter that is not a list
// fix: use it on a list, `fa::Query<"tags", std::vector<std::string>, fa::empty_list>`, or give a plain default: `fa::Query<"limit", int, 10>`.
// tests/compile_fail/params_empty_list_not_a_list.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"limit", int, fa::empty_list> limit) { return fa::Json{*limit}; });
}
