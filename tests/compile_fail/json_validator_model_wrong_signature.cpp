// expect: an after model_validator must be callable with the struct
// misuse: A `model_validator` that does not take the struct
// fix: take the struct: `fa::model_validator([](const Signup& s) { if (s.password != s.password_repeat) throw fa::ValueError("passwords do not match"); })`.
// tests/compile_fail/json_validator_model_wrong_signature.cpp: must not compile; a model validator that does not take the struct is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string password;
  std::string password_repeat;
  static auto validators() {
    return fastapi::Validators{fastapi::model_validator([](const std::string& password) { (void)password; })};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
