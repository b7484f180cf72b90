// expect: apply only to numbers
// tests/compile_fail/json_rules_bound_on_string.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<std::string, fastapi::Rule{.ge = 1}> f;

int main() {}
