// expect: is not a plain aggregate
// tests/compile_fail/json_reflect_not_aggregate.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct WithConstructor {
  WithConstructor() {}
  int x;
};
constexpr auto n = fastapi::field_count<WithConstructor>;

int main() {}
