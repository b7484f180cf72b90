// expect: an after field_validator must be callable with the member's value type V
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
