// expect: leaves no value
// misuse: A `fa::Rule` whose lower bound is above its upper bound
// fix: swap the bounds: `fa::Rule{.ge = 1, .le = 10}`.
// tests/compile_fail/json_rules_empty_range.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<int, fastapi::Rule{.ge = 10, .le = 1}> f;

int main() {}
