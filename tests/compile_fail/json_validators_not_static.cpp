// expect: a struct's validators() must be a static member function
// misuse: `validators()` that is not static
// fix: make it static: `static auto validators() { return fa::Validators{...}; }`.
// tests/compile_fail/json_validators_not_static.cpp: must not compile; a validators() that is not static would be silently ignored, so it is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  auto validators() const {
    return fastapi::Validators{fastapi::field_validator<&Signup::name>([](const std::string&) {})};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
