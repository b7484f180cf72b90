// expect: this type is not a class
// misuse: Reflecting a type that is not a struct
// fix: wrap the value in a struct with one data member: `struct Count { int value; };`.
// tests/compile_fail/json_reflect_not_class.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

constexpr auto n = fastapi::field_count<int>;

int main() {}
