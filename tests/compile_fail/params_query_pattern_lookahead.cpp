// expect: this Rule pattern has a lookahead or lookbehind
// misuse: A pattern with a lookahead
// fix: keep in the pattern what needs no lookaround (`^.{8,}$`) and check the rest in the handler or a dependency.
// tests/compile_fail/params_query_pattern_lookahead.cpp: must not compile; a Query's pattern is checked at compile time like a Field's, and lookaround is refused with its sentence.
#include <string>

#include "fastapi/params/markers.hpp"

using Password = fastapi::Query<"password", std::string, fastapi::Rule{.pattern = "^(?=.*[0-9]).{8,}$"}>;

int main() { return sizeof(Password) > 0 ? 0 : 1; }
