// expect: must be default-constructible
// misuse: A model member without a default constructor
// fix: give the member's type a default constructor, or drop its constructor so it is a plain aggregate: the reader value-initializes the struct, then assigns the members it finds.
// tests/compile_fail/json_read_not_default_constructible.cpp: must not compile; the reader value-initializes a struct, so every member needs a default.
#include <string_view>

#include "fastapi/json/read.hpp"

struct Id {
  explicit Id(int v) : value(v) {}
  int value;
};
struct Holder {
  int a;
  Id id;
};
struct Outer {
  Holder holder;
};

int main() { (void)fastapi::read_json<Outer>(std::string_view("{}")); }
