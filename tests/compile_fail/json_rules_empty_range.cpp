// expect: leaves no value
// tests/compile_fail/json_rules_empty_range.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<int, fastapi::Rule{.ge = 10, .le = 1}> f;

int main() {}
