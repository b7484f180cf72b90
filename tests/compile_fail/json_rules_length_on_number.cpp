// expect: apply only to strings and containers
// tests/compile_fail/json_rules_length_on_number.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<int, fastapi::Rule{.max_length = 3}> f;

int main() {}
