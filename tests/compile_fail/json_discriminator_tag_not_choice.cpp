// expect: the tag member of a fa::Discriminator
// misuse: A `fa::Discriminator` tag member that is a plain string
// fix: type the tag member with its value: `fa::Choice<"key"> type;`.
// tests/compile_fail/json_discriminator_tag_not_choice.cpp: must not compile; a tag field that is a plain string (not fa::Choice) is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Click {
  fastapi::Choice<"click"> type;
  int x;
};
struct Key {
  std::string type;  // the tag must say its value: fa::Choice<"key">
  std::string key;
};
struct Event {
  fastapi::Discriminator<"type", Click, Key> kind;
};

int main() { (void)fastapi::read_json<Event>(std::string_view("{}")); }
