// expect: min_length greater than max_length
// misuse: `min_length` greater than `max_length`
// fix: swap them: `fa::Rule{.min_length = 2, .max_length = 5}`.
// tests/compile_fail/json_rules_min_above_max.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<std::string, fastapi::Rule{.min_length = 5, .max_length = 2}> f;

int main() {}
