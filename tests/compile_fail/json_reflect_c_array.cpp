// expect: use std::array<T, N>
// tests/compile_fail/json_reflect_c_array.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct Fixed {
  int id;
  char name[16];
};
constexpr auto n = fastapi::field_count<Fixed>;

int main() {}
