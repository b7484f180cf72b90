// expect: Rule convert_underscores applies only to fa::Header
// misuse: `convert_underscores` on a `fa::Query`
// fix: drop it: a query parameter's name is used as written; `convert_underscores` is `fa::Header`'s (whose `x_token` matches `X-Token`).
// tests/compile_fail/params_convert_underscores_on_query.cpp: must not compile; convert_underscores means something only for a header's name.
#include <string>

#include "fastapi/params/markers.hpp"

int main() {
  fastapi::Query<"x_tok", std::string, fastapi::Rule{.convert_underscores = false}> q{"a"};
  return q->empty() ? 1 : 0;
}
