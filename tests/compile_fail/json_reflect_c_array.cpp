// expect: use std::array<T, N>
// misuse: A model with a C array member
// fix: use `std::array<char, 16> name;`, or `std::string name;` for a text.
// tests/compile_fail/json_reflect_c_array.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct Fixed {
  int id;
  char name[16];
};
constexpr auto n = fastapi::field_count<Fixed>;

int main() {}
