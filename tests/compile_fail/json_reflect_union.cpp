// expect: a union cannot be reflected
// misuse: Reflecting a union
// fix: use a struct of `std::optional` members, or a `std::variant` (a `fa::Discriminator` for tagged JSON) member inside a struct.
// tests/compile_fail/json_reflect_union.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

union Either {
  int i;
  float f;
};
constexpr auto n = fastapi::field_count<Either>;

int main() {}
