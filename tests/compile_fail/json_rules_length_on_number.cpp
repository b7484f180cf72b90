// expect: apply only to strings and containers
// misuse: A length rule (`max_length`) on a number
// fix: bound the value instead, `fa::Rule{.le = 999}`; `min_length` / `max_length` are for strings and containers.
// tests/compile_fail/json_rules_length_on_number.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

fastapi::Field<int, fastapi::Rule{.max_length = 3}> f;

int main() {}
