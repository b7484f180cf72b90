// expect: load_settings<S> reads a plain struct
// misuse: `fa::load_settings` of something that is not a plain struct
// fix: declare the settings as a struct with public data members, each read from the variable of its name: `struct Settings { std::string app_name = "Awesome API"; int items_per_user = 50; };`.
// tests/compile_fail/di_settings_not_struct.cpp: must not compile; settings are read member by member.
#include <string>

#include "fastapi/di/settings.hpp"

namespace fa = fastapi;

class Settings {
 public:
  Settings() = default;
  std::string app_name = "Awesome API";
};

int main() { return static_cast<int>(fa::load_settings<Settings>().app_name.size()); }
