// expect: min_length greater than max_length
// tests/compile_fail/json_rules_min_above_max.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<std::string, fastapi::Rule{.min_length = 5, .max_length = 2}> f;

int main() {}
