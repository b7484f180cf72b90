// expect: has no member named as the tag; give it one typed fa::Choice
// misuse: A `fa::Discriminator` alternative without the tag member
// fix: give every alternative the tag member, typed with its value: `struct Key { fa::Choice<"key"> type; std::string key; };`.
// tests/compile_fail/json_discriminator_member_without_tag.cpp: must not compile; a fa::Discriminator member without the tag field is refused in words.
#include <string>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Click {
  fastapi::Choice<"click"> type;
  int x;
};
struct Key {  // no `type` member
  std::string key;
};
struct Event {
  fastapi::Discriminator<"type", Click, Key> kind;
};

int main() { (void)fastapi::read_json<Event>(std::string_view("{}")); }
