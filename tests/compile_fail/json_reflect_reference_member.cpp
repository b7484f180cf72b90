// expect: has a reference data member
// tests/compile_fail/json_reflect_reference_member.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct View {
  const int& value;
};
constexpr auto n = fastapi::field_count<View>;

int main() {}
