// expect: field_validator<Member> takes a pointer to a data member
// misuse: A `field_validator` on a member function
// fix: name a data member: `fa::field_validator<&Signup::name>(fn)`.
// tests/compile_fail/json_validator_not_data_member.cpp: must not compile; a field validator attached to a member function is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Signup {
  std::string name;
  std::string display() const { return name; }
  static auto validators() {
    return fastapi::Validators{fastapi::field_validator<&Signup::display>([](const std::string&) {})};
  }
};

int main() { (void)fastapi::read_json<Signup>(std::string_view("{}")); }
