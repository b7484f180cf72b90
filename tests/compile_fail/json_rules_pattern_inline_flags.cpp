// expect: this Rule pattern has inline flags such as (?i) or (?s)
// misuse: A pattern with inline flags (`(?i)`)
// fix: spell the cases out, `^[Aa][Dd][Mm][Ii][Nn]$`, or compare in the handler after lowering the case; for "any character" across lines use `[\s\S]`.
// tests/compile_fail/json_rules_pattern_inline_flags.cpp: must not compile; Python's re takes (?i), fastapi's
// linear-time matcher does not, and says so at compile time.
#include <string>

#include "fastapi/json/rules.hpp"

struct Login {
  fastapi::Field<std::string, fastapi::Rule{.pattern = "(?i)^admin$"}> role;
};

int main() { return Login{}.role->empty() ? 0 : 1; }
