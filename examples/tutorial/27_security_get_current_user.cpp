// examples/tutorial/27_security_get_current_user.cpp: a dependency turns the token into the user
// (docs/tutorial/27_security_get_current_user.md).
//   GET /users/me with "Authorization: Bearer johndoe"
//     -> {"username":"johndoefakedecoded","email":"john@example.com","full_name":"John Doe","disabled":null}
// Run: ./27_security_get_current_user [--port 8000]; its test: tests/tutorial/test_27_security_get_current_user.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace security_get_current_user {

using OAuth2Scheme = fa::OAuth2PasswordBearer<"token">;

struct User {
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  std::optional<bool> disabled;
};

// Not security at all: page 28 looks the user up, and a real app checks a signed token.
User fake_decode_token(const std::string& token) {
  return User{token + "fakedecoded", "john@example.com", "John Doe", {}};
}

User get_current_user(OAuth2Scheme token) { return fake_decode_token(*token); }

void build(fa::App& app) {
  app.get("/users/me", [](fa::Depends<get_current_user> current_user) { return *current_user; });
}

}  // namespace security_get_current_user

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  security_get_current_user::build(app);
  return app.run(argc, argv);
}
#endif
