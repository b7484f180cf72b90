// expect: apply only to numbers
// misuse: A number bound (`ge`) on a string
// fix: bound a text's length with `min_length` / `max_length`; `gt`, `ge`, `lt`, `le` and `multiple_of` are for number members.
// tests/compile_fail/json_rules_bound_on_string.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<std::string, fastapi::Rule{.ge = 1}> f;

int main() {}
