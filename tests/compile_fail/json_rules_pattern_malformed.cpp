// expect: this Rule pattern is not a valid regular expression
// misuse: A pattern that is not a valid regular expression
// fix: close what is open: `^([a-z]+)$`.
// tests/compile_fail/json_rules_pattern_malformed.cpp: must not compile; an unbalanced pattern is refused at compile time, not at the first request.
#include <string>

#include "fastapi/json/rules.hpp"

struct Item {
  fastapi::Field<std::string, fastapi::Rule{.pattern = "^([a-z]+$"}> name;
};

int main() { return Item{}.name->size() == 0 ? 0 : 1; }
