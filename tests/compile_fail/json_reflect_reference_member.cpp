// expect: has a reference data member
// misuse: A model with a reference member
// fix: store the value: `int value;` (`std::string`, not `const std::string&`).
// tests/compile_fail/json_reflect_reference_member.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct View {
  const int& value;
};
constexpr auto n = fastapi::field_count<View>;

int main() {}
