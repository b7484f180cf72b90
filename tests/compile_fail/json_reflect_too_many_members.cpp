// expect: more than 64 data members
// misuse: A model with more than 64 members
// fix: group members into nested structs: a nested struct is one member, written as one JSON object.
// tests/compile_fail/json_reflect_too_many_members.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/reflect.hpp"

struct Huge {
  // clang-format off
  int f0; int f1; int f2; int f3; int f4; int f5; int f6; int f7;
  int f8; int f9; int f10; int f11; int f12; int f13; int f14; int f15;
  int f16; int f17; int f18; int f19; int f20; int f21; int f22; int f23;
  int f24; int f25; int f26; int f27; int f28; int f29; int f30; int f31;
  int f32; int f33; int f34; int f35; int f36; int f37; int f38; int f39;
  int f40; int f41; int f42; int f43; int f44; int f45; int f46; int f47;
  int f48; int f49; int f50; int f51; int f52; int f53; int f54; int f55;
  int f56; int f57; int f58; int f59; int f60; int f61; int f62; int f63;
  // clang-format on
  int f64;
};
constexpr auto n = fastapi::field_count<Huge>;

int main() {}
