// expect: the options of fa::Depends<fn, ...> are fa::no_cache and fa::scope::request
// misuse: `fa::Depends` with an option it does not know
// fix: the options are `fa::no_cache` (call the dependency again for each use) and `fa::scope::request` / `fa::scope::function` (when the cleanup of a `fa::Yield` dependency runs): `fa::Depends<get_limit, fa::no_cache>`.
// tests/compile_fail/di_depends_bad_option.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
int get_limit() { return 10; }

int main() {
  fa::App app;
  app.get("/", [](fa::Depends<get_limit, true> limit) { return fa::Json{*limit}; });  // `true` is no option
}
