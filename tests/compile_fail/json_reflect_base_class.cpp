// expect: has a base class
// misuse: A model with a base class
// fix: copy the base's members into the struct, or make the base a data member: `struct Derived { Base base; int b; };`.
// tests/compile_fail/json_reflect_base_class.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct Base {
  int a;
};
struct Derived : Base {
  int b;
};
constexpr auto n = fastapi::field_count<Derived>;

int main() {}
