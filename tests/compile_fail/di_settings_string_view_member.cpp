// expect: a settings member must own its text: use std::string
// misuse: A settings member that is a `std::string_view`
// fix: use `std::string`: the settings struct must own its text, the values it is read from are gone when `fa::load_settings` returns.
// tests/compile_fail/di_settings_string_view_member.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string_view>

#include "fastapi/di/settings.hpp"

namespace fa = fastapi;

struct Settings {
  std::string_view name;  // would point into a map that load_settings destroys
};

int main() { return static_cast<int>(fa::load_settings<Settings>().name.size()); }
