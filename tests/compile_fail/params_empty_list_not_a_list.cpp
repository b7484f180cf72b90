// expect: fa::empty_list is the default of a list parameter (std::vector<U>)
// tests/compile_fail/params_empty_list_not_a_list.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"limit", int, fa::empty_list> limit) { return fa::Json{*limit}; });
}
