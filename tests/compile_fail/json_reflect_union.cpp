// expect: a union cannot be reflected
// tests/compile_fail/json_reflect_union.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

union Either {
  int i;
  float f;
};
constexpr auto n = fastapi::field_count<Either>;

int main() {}
