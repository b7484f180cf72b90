// expect: a cookie has one value
// misuse: A cookie parameter that is a `std::vector`
// fix: take one value: `fa::Cookie<"c", std::string>` (or `std::optional<std::string>`).
// tests/compile_fail/params_cookie_vector.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::Cookie<"c", std::vector<std::string>> c) { return c->front(); });
}
