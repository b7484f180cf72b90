// expect: a field_validator in T::validators() names a member of another struct
// misuse: A `field_validator` that names another struct's member
// fix: put the validator in the struct that has the member (`Address::validators()`), or check it from `Signup` with a `fa::model_validator`.
// tests/compile_fail/json_validator_other_struct.cpp: must not compile; a struct's validators may only name its own members.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Address {
  std::string city;
};
struct Signup {
  std::string name;
  Address address;
  static auto validators() {
    return fastapi::Validators{fastapi::field_validator<&Address::city>([](const std::string&) {})};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
