// expect: an after field_validator must be callable with the member's value type V
// misuse: An after `field_validator` that takes another type than the member's
// fix: take the member's type: `[](std::string v) { return v; }` (returns the cleaned value) or `[](const std::string& v) { ... }` (only checks).
// tests/compile_fail/json_validator_after_wrong_signature.cpp: must not compile; an after field validator whose parameter is not the member's type is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  static auto validators() {
    return fastapi::Validators{fastapi::field_validator<&Signup::name>([](int v) { return v; })};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
