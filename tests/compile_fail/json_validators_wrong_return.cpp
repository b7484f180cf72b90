// expect: a struct's `static auto validators()` must return fa::Validators{...}
// misuse: `validators()` that returns something other than `fa::Validators`
// fix: return `fa::Validators{...}`: `return fa::Validators{fa::model_validator([](const Signup&) {})};`.
// tests/compile_fail/json_validators_wrong_return.cpp: must not compile; validators() returning something else than fa::Validators is refused in words.
#include <string>
#include <string_view>
#include <tuple>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  static auto validators() {
    return std::tuple{fastapi::model_validator([](const Signup&) {})};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
