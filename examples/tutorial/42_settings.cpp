// examples/tutorial/42_settings.cpp: settings read once from the environment (and a .env file) into a struct
// the handlers share (docs/tutorial/42_settings.md).
// Run: ADMIN_EMAIL=deadpool@example.com ./42_settings [--port 8000]; its test: tests/tutorial/test_42_settings.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace settings {

// Each member is read from the variable of its name, in any case: APP_NAME, ADMIN_EMAIL, ITEMS_PER_USER.
struct Settings {
  fa::Default<std::string> app_name = "Awesome API";  // optional: this default when APP_NAME is not set
  std::string admin_email;                            // required: the program stops without ADMIN_EMAIL
  fa::Default<int> items_per_user = 50;
};

void build(fa::App& app) {
  // Read once, at startup; a missing or invalid value prints pydantic-settings' message and exits with status 1.
  app.state<Settings>(fa::load_settings_or_exit<Settings>({.env_file = ".env"}));

  app.get("/info", [](fa::State<Settings> settings) {
    return fa::Json{{"app_name", *settings->app_name},
                    {"admin_email", settings->admin_email},
                    {"items_per_user", *settings->items_per_user}};
  });
}

}  // namespace settings

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  settings::build(app);
  return app.run(argc, argv);
}
#endif
