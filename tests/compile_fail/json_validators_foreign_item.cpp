// expect: fa::Validators{...} holds fa::field_validator<&T::member>(fn) and fa::model_validator(fn) only
// misuse: A bare function in `fa::Validators{...}`
// fix: wrap it: `fa::model_validator([](const Signup& s) { ... })`, or `fa::field_validator<&Signup::name>(fn)` for one member.
// tests/compile_fail/json_validators_foreign_item.cpp: must not compile; a bare function in fa::Validators (not wrapped as a field or model validator) is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  static auto validators() {
    return fastapi::Validators{[](const Signup&) {}};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
