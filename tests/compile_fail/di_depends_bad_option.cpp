// expect: the options of fa::Depends<fn, ...> are fa::no_cache and fa::scope::request
// tests/compile_fail/di_depends_bad_option.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
int get_limit() { return 10; }

int main() {
  fa::App app;
  app.get("/", [](fa::Depends<get_limit, true> limit) { return fa::Json{*limit}; });  // `true` is no option
}
