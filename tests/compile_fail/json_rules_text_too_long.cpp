// expect: this Rule text is too long
// misuse: A `fa::Rule` text longer than its room
// fix: shorten it: an alias is at most 64 characters, a title 128, a description or a pattern 256, examples 512, openapi_examples 1024.
// tests/compile_fail/json_rules_text_too_long.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/json/rules.hpp"

constexpr fastapi::Rule rule{.alias = "an_alias_that_is_much_longer_than_the_sixty_four_characters_allowed_here"};

int main() {}
