// expect: is not a plain aggregate
// misuse: A model with a constructor
// fix: drop the constructor and give the members default initializers: `struct WithConstructor { int x = 0; };`.
// tests/compile_fail/json_reflect_not_aggregate.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct WithConstructor {
  WithConstructor() {}
  int x;
};
constexpr auto n = fastapi::field_count<WithConstructor>;

int main() {}
