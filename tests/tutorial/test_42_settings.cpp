// tests/tutorial/test_42_settings.cpp: what docs/tutorial/42_settings.md says, checked on its example: defaults,
// variables, the .env file under them, the error for a missing value, and settings replaced in a test.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/42_settings.cpp"
#include "fastapi/testing/test_client.hpp"

namespace tutorial_42 {
// The page's variables, cleared before and after each case (the environment is the process's).
struct CleanEnvironment {
  CleanEnvironment() { clear(); }
  ~CleanEnvironment() { clear(); }
  static void clear() {
    for (const char* name : {"APP_NAME", "ADMIN_EMAIL", "ITEMS_PER_USER", "items_per_user"}) ::unsetenv(name);
  }
};
}  // namespace tutorial_42

TEST_SUITE("tutorial/42_settings") {
  TEST_CASE("defaults, and the variables over them") {
    tutorial_42::CleanEnvironment env;
    ::setenv("ADMIN_EMAIL", "deadpool@example.com", 1);
    {
      fa::App app;
      settings::build(app);
      fa::testing::TestClient client{app};
      CHECK(client.get("/info").text ==
            R"({"app_name":"Awesome API","admin_email":"deadpool@example.com","items_per_user":50})");
    }
    ::setenv("APP_NAME", "ChimichangApp", 1);
    ::setenv("items_per_user", "10", 1);  // any case
    fa::App app;
    settings::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/info").text ==
          R"({"app_name":"ChimichangApp","admin_email":"deadpool@example.com","items_per_user":10})");
  }

  TEST_CASE("a required value missing, or a value of the wrong type, is pydantic-settings' error") {
    tutorial_42::CleanEnvironment env;
    try {
      (void)fa::load_settings<settings::Settings>();
      FAIL("no error without ADMIN_EMAIL");
    } catch (const fa::ConfigurationError& e) {
      CHECK(std::string(e.what()) == "1 validation error for Settings\nadmin_email\n"
                                     "  Field required [type=missing, input_value={}, input_type=dict]");
    }
    ::setenv("ADMIN_EMAIL", "deadpool@example.com", 1);
    ::setenv("ITEMS_PER_USER", "many", 1);
    CHECK_THROWS_WITH_AS((void)fa::load_settings<settings::Settings>(),
                         doctest::Contains("Input should be a valid integer, unable to parse string as an integer"),
                         fa::ConfigurationError);
  }

  TEST_CASE("a .env file is read under the environment") {
    tutorial_42::CleanEnvironment env;
    const std::string dotenv = (std::filesystem::temp_directory_path() / "fastapi-tutorial-42.env").string();
    std::ofstream(dotenv) << "# the page's .env\nADMIN_EMAIL=\"deadpool@example.com\"\nAPP_NAME=\"ChimichangApp\"\n";
    ::setenv("APP_NAME", "FromTheEnvironment", 1);
    auto read = fa::load_settings<settings::Settings>({.env_file = dotenv});
    std::filesystem::remove(dotenv);
    CHECK(read.admin_email == "deadpool@example.com");
    CHECK(*read.app_name == "FromTheEnvironment");
    CHECK(*read.items_per_user == 50);
  }

  TEST_CASE("a test gives its own settings by replacing the app's state") {
    tutorial_42::CleanEnvironment env;
    ::setenv("ADMIN_EMAIL", "deadpool@example.com", 1);
    fa::App app;
    settings::build(app);
    settings::Settings mine;
    mine.admin_email = "testing_admin@example.com";
    app.state<settings::Settings>(mine);
    fa::testing::TestClient client{app};
    CHECK(client.get("/info").json()["admin_email"] == "testing_admin@example.com");
  }
}
