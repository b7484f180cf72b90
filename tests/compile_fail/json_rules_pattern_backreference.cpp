// expect: this Rule pattern has a backreference
// misuse: A pattern with a backreference
// fix: keep in the pattern what needs no backreference (`^(a+)-(a+)$`) and compare the two parts in a `fa::field_validator` or in the handler.
// tests/compile_fail/json_rules_pattern_backreference.cpp: must not compile; a backreference needs backtracking, which fastapi's linear-time matcher refuses (as Rust's regex crate does).
#include <string>

#include "fastapi/json/rules.hpp"

struct Pair {
  fastapi::Field<std::string, fastapi::Rule{.pattern = "^(a+)-\\1$"}> twice;
};

int main() { return Pair{}.twice->size() == 0 ? 0 : 1; }
