// expect: a before field_validator must be callable as `fa::Json fn(const fa::Json& raw)`
// misuse: A before `field_validator` that does not take `fa::Json`
// fix: a before validator sees the raw input: `[](const fa::Json& raw) { return raw; }` (returns what to read instead) or `[](const fa::Json& raw) { ... }` (only checks).
// tests/compile_fail/json_validator_before_wrong_signature.cpp: must not compile; a before field validator that does not take the raw fa::Json is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  static auto validators() {
    return fastapi::Validators{
        fastapi::field_validator<&Signup::name, fastapi::before>([](const std::string& v) { return v; })};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
