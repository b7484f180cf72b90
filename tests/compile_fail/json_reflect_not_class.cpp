// expect: this type is not a class
// tests/compile_fail/json_reflect_not_class.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

constexpr auto n = fastapi::field_count<int>;

int main() {}
