// expect: fa::Choice needs at least one value
// misuse: `fa::Choice<>` with no value
// fix: list the values the member may take: `fa::Choice<"asc", "desc"> order;`.
// tests/compile_fail/json_choice_empty.cpp: must not compile; a fa::Choice<> with no value could never be valid.
#include "fastapi/json/choice.hpp"

struct Sort {
  fastapi::Choice<> order;
};

int main() { (void)Sort{}; }
