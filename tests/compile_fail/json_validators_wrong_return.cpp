// expect: a struct's `static auto validators()` must return fa::Validators{...}
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
