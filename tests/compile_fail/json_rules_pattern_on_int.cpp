// expect: Rule pattern applies only to strings
// misuse: A pattern on a number
// fix: bound the number with `ge` / `le`, or make the member a `std::string` if it is a text of digits.
// tests/compile_fail/json_rules_pattern_on_int.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<int, fastapi::Rule{.pattern = "^[0-9]+$"}> f;

int main() {}
